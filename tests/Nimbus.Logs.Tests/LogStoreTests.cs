using Nimbus.Core.Errors;
using Nimbus.Core.Logs;

namespace Nimbus.Logs.Tests;

public sealed class LogStoreTests : IAsyncLifetime
{
    private const string A = "123456789012";
    private const string R = "us-east-1";
    private readonly LogsTestState _state = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync() => _state.DisposeAsync().AsTask();

    [Fact]
    public async Task FlushAsync_AfterAppend_CompletesAndWriterStaysAlive()
    {
        _state.Logs.Append(new LogStreamRef(A, R, "g", "s"), 1, "one");
        await _state.FlushAsync();
        _state.Logs.Append(new LogStreamRef(A, R, "g", "s"), 2, "two");
        await _state.FlushAsync();

        Assert.Equal(2, _state.Logs.StreamEvents(A, R, "g", "s", null, null, 0, long.MaxValue, 10, true).Count);
    }

    [Fact]
    public async Task ForgetStreams_InTheSameBatchAsEvents_StreamStatsKeptAndWriterAlive()
    {
        var stream = new LogStreamRef(A, R, "g", "s");
        _state.Logs.Append(stream, 5, "before");
        _state.Logs.ForgetStreams();
        await _state.FlushAsync();
        _state.Logs.Append(stream, 7, "after");
        await _state.FlushAsync();

        Assert.Equal(["before", "after"], _state.Logs.StreamEvents(A, R, "g", "s", null, null, 0, long.MaxValue, 10, true).Select(e => e.Message));
        var s = Assert.Single(_state.Logs.Streams(A, R, "g", null));
        Assert.Equal(5, s.FirstEvent);
        Assert.Equal(7, s.LastEvent);
        Assert.Equal("beforeafter".Length, s.StoredBytes);
    }

    [Fact]
    public async Task Append_ThenFlush_EventsReadableInOrderWithGroupAndStreamCreated()
    {
        var stream = new LogStreamRef(A, R, "/aws/lambda/fn", "2024/01/01/[$LATEST]abc");
        for (var i = 0; i < 2500; i++)
        {
            _state.Logs.Append(stream, 1000 + i, $"line {i}");
        }

        await _state.FlushAsync();

        var events = _state.Logs.StreamEvents(A, R, "/aws/lambda/fn", stream.StreamName, null, null, 0, long.MaxValue, 10000, fromHead: true);
        Assert.Equal(2500, events.Count);
        Assert.Equal(Enumerable.Range(0, 2500).Select(i => $"line {i}"), events.Select(e => e.Message));
        Assert.Equal(1000, events[0].Timestamp);
        Assert.All(events, e => Assert.True(e.Ingestion > 0));
        Assert.Equal("/aws/lambda/fn", Assert.Single(_state.Logs.Groups(A, R, null)).Name);
        var s = Assert.Single(_state.Logs.Streams(A, R, "/aws/lambda/fn", null));
        Assert.Equal(1000, s.FirstEvent);
        Assert.Equal(3499, s.LastEvent);
        Assert.True(s.StoredBytes > 0);
    }

    [Fact]
    public async Task StreamEvents_FromTail_ReturnsLastEventsOldestFirst()
    {
        var stream = new LogStreamRef(A, R, "g", "s");
        for (var i = 0; i < 10; i++)
        {
            _state.Logs.Append(stream, i, $"m{i}");
        }

        await _state.FlushAsync();

        var tail = _state.Logs.StreamEvents(A, R, "g", "s", null, null, 0, long.MaxValue, 3, fromHead: false);
        Assert.Equal(["m7", "m8", "m9"], tail.Select(e => e.Message));
        var window = _state.Logs.StreamEvents(A, R, "g", "s", 2, 5, 0, long.MaxValue, 100, fromHead: true);
        Assert.Equal(["m2", "m3", "m4"], window.Select(e => e.Message));
    }

    [Fact]
    public async Task Append_OtherAccount_IsNotVisible()
    {
        _state.Logs.Append(new LogStreamRef("999999999999", R, "g", "s"), 1, "theirs");
        await _state.FlushAsync();

        Assert.Empty(_state.Logs.Groups(A, R, null));
        var e = Assert.Throws<AwsServiceException>(() => _state.Logs.StreamEvents(A, R, "g", "s", null, null, 0, long.MaxValue, 10, true));
        Assert.Equal("ResourceNotFoundException", e.Error.Code);
        Assert.Single(_state.Logs.Groups("999999999999", R, null));
    }

    [Fact]
    public async Task Append_AfterGroupDeleted_RecreatesGroupAndStream()
    {
        var stream = new LogStreamRef(A, R, "g", "s");
        _state.Logs.Append(stream, 1, "before");
        await _state.FlushAsync();
        _state.Logs.DeleteGroup(A, R, "g");

        _state.Logs.Append(stream, 2, "after");
        await _state.FlushAsync();

        var events = _state.Logs.StreamEvents(A, R, "g", "s", null, null, 0, long.MaxValue, 10, true);
        Assert.Equal(["after"], events.Select(e => e.Message));
    }

    [Fact]
    public void CreateGroup_Twice_ThrowsResourceAlreadyExists()
    {
        _state.Logs.CreateGroup(A, R, "g");

        var e = Assert.Throws<AwsServiceException>(() => _state.Logs.CreateGroup(A, R, "g"));

        Assert.Equal("ResourceAlreadyExistsException", e.Error.Code);
    }

    [Fact]
    public void CreateStream_MissingGroup_ThrowsResourceNotFound()
    {
        var e = Assert.Throws<AwsServiceException>(() => _state.Logs.CreateStream(A, R, "nope", "s"));

        Assert.Equal("ResourceNotFoundException", e.Error.Code);
        Assert.Equal("The specified log group does not exist.", e.Error.Message);
    }
}
