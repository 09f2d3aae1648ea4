namespace Nimbus.Data.Tests.DynamoDb;

public sealed class BatchTests : IDisposable
{
    private readonly DynamoTestState _s = new();

    public BatchTests() => _s.Call("CreateTable", """{"TableName":"batch","KeySchema":[{"AttributeName":"id","KeyType":"HASH"}],"AttributeDefinitions":[{"AttributeName":"id","AttributeType":"S"}],"BillingMode":"PAY_PER_REQUEST"}""");

    public void Dispose() => _s.Dispose();

    [Fact]
    public void WritesThenReadsInBatches()
    {
        var written = _s.Call("BatchWriteItem", """{"RequestItems":{"batch":[{"PutRequest":{"Item":{"id":{"S":"a"},"v":{"N":"1"}}}},{"PutRequest":{"Item":{"id":{"S":"b"}}}},{"PutRequest":{"Item":{"id":{"S":"c"}}}}]}}""");
        Assert.Empty(written["UnprocessedItems"]!.AsObject());
        _s.Call("BatchWriteItem", """{"RequestItems":{"batch":[{"DeleteRequest":{"Key":{"id":{"S":"c"}}}}]}}""");
        var read = _s.Call("BatchGetItem", """{"RequestItems":{"batch":{"Keys":[{"id":{"S":"a"}},{"id":{"S":"b"}},{"id":{"S":"c"}}]}}}""");
        var ids = read["Responses"]!["batch"]!.AsArray().Select(i => i!["id"]!["S"]!.GetValue<string>()).Order(StringComparer.Ordinal);
        Assert.Equal(["a", "b"], ids);
        Assert.Empty(read["UnprocessedKeys"]!.AsObject());
    }

    [Fact]
    public void RejectsDuplicatesAndOversizedBatchesWithoutWriting()
    {
        Assert.Equal("Provided list of item keys contains duplicates",
            _s.Fail("BatchWriteItem", """{"RequestItems":{"batch":[{"PutRequest":{"Item":{"id":{"S":"a"}}}},{"DeleteRequest":{"Key":{"id":{"S":"a"}}}}]}}""").Message);
        Assert.Empty(_s.Call("GetItem", """{"TableName":"batch","Key":{"id":{"S":"a"}}}"""));
        var puts = string.Join(",", Enumerable.Range(0, 26).Select(i => "{\"PutRequest\":{\"Item\":{\"id\":{\"S\":\"k" + i + "\"}}}}"));
        Assert.Contains("Member must have length less than or equal to 25", _s.Fail("BatchWriteItem", "{\"RequestItems\":{\"batch\":[" + puts + "]}}").Message, StringComparison.Ordinal);
        Assert.Equal(0, _s.Call("Scan", """{"TableName":"batch"}""")["Count"]!.GetValue<int>());
        Assert.Equal("Provided list of item keys contains duplicates",
            _s.Fail("BatchGetItem", """{"RequestItems":{"batch":{"Keys":[{"id":{"S":"a"}},{"id":{"S":"a"}}]}}}""").Message);
    }
}
