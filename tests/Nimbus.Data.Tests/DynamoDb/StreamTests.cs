using System.Text.Json.Nodes;
using Microsoft.Data.Sqlite;
using Nimbus.Core.Errors;
using Nimbus.Core.Identity;
using Nimbus.Core.Messaging;
using Nimbus.Data.DynamoDb;
using Nimbus.Data.DynamoDb.Streams;
using Nimbus.Storage.Sqlite;

namespace Nimbus.Data.Tests.DynamoDb;

/// <summary>DynamoDB Streams: capture inside the write, the Streams API, TTL deletions, trimming, restart durability.</summary>
public sealed class StreamTests : IDisposable
{
    private static readonly AwsRequestContext Caller = new("123456789012", "us-east-1", "req");
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "nimbus-ddbstream-tests-" + Guid.NewGuid().ToString("N"));
    private readonly ManualTime _time = new() { Now = new DateTimeOffset(2026, 5, 1, 12, 0, 0, TimeSpan.Zero) };
    private DynamoDbApi _api = null!;
    private DynamoDbStreamsApi _streams = null!;
    private DynamoStore _store = null!;
    private StreamStore _streamStore = null!;

    public StreamTests() => Open();

    private void Open()
    {
        var state = new StateStore(_dir);
        state.Migrate([new DynamoDbMigrations()]);
        _streamStore = new StreamStore(state, _time);
        _store = new DynamoStore(state, [_streamStore]);
        _api = new DynamoDbApi(_store, _time);
        _streams = new DynamoDbStreamsApi(_streamStore, _time);
    }

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        if (Directory.Exists(_dir))
        {
            Directory.Delete(_dir, recursive: true);
        }
    }

    private JsonObject Ddb(string op, string json) => _api.Dispatch(op, JsonNode.Parse(json)!.AsObject(), Caller);

    private JsonObject Streams(string op, JsonObject body) => _streams.Dispatch(op, body, Caller);

    private AwsError StreamsFail(string op, JsonObject body) => Assert.Throws<AwsServiceException>(() => Streams(op, body)).Error;

    private string CreateTable(string name, string viewType) =>
        Ddb("CreateTable", $$$"""
            {"TableName":"{{{name}}}","KeySchema":[{"AttributeName":"id","KeyType":"HASH"}],"AttributeDefinitions":[{"AttributeName":"id","AttributeType":"S"}],
             "BillingMode":"PAY_PER_REQUEST","StreamSpecification":{"StreamEnabled":true,"StreamViewType":"{{{viewType}}}"}}
            """)["TableDescription"]!["LatestStreamArn"]!.GetValue<string>();

    private void Put(string table, string id, string v) => Ddb("PutItem", "{\"TableName\":\"" + table + "\",\"Item\":{\"id\":{\"S\":\"" + id + "\"},\"v\":{\"S\":\"" + v + "\"}}}");

    private void PutExpiring(string id, long exp) =>
        Ddb("PutItem", "{\"TableName\":\"st3\",\"Item\":{\"id\":{\"S\":\"" + id + "\"},\"exp\":{\"N\":\"" + exp.ToString(System.Globalization.CultureInfo.InvariantCulture) + "\"}}}");

    private string Shard(string arn) => Streams("DescribeStream", new JsonObject { ["StreamArn"] = arn })["StreamDescription"]!["Shards"]![0]!["ShardId"]!.GetValue<string>();

    private List<JsonObject> ReadAll(string arn, string type = "TRIM_HORIZON", string? sequence = null)
    {
        var request = new JsonObject { ["StreamArn"] = arn, ["ShardId"] = Shard(arn), ["ShardIteratorType"] = type };
        if (sequence is not null)
        {
            request["SequenceNumber"] = sequence;
        }

        var iterator = Streams("GetShardIterator", request)["ShardIterator"]!.GetValue<string>();
        return Streams("GetRecords", new JsonObject { ["ShardIterator"] = iterator })["Records"]!.AsArray().Select(r => r!.AsObject()).ToList();
    }

    [Fact]
    public void Writes_BecomeRecords_InOrder_WithImagesByViewType_AndNoRecordForNoOps()
    {
        var arn = CreateTable("st1", "NEW_AND_OLD_IMAGES");
        Put("st1", "a", "1");
        Put("st1", "a", "1"); // no change
        Put("st1", "a", "2");
        Ddb("DeleteItem", """{"TableName":"st1","Key":{"id":{"S":"a"}}}""");
        Ddb("DeleteItem", """{"TableName":"st1","Key":{"id":{"S":"missing"}}}""");

        var records = ReadAll(arn);
        Assert.Equal(["INSERT", "MODIFY", "REMOVE"], records.Select(r => r["eventName"]!.GetValue<string>()));
        Assert.Null(records[0]["dynamodb"]!["OldImage"]);
        Assert.Equal("1", records[1]["dynamodb"]!["OldImage"]!["v"]!["S"]!.GetValue<string>());
        Assert.Equal("2", records[1]["dynamodb"]!["NewImage"]!["v"]!["S"]!.GetValue<string>());
        Assert.Null(records[2]["dynamodb"]!["NewImage"]);
        var seqs = records.Select(r => r["dynamodb"]!["SequenceNumber"]!.GetValue<string>()).ToList();
        Assert.All(seqs, s => Assert.Matches("^[0-9]{21}$", s));
        Assert.Equal(seqs.Order(StringComparer.Ordinal), seqs);
        Assert.Equal(["ApproximateCreationDateTime", "Keys", "NewImage", "SequenceNumber", "SizeBytes", "StreamViewType"], records[0]["dynamodb"]!.AsObject().Select(p => p.Key));
        Assert.Equal(_time.Now.ToUnixTimeSeconds(), records[0]["dynamodb"]!["ApproximateCreationDateTime"]!.GetValue<long>());

        foreach (var (view, hasNew, hasOld) in new[] { ("KEYS_ONLY", false, false), ("NEW_IMAGE", true, false), ("OLD_IMAGE", false, true) })
        {
            var table = "v" + view.Replace("_", "", StringComparison.Ordinal);
            var other = CreateTable(table, view);
            Put(table, "k", "1");
            Put(table, "k", "2");
            var modify = ReadAll(other)[1]["dynamodb"]!;
            Assert.Equal(hasNew, modify["NewImage"] is not null);
            Assert.Equal(hasOld, modify["OldImage"] is not null);
            Assert.Equal("""{"id":{"S":"k"}}""", modify["Keys"]!.ToJsonString());
            Assert.Equal(view, modify["StreamViewType"]!.GetValue<string>());
        }
    }

    [Fact]
    public void Records_AndSequenceNumbers_SurviveARestart()
    {
        var arn = CreateTable("st2", "NEW_IMAGE");
        Put("st2", "a", "1");
        var before = ReadAll(arn).Single()["dynamodb"]!["SequenceNumber"]!.GetValue<string>();
        SqliteConnection.ClearAllPools();
        Open();
        Put("st2", "b", "1");
        var records = ReadAll(arn);
        Assert.Equal(2, records.Count);
        Assert.Equal(before, records[0]["dynamodb"]!["SequenceNumber"]!.GetValue<string>());
        Assert.True(string.CompareOrdinal(records[1]["dynamodb"]!["SequenceNumber"]!.GetValue<string>(), before) > 0);
    }

    [Fact]
    public void TtlDeletions_AreRemoveRecords_ByTheDynamoDbService()
    {
        var arn = CreateTable("st3", "NEW_AND_OLD_IMAGES");
        Ddb("UpdateTimeToLive", """{"TableName":"st3","TimeToLiveSpecification":{"Enabled":true,"AttributeName":"exp"}}""");
        var past = _time.Now.ToUnixTimeSeconds() - 10;
        PutExpiring("old", past);
        PutExpiring("new", past + 1000);
        Ddb("DeleteItem", """{"TableName":"st3","Key":{"id":{"S":"new"}}}""");
        PutExpiring("new", past + 1000);

        Assert.Equal(1, _store.ExpireItems(_time.Now));
        Assert.Empty(Ddb("GetItem", """{"TableName":"st3","Key":{"id":{"S":"old"}}}"""));
        var records = ReadAll(arn);
        var removes = records.Where(r => r["eventName"]!.GetValue<string>() == "REMOVE").ToList();
        Assert.Equal(2, removes.Count);
        Assert.Null(removes[0]["userIdentity"]);
        var ttl = removes[1];
        Assert.Equal("old", ttl["dynamodb"]!["Keys"]!["id"]!["S"]!.GetValue<string>());
        Assert.Equal("""{"type":"Service","principalId":"dynamodb.amazonaws.com"}""", ttl["userIdentity"]!.ToJsonString());
        Assert.Equal(0, _store.ExpireItems(_time.Now));
    }

    [Fact]
    public void Iterators_ExpireAfter15Minutes_AndTrimmedRecordsAreReported()
    {
        var arn = CreateTable("st4", "KEYS_ONLY");
        Put("st4", "a", "1");
        var first = ReadAll(arn).Single()["dynamodb"]!["SequenceNumber"]!.GetValue<string>();
        var iterator = Streams("GetShardIterator", new JsonObject { ["StreamArn"] = arn, ["ShardId"] = Shard(arn), ["ShardIteratorType"] = "TRIM_HORIZON" })["ShardIterator"]!.GetValue<string>();
        _time.Now += TimeSpan.FromMinutes(16);
        Assert.Equal("ExpiredIteratorException", StreamsFail("GetRecords", new JsonObject { ["ShardIterator"] = iterator }).Code);

        _time.Now += TimeSpan.FromHours(24);
        Put("st4", "b", "1");
        Assert.Equal(1, _streamStore.Trim(_time.Now));
        var records = ReadAll(arn);
        Assert.Equal("b", records.Single()["dynamodb"]!["Keys"]!["id"]!["S"]!.GetValue<string>());
        var trimmed = StreamsFail("GetShardIterator", new JsonObject { ["StreamArn"] = arn, ["ShardId"] = Shard(arn), ["ShardIteratorType"] = "AT_SEQUENCE_NUMBER", ["SequenceNumber"] = first });
        Assert.Equal("TrimmedDataAccessException", trimmed.Code);
    }

    [Fact]
    public void DisablingAStream_ClosesItsShard_AndEnablingOpensANewStream()
    {
        var arn = CreateTable("st5", "NEW_IMAGE");
        Put("st5", "a", "1");
        Ddb("UpdateTable", """{"TableName":"st5","StreamSpecification":{"StreamEnabled":false}}""");
        Put("st5", "a", "2"); // no stream now
        var closed = Streams("DescribeStream", new JsonObject { ["StreamArn"] = arn })["StreamDescription"]!;
        Assert.Equal("DISABLED", closed["StreamStatus"]!.GetValue<string>());
        var range = closed["Shards"]![0]!["SequenceNumberRange"]!;
        Assert.Equal(ReadAll(arn).Single()["dynamodb"]!["SequenceNumber"]!.GetValue<string>(), range["EndingSequenceNumber"]!.GetValue<string>());

        _time.Now += TimeSpan.FromSeconds(1);
        var reopened = Ddb("UpdateTable", """{"TableName":"st5","StreamSpecification":{"StreamEnabled":true,"StreamViewType":"OLD_IMAGE"}}""")["TableDescription"]!["LatestStreamArn"]!.GetValue<string>();
        Assert.NotEqual(arn, reopened);
        Put("st5", "a", "3");
        Assert.Equal("2", ReadAll(reopened).Single()["dynamodb"]!["OldImage"]!["v"]!["S"]!.GetValue<string>());
        var listed = Streams("ListStreams", new JsonObject { ["TableName"] = "st5" })["Streams"]!.AsArray();
        Assert.Equal([arn, reopened], listed.Select(s => s!["StreamArn"]!.GetValue<string>()));
        var page = Streams("ListStreams", new JsonObject { ["Limit"] = 1 });
        Assert.Single(page["Streams"]!.AsArray());
        Assert.NotNull(page["LastEvaluatedStreamArn"]);

        Ddb("DeleteTable", """{"TableName":"st5"}""");
        Assert.Equal("DISABLED", Streams("DescribeStream", new JsonObject { ["StreamArn"] = reopened })["StreamDescription"]!["StreamStatus"]!.GetValue<string>());
        _time.Now += TimeSpan.FromHours(25);
        _streamStore.Trim(_time.Now);
        Assert.Equal("ResourceNotFoundException", StreamsFail("DescribeStream", new JsonObject { ["StreamArn"] = reopened }).Code);
    }

    [Fact]
    public void Validation_MatchesTheStreamsApi()
    {
        var arn = CreateTable("st6", "NEW_IMAGE");
        var shard = Shard(arn);
        Assert.Equal("ValidationException", StreamsFail("GetShardIterator", new JsonObject { ["StreamArn"] = arn, ["ShardId"] = shard, ["ShardIteratorType"] = "SIDEWAYS" }).Code);
        Assert.Equal("ValidationException", StreamsFail("GetShardIterator", new JsonObject { ["StreamArn"] = arn, ["ShardId"] = shard, ["ShardIteratorType"] = "AFTER_SEQUENCE_NUMBER" }).Code);
        Assert.Equal("ValidationException", StreamsFail("GetShardIterator", new JsonObject { ["StreamArn"] = arn, ["ShardId"] = shard, ["ShardIteratorType"] = "AT_SEQUENCE_NUMBER", ["SequenceNumber"] = "12" }).Code);
        var iterator = Streams("GetShardIterator", new JsonObject { ["StreamArn"] = arn, ["ShardId"] = shard, ["ShardIteratorType"] = "LATEST" })["ShardIterator"]!.GetValue<string>();
        Assert.Contains("less than or equal to 1000", StreamsFail("GetRecords", new JsonObject { ["ShardIterator"] = iterator, ["Limit"] = 1001 }).Message, StringComparison.Ordinal);
        Assert.Equal("ValidationException", StreamsFail("GetRecords", new JsonObject { ["ShardIterator"] = iterator, ["Limit"] = 0 }).Code);
        Assert.Equal("ResourceNotFoundException", StreamsFail("DescribeStream", new JsonObject { ["StreamArn"] = arn + "x" }).Code);
        Assert.Equal("UnknownOperationException", StreamsFail("PutRecord", []).Code);
    }

    [Fact]
    public async Task StreamSources_ReadAfterPositions_AndWaitForNewRecords()
    {
        var arn = CreateTable("st7", "NEW_AND_OLD_IMAGES");
        IStreamSources sources = new DynamoStreamSources(_streamStore, TimeProvider.System);
        var description = await sources.DescribeAsync(arn);
        Assert.NotNull(description);
        var shard = Assert.Single(description.ShardIds);
        Assert.Null(await sources.TrimHorizonAsync(arn, shard));
        Put("st7", "a", "1");
        var latest = await sources.LatestAsync(arn, shard);
        var waiting = sources.ReadAsync(arn, shard, latest, 10, TimeSpan.FromSeconds(10));
        Assert.False(waiting.IsCompleted);
        Put("st7", "b", "1");
        var read = await waiting;
        var record = Assert.Single(read.Records);
        Assert.Equal("b", record.Record["dynamodb"]!["Keys"]!["id"]!["S"]!.GetValue<string>());
        var all = await sources.ReadAsync(arn, shard, await sources.TrimHorizonAsync(arn, shard), 10, TimeSpan.Zero);
        Assert.Equal(2, all.Records.Count);
        Assert.NotEqual(all.Records[0].PartitionKey, all.Records[1].PartitionKey);
        Assert.Null(await sources.DescribeAsync(arn + "nope"));
    }

    private sealed class ManualTime : TimeProvider
    {
        public DateTimeOffset Now { get; set; }

        public override DateTimeOffset GetUtcNow() => Now;
    }
}
