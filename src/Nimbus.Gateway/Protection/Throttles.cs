using System.Collections.Concurrent;
using System.Threading.RateLimiting;

namespace Nimbus.Gateway.Protection;

/// <summary>API Gateway's token buckets: per account (10,000 requests/s, burst 5,000), per stage method or route
/// (<c>methodSettings</c> / route settings), per usage plan and API key.</summary>
/// <remarks>Each bucket is a <see cref="TokenBucketRateLimiter"/> holding <c>burst</c> tokens and refilled at
/// <c>rate</c> per second (in 100 ms steps for rates of 10/s and up). A bucket is keyed by its scope and replaced
/// when its limits change. A rate or burst of 0 refuses everything, as on AWS.</remarks>
internal sealed class Throttles : IDisposable
{
    /// <summary>AWS's default account quota, per region.</summary>
    public const double DefaultAccountRate = 10_000;

    public const int DefaultAccountBurst = 5_000;

    public Throttles()
    {
        // Like a quota increase on AWS: NIMBUS_APIGW_ACCOUNT_RATE / NIMBUS_APIGW_ACCOUNT_BURST raise (or lower) the account bucket.
        AccountRate = double.TryParse(Environment.GetEnvironmentVariable("NIMBUS_APIGW_ACCOUNT_RATE"), System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var rate) && rate > 0 ? rate : DefaultAccountRate;
        AccountBurst = int.TryParse(Environment.GetEnvironmentVariable("NIMBUS_APIGW_ACCOUNT_BURST"), System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture, out var burst) && burst > 0 ? burst : DefaultAccountBurst;
    }

    /// <summary>Requests per second per account and region.</summary>
    public double AccountRate { get; }

    /// <summary>The account bucket's size.</summary>
    public int AccountBurst { get; }

    private readonly ConcurrentDictionary<string, Bucket> _buckets = new(StringComparer.Ordinal);

    /// <summary>Takes one token from the bucket <paramref name="scope"/>; false when it is empty (→ 429).</summary>
    public bool TryAcquire(string scope, double rate, int burst)
    {
        if (rate <= 0 || burst <= 0)
        {
            return false;
        }

        var bucket = _buckets.AddOrUpdate(
            scope,
            _ => Bucket.Create(rate, burst),
            (_, existing) =>
            {
                if (existing.Rate == rate && existing.Burst == burst)
                {
                    return existing;
                }

                existing.Limiter.Dispose();
                return Bucket.Create(rate, burst);
            });
        using var lease = bucket.Limiter.AttemptAcquire(1);
        return lease.IsAcquired;
    }

    /// <summary>Forgets every bucket whose scope starts with <paramref name="prefix"/> (an API or plan removed).</summary>
    public void Forget(string prefix)
    {
        foreach (var key in _buckets.Keys.Where(k => k.StartsWith(prefix, StringComparison.Ordinal)))
        {
            if (_buckets.TryRemove(key, out var b))
            {
                b.Limiter.Dispose();
            }
        }
    }

    public void Dispose()
    {
        foreach (var b in _buckets.Values)
        {
            b.Limiter.Dispose();
        }

        _buckets.Clear();
    }

    private sealed record Bucket(double Rate, int Burst, TokenBucketRateLimiter Limiter)
    {
        public static Bucket Create(double rate, int burst)
        {
            // Whole tokens per period: 100 ms steps for fast rates, one token every 1/rate seconds for slow ones.
            var (period, tokens) = rate >= 10
                ? (TimeSpan.FromMilliseconds(100), (int)Math.Max(1, Math.Round(rate / 10)))
                : (TimeSpan.FromSeconds(1 / rate), 1);
            return new Bucket(rate, burst, new TokenBucketRateLimiter(new TokenBucketRateLimiterOptions
            {
                TokenLimit = burst,
                TokensPerPeriod = tokens,
                ReplenishmentPeriod = period,
                QueueLimit = 0,
                AutoReplenishment = true,
            }));
        }
    }
}
