using System.Text.Json.Nodes;
using Nimbus.Core.Identity;

namespace Nimbus.Logs.Tests;

public sealed class LogsApiTests : IAsyncLifetime
{
    private readonly LogsTestState _state = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync() => _state.DisposeAsync().AsTask();

    private async Task SetUpStreamAsync(int events, string group = "g", string stream = "s")
    {
        await _state.CallAsync("CreateLogGroup", $$"""{"logGroupName":"{{group}}"}""");
        await _state.CallAsync("CreateLogStream", $$"""{"logGroupName":"{{group}}","logStreamName":"{{stream}}"}""");
        if (events > 0)
        {
            await PutAsync(0, events, group, stream);
        }
    }

    private Task<JsonObject> PutAsync(int from, int count, string group = "g", string stream = "s")
    {
        var list = string.Join(",", Enumerable.Range(from, count).Select(i => $$"""{"timestamp":{{1_700_000_000_000L + i}},"message":"e{{i}}"}"""));
        return _state.CallAsync("PutLogEvents", $$"""{"logGroupName":"{{group}}","logStreamName":"{{stream}}","logEvents":[{{list}}]}""");
    }

    private Task<JsonObject> GetAsync(string extra) =>
        _state.CallAsync("GetLogEvents", $$"""{"logGroupName":"g","logStreamName":"s"{{extra}}}""");

    private static List<string> Messages(JsonObject result) =>
        result["events"]!.AsArray().Select(e => e!["message"]!.GetValue<string>()).ToList();

    [Fact]
    public async Task GetLogEvents_FromHeadWithForwardTokens_PagesThroughAndEndsOnSameToken()
    {
        await SetUpStreamAsync(5);

        var p1 = await GetAsync(""","startFromHead":true,"limit":2""");
        var p2 = await GetAsync($$""","limit":2,"nextToken":"{{p1["nextForwardToken"]}}" """);
        var p3 = await GetAsync($$""","limit":2,"nextToken":"{{p2["nextForwardToken"]}}" """);
        var p4 = await GetAsync($$""","limit":2,"nextToken":"{{p3["nextForwardToken"]}}" """);

        Assert.Equal(["e0", "e1"], Messages(p1));
        Assert.Equal(["e2", "e3"], Messages(p2));
        Assert.Equal(["e4"], Messages(p3));
        Assert.Empty(Messages(p4));
        Assert.Equal(p3["nextForwardToken"]!.GetValue<string>(), p4["nextForwardToken"]!.GetValue<string>());
        Assert.StartsWith("f/", p1["nextForwardToken"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.StartsWith("b/", p1["nextBackwardToken"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task GetLogEvents_FromTailWithBackwardTokens_PagesToTheStart()
    {
        await SetUpStreamAsync(5);

        var p1 = await GetAsync(""","limit":2""");
        var p2 = await GetAsync($$""","limit":2,"nextToken":"{{p1["nextBackwardToken"]}}" """);
        var p3 = await GetAsync($$""","limit":2,"nextToken":"{{p2["nextBackwardToken"]}}" """);
        var p4 = await GetAsync($$""","limit":2,"nextToken":"{{p3["nextBackwardToken"]}}" """);

        Assert.Equal(["e3", "e4"], Messages(p1));
        Assert.Equal(["e1", "e2"], Messages(p2));
        Assert.Equal(["e0"], Messages(p3));
        Assert.Empty(Messages(p4));
        Assert.Equal(p3["nextBackwardToken"]!.GetValue<string>(), p4["nextBackwardToken"]!.GetValue<string>());
    }

    [Fact]
    public async Task GetLogEvents_BackwardThenForward_ReturnsToLaterEvents()
    {
        await SetUpStreamAsync(6);

        var tail = await GetAsync(""","limit":2""");
        var back = await GetAsync($$""","limit":2,"nextToken":"{{tail["nextBackwardToken"]}}" """);
        var forward = await GetAsync($$""","limit":2,"nextToken":"{{back["nextForwardToken"]}}" """);

        Assert.Equal(["e4", "e5"], Messages(tail));
        Assert.Equal(["e2", "e3"], Messages(back));
        Assert.Equal(["e4", "e5"], Messages(forward));
    }

    [Fact]
    public async Task GetLogEvents_ForwardTokenAtEnd_SeesEventsAppendedLater()
    {
        await SetUpStreamAsync(3);
        var all = await GetAsync(""","startFromHead":true""");

        await PutAsync(3, 2);
        var next = await GetAsync($$""","nextToken":"{{all["nextForwardToken"]}}" """);

        Assert.Equal(["e0", "e1", "e2"], Messages(all));
        Assert.Equal(["e3", "e4"], Messages(next));
    }

    [Fact]
    public async Task GetLogEvents_ForwardTokenFromEmptyStream_SeesEventsAppendedLater()
    {
        await SetUpStreamAsync(0);
        var empty = await GetAsync(""","startFromHead":true""");

        await PutAsync(0, 2);
        var next = await GetAsync($$""","nextToken":"{{empty["nextForwardToken"]}}" """);

        Assert.Empty(Messages(empty));
        Assert.Equal(["e0", "e1"], Messages(next));
    }

    [Fact]
    public async Task GetLogEvents_TimeWindow_StartInclusiveEndExclusive()
    {
        await SetUpStreamAsync(5);

        var result = await GetAsync(""","startFromHead":true,"startTime":1700000000001,"endTime":1700000000003""");

        Assert.Equal(["e1", "e2"], Messages(result));
        var first = result["events"]![0]!;
        Assert.Equal(1_700_000_000_001L, first["timestamp"]!.GetValue<long>());
        Assert.True(first["ingestionTime"]!.GetValue<long>() > 0);
    }

    [Fact]
    public async Task GetLogEvents_ByLogGroupIdentifierArn_FindsGroup()
    {
        await SetUpStreamAsync(1, group: "/aws/lambda/fn");

        var result = await _state.CallAsync("GetLogEvents", """{"logGroupIdentifier":"arn:aws:logs:us-east-1:123456789012:log-group:/aws/lambda/fn:*","logStreamName":"s"}""");

        Assert.Equal(["e0"], Messages(result));
    }

    [Fact]
    public async Task GetLogEvents_MissingStream_ThrowsResourceNotFound()
    {
        await SetUpStreamAsync(0);

        var error = await _state.FailAsync("GetLogEvents", """{"logGroupName":"g","logStreamName":"nope"}""");

        Assert.Equal("ResourceNotFoundException", error.Code);
        Assert.Equal("The specified log stream does not exist.", error.Message);
    }

    [Fact]
    public async Task PutLogEvents_MissingStream_ThrowsResourceNotFound()
    {
        await _state.CallAsync("CreateLogGroup", """{"logGroupName":"g"}""");

        var error = await _state.FailAsync("PutLogEvents", """{"logGroupName":"g","logStreamName":"s","logEvents":[{"timestamp":1,"message":"x"}]}""");

        Assert.Equal("ResourceNotFoundException", error.Code);
    }

    [Fact]
    public async Task CreateLogGroup_MissingName_ThrowsInvalidParameter()
    {
        var error = await _state.FailAsync("CreateLogGroup", "{}");

        Assert.Equal("InvalidParameterException", error.Code);
        Assert.Contains("'logGroupName'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task HandleAsync_UnknownOperation_ThrowsUnknownOperation()
    {
        var error = await _state.FailAsync("MakeCoffee", "{}");

        Assert.Equal("UnknownOperationException", error.Code);
        Assert.Contains("MakeCoffee", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task FilterLogEvents_Pattern_ReturnsMatchingEventsAcrossStreams()
    {
        await SetUpStreamAsync(0);
        await _state.CallAsync("CreateLogStream", """{"logGroupName":"g","logStreamName":"t"}""");
        await _state.CallAsync("PutLogEvents", """{"logGroupName":"g","logStreamName":"s","logEvents":[{"timestamp":1,"message":"ERROR one"},{"timestamp":2,"message":"INFO two"}]}""");
        await _state.CallAsync("PutLogEvents", """{"logGroupName":"g","logStreamName":"t","logEvents":[{"timestamp":3,"message":"ERROR three retry"},{"timestamp":4,"message":"ERROR four"}]}""");

        var result = await _state.CallAsync("FilterLogEvents", """{"logGroupName":"g","filterPattern":"ERROR -retry"}""");

        Assert.Equal(["ERROR one", "ERROR four"], Messages(result));
        Assert.Equal(["s", "t"], result["events"]!.AsArray().Select(e => e!["logStreamName"]!.GetValue<string>()));
        Assert.Null(result["nextToken"]);
    }

    [Fact]
    public async Task FilterLogEvents_Limit_PagesWithNextToken()
    {
        await SetUpStreamAsync(5);

        var p1 = await _state.CallAsync("FilterLogEvents", """{"logGroupName":"g","limit":3}""");
        var p2 = await _state.CallAsync("FilterLogEvents", $$"""{"logGroupName":"g","limit":3,"nextToken":"{{p1["nextToken"]}}"}""");

        Assert.Equal(["e0", "e1", "e2"], Messages(p1));
        Assert.Equal(["e3", "e4"], Messages(p2));
        Assert.Null(p2["nextToken"]);
    }

    [Fact]
    public async Task DescribeLogGroups_Limit_PagesWithNextToken()
    {
        foreach (var name in new[] { "/b", "/a", "/c" })
        {
            await _state.CallAsync("CreateLogGroup", $$"""{"logGroupName":"{{name}}"}""");
        }

        var p1 = await _state.CallAsync("DescribeLogGroups", """{"limit":2}""");
        var p2 = await _state.CallAsync("DescribeLogGroups", $$"""{"limit":2,"nextToken":"{{p1["nextToken"]}}"}""");

        Assert.Equal(["/a", "/b"], p1["logGroups"]!.AsArray().Select(g => g!["logGroupName"]!.GetValue<string>()));
        Assert.Equal(["/c"], p2["logGroups"]!.AsArray().Select(g => g!["logGroupName"]!.GetValue<string>()));
        Assert.Null(p2["nextToken"]);
        Assert.Equal("arn:aws:logs:us-east-1:123456789012:log-group:/a:*", p1["logGroups"]![0]!["arn"]!.GetValue<string>());
    }

    [Fact]
    public async Task DescribeLogGroups_OtherCaller_SeesOnlyItsOwnGroups()
    {
        await _state.CallAsync("CreateLogGroup", """{"logGroupName":"mine"}""");

        var other = await _state.CallAsync("DescribeLogGroups", "{}", new AwsRequestContext("222222222222", "us-east-1", "r"));
        var mine = await _state.CallAsync("DescribeLogGroups", "{}");

        Assert.Empty(other["logGroups"]!.AsArray());
        Assert.Single(mine["logGroups"]!.AsArray());
    }

    [Fact]
    public async Task DescribeLogStreams_OrderByLastEventTimeDescending_NewestFirst()
    {
        await SetUpStreamAsync(0);
        await _state.CallAsync("CreateLogStream", """{"logGroupName":"g","logStreamName":"t"}""");
        await _state.CallAsync("PutLogEvents", """{"logGroupName":"g","logStreamName":"t","logEvents":[{"timestamp":5,"message":"x"}]}""");
        await _state.CallAsync("PutLogEvents", """{"logGroupName":"g","logStreamName":"s","logEvents":[{"timestamp":9,"message":"y"}]}""");

        var result = await _state.CallAsync("DescribeLogStreams", """{"logGroupName":"g","orderBy":"LastEventTime","descending":true}""");

        var streams = result["logStreams"]!.AsArray();
        Assert.Equal(["s", "t"], streams.Select(s => s!["logStreamName"]!.GetValue<string>()));
        Assert.Equal(9, streams[0]!["lastEventTimestamp"]!.GetValue<long>());
    }
}
