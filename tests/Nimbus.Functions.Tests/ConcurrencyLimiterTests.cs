using Nimbus.Functions.Invocation;
using Nimbus.Functions.Registry;

namespace Nimbus.Functions.Tests;

public sealed class ConcurrencyLimiterTests : IDisposable
{
    private const string Account = "123456789012";
    private readonly TestState _state = new();
    private readonly FunctionRegistry _registry;
    private readonly ConcurrencyLimiter _limiter;

    public ConcurrencyLimiterTests()
    {
        _registry = new FunctionRegistry(_state.Store);
        _limiter = new ConcurrencyLimiter(_registry, new FunctionsOptions { AccountConcurrency = 10 });
    }

    public void Dispose() => _state.Dispose();

    private FunctionState Create(string name, int? reserved = null, string region = "us-east-1") =>
        _registry.Create(TestState.State(new FunctionKey(Account, region, name), reserved));

    private static List<ConcurrencyLimiter.Lease> Take(ConcurrencyLimiter limiter, FunctionState state, int count)
    {
        var leases = new List<ConcurrencyLimiter.Lease>();
        for (var i = 0; i < count; i++)
        {
            var (lease, reason) = limiter.TryAcquire(state);
            Assert.True(lease is not null, $"acquire {i + 1} of {count} throttled: {reason}");
            leases.Add(lease!);
        }

        return leases;
    }

    [Fact]
    public void TryAcquire_ReservedFunction_LimitedToItsReservation()
    {
        var reserved = Create("reserved", reserved: 3);

        var leases = Take(_limiter, reserved, 3);
        var (lease, reason) = _limiter.TryAcquire(reserved);

        Assert.Null(lease);
        Assert.Equal("ReservedFunctionConcurrentInvocationLimitExceeded", reason);
        Assert.Equal(3, leases.Count);
    }

    [Fact]
    public void TryAcquire_UnreservedFunctions_ShareAccountLimitMinusReservations()
    {
        Create("reserved", reserved: 3);
        var a = Create("a");
        var b = Create("b");

        Assert.Equal(3, _limiter.ReservedTotal(Account, "us-east-1"));
        Assert.Equal(7, _limiter.UnreservedLimit(Account, "us-east-1"));
        Take(_limiter, a, 4);
        Take(_limiter, b, 3);
        var (lease, reason) = _limiter.TryAcquire(a);

        Assert.Null(lease);
        Assert.Equal("ConcurrentInvocationLimitExceeded", reason);
    }

    [Fact]
    public void TryAcquire_ReservedFunctionAtLimit_DoesNotDrawOnUnreservedPool()
    {
        var reserved = Create("reserved", reserved: 2);
        var other = Create("other");

        Take(_limiter, reserved, 2);
        Assert.Null(_limiter.TryAcquire(reserved).Lease);

        Take(_limiter, other, 8);
        Assert.Equal("ConcurrentInvocationLimitExceeded", _limiter.TryAcquire(other).Reason);
    }

    [Fact]
    public void Dispose_Lease_FreesSlotOnlyOnce()
    {
        var reserved = Create("reserved", reserved: 1);
        var (lease, _) = _limiter.TryAcquire(reserved);

        lease!.Dispose();
        lease.Dispose();
        var second = _limiter.TryAcquire(reserved).Lease;
        var third = _limiter.TryAcquire(reserved);

        Assert.NotNull(second);
        Assert.Null(third.Lease);
    }

    [Fact]
    public void Dispose_UnreservedLease_ReturnsSlotToPool()
    {
        var f = Create("f");
        var leases = Take(_limiter, f, 10);
        Assert.Null(_limiter.TryAcquire(f).Lease);

        leases[0].Dispose();

        Assert.NotNull(_limiter.TryAcquire(f).Lease);
        Assert.Null(_limiter.TryAcquire(f).Lease);
    }

    [Fact]
    public void TryAcquire_ReservationChanged_RecomputesUnreservedPool()
    {
        var f = Create("f");
        Assert.Equal(10, _limiter.UnreservedLimit(Account, "us-east-1"));
        var g = Create("g");

        _registry.Update(g.Key, s => s with { ReservedConcurrency = 6 });

        Assert.Equal(4, _limiter.UnreservedLimit(Account, "us-east-1"));
        Take(_limiter, f, 4);
        Assert.Equal("ConcurrentInvocationLimitExceeded", _limiter.TryAcquire(f).Reason);
    }

    [Fact]
    public void TryAcquire_OtherRegion_HasItsOwnPool()
    {
        var east = Create("f");
        var west = Create("f", region: "us-west-2");

        Take(_limiter, east, 10);
        Assert.Null(_limiter.TryAcquire(east).Lease);

        Assert.Equal(10, Take(_limiter, west, 10).Count);
    }

    [Fact]
    public void TryAcquire_ReservedZero_AlwaysThrottles()
    {
        var off = Create("off", reserved: 0);

        var (lease, reason) = _limiter.TryAcquire(off);

        Assert.Null(lease);
        Assert.Equal("ReservedFunctionConcurrentInvocationLimitExceeded", reason);
    }
}
