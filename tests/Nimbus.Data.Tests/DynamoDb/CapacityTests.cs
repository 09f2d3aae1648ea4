using System.Text.Json.Nodes;

namespace Nimbus.Data.Tests.DynamoDb;

/// <summary>ReturnConsumedCapacity and BatchGetItem's 16 MB page, as DynamoDB computes them.</summary>
public sealed class CapacityTests : IDisposable
{
    private readonly DynamoTestState _s = new();

    public CapacityTests() => _s.Call("CreateTable", """
        {"TableName":"cap","BillingMode":"PAY_PER_REQUEST",
         "KeySchema":[{"AttributeName":"pk","KeyType":"HASH"},{"AttributeName":"sk","KeyType":"RANGE"}],
         "AttributeDefinitions":[{"AttributeName":"pk","AttributeType":"S"},{"AttributeName":"sk","AttributeType":"N"},{"AttributeName":"g","AttributeType":"S"}],
         "GlobalSecondaryIndexes":[{"IndexName":"byG","KeySchema":[{"AttributeName":"g","KeyType":"HASH"}],"Projection":{"ProjectionType":"KEYS_ONLY"}}]}
        """);

    public void Dispose() => _s.Dispose();

    private static double Units(JsonNode? capacity) => capacity!["CapacityUnits"]!.GetValue<double>();

    private void Put(int sk, int bytes) =>
        _s.Call("PutItem", "{\"TableName\":\"cap\",\"Item\":{\"pk\":{\"S\":\"p\"},\"sk\":{\"N\":\"" + sk + "\"},\"v\":{\"S\":\"" + new string('x', bytes) + "\"}}}");

    [Fact]
    public void NothingIsReportedUnlessAsked()
    {
        Put(1, 10);
        Assert.Null(_s.Call("GetItem", """{"TableName":"cap","Key":{"pk":{"S":"p"},"sk":{"N":"1"}}}""")["ConsumedCapacity"]);
        Assert.Null(_s.Call("GetItem", """{"TableName":"cap","Key":{"pk":{"S":"p"},"sk":{"N":"1"}},"ReturnConsumedCapacity":"NONE"}""")["ConsumedCapacity"]);
        Assert.Contains("Member must satisfy enum value set: [INDEXES, TOTAL, NONE]",
            _s.Fail("GetItem", """{"TableName":"cap","Key":{"pk":{"S":"p"},"sk":{"N":"1"}},"ReturnConsumedCapacity":"ALL"}""").Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ReadsCostHalfAUnitPer4KbEventuallyConsistentAndOneStronglyConsistent()
    {
        Put(1, 100);
        Put(2, 5000); // 5,000+ bytes: two 4 KB units
        var small = _s.Call("GetItem", """{"TableName":"cap","Key":{"pk":{"S":"p"},"sk":{"N":"1"}},"ReturnConsumedCapacity":"TOTAL"}""")["ConsumedCapacity"];
        Assert.Equal("cap", small!["TableName"]!.GetValue<string>());
        Assert.Equal(0.5, Units(small));
        Assert.Null(small["Table"]);
        Assert.Equal(2, Units(_s.Call("GetItem", """{"TableName":"cap","Key":{"pk":{"S":"p"},"sk":{"N":"2"}},"ConsistentRead":true,"ReturnConsumedCapacity":"TOTAL"}""")["ConsumedCapacity"]));
        Assert.Equal(0.5, Units(_s.Call("GetItem", """{"TableName":"cap","Key":{"pk":{"S":"p"},"sk":{"N":"9"}},"ReturnConsumedCapacity":"TOTAL"}""")["ConsumedCapacity"]));

        // Query rounds the total size of the items read once: ~5.2 KB → 2 units, halved.
        var query = _s.Call("Query", """{"TableName":"cap","KeyConditionExpression":"pk = :p","ExpressionAttributeValues":{":p":{"S":"p"}},"ReturnConsumedCapacity":"INDEXES"}""")["ConsumedCapacity"];
        Assert.Equal(1, Units(query));
        Assert.Equal(1, Units(query!["Table"]));
    }

    [Fact]
    public void WritesCostOneUnitPerKbOfTheLargerItemPlusTheIndexesTheyTouch()
    {
        var put = _s.Call("PutItem", """{"TableName":"cap","Item":{"pk":{"S":"p"},"sk":{"N":"1"},"v":{"S":"x"}},"ReturnConsumedCapacity":"INDEXES"}""")["ConsumedCapacity"];
        Assert.Equal(1, Units(put));
        Assert.Equal(1, Units(put!["Table"]));
        Assert.Null(put["GlobalSecondaryIndexes"]); // no g: the item is not in the index

        var withIndex = _s.Call("PutItem", """{"TableName":"cap","Item":{"pk":{"S":"p"},"sk":{"N":"1"},"g":{"S":"a"},"v":{"S":"@V@"}},"ReturnConsumedCapacity":"INDEXES"}""".Replace("@V@", new string('x', 1500), StringComparison.Ordinal))["ConsumedCapacity"];
        Assert.Equal(2, Units(withIndex!["Table"])); // ~1.5 KB
        Assert.Equal(1, Units(withIndex["GlobalSecondaryIndexes"]!["byG"])); // KEYS_ONLY copy
        Assert.Equal(3, Units(withIndex));

        // Changing the index key deletes one index entry and writes another.
        var moved = _s.Call("UpdateItem", """{"TableName":"cap","Key":{"pk":{"S":"p"},"sk":{"N":"1"}},"UpdateExpression":"SET g = :g","ExpressionAttributeValues":{":g":{"S":"b"}},"ReturnConsumedCapacity":"INDEXES"}""")["ConsumedCapacity"];
        Assert.Equal(2, Units(moved!["GlobalSecondaryIndexes"]!["byG"]));

        var deleted = _s.Call("DeleteItem", """{"TableName":"cap","Key":{"pk":{"S":"p"},"sk":{"N":"1"}},"ReturnConsumedCapacity":"TOTAL"}""")["ConsumedCapacity"];
        Assert.Equal(3, Units(deleted));
    }

    [Fact]
    public void BatchesAndTransactionsReportOneEntryPerTable()
    {
        var batch = _s.Call("BatchWriteItem", """{"RequestItems":{"cap":[{"PutRequest":{"Item":{"pk":{"S":"p"},"sk":{"N":"1"}}}},{"PutRequest":{"Item":{"pk":{"S":"p"},"sk":{"N":"2"}}}}]},"ReturnConsumedCapacity":"TOTAL"}""");
        var entry = Assert.Single(batch["ConsumedCapacity"]!.AsArray());
        Assert.Equal("cap", entry!["TableName"]!.GetValue<string>());
        Assert.Equal(2, Units(entry));

        var get = _s.Call("BatchGetItem", """{"RequestItems":{"cap":{"Keys":[{"pk":{"S":"p"},"sk":{"N":"1"}},{"pk":{"S":"p"},"sk":{"N":"2"}}]}},"ReturnConsumedCapacity":"TOTAL"}""");
        Assert.Equal(1, Units(Assert.Single(get["ConsumedCapacity"]!.AsArray()))); // 2 × 0.5, each item rounded

        var tx = _s.Call("TransactWriteItems", """{"TransactItems":[{"Put":{"TableName":"cap","Item":{"pk":{"S":"p"},"sk":{"N":"3"}}}},{"ConditionCheck":{"TableName":"cap","Key":{"pk":{"S":"p"},"sk":{"N":"1"}},"ConditionExpression":"attribute_exists(pk)"}}],"ReturnConsumedCapacity":"TOTAL"}""");
        Assert.Equal(4, Units(Assert.Single(tx["ConsumedCapacity"]!.AsArray()))); // put 2 + check 2

        var txGet = _s.Call("TransactGetItems", """{"TransactItems":[{"Get":{"TableName":"cap","Key":{"pk":{"S":"p"},"sk":{"N":"1"}}}}],"ReturnConsumedCapacity":"TOTAL"}""");
        Assert.Equal(2, Units(Assert.Single(txGet["ConsumedCapacity"]!.AsArray())));
    }

    [Fact]
    public void BatchGetStopsAt16MbAndReturnsTheRestAsUnprocessedKeys()
    {
        var big = new string('x', 390_000);
        for (var i = 0; i < 50; i++)
        {
            _s.Call("PutItem", """{"TableName":"cap","Item":{"pk":{"S":"p"},"sk":{"N":"@I@"},"v":{"S":"@V@"}}}""".Replace("@V@", big, StringComparison.Ordinal).Replace("@I@", i.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal));
        }

        var keys = string.Join(",", Enumerable.Range(0, 50).Select(i => "{\"pk\":{\"S\":\"p\"},\"sk\":{\"N\":\"" + i + "\"}}"));
        var read = _s.Call("BatchGetItem", """{"RequestItems":{"cap":{"Keys":[@K@],"ProjectionExpression":"pk, sk"}}}""".Replace("@K@", keys, StringComparison.Ordinal));
        var got = read["Responses"]!["cap"]!.AsArray().Count;
        var left = read["UnprocessedKeys"]!["cap"]!;
        Assert.Equal(50, got + left["Keys"]!.AsArray().Count);
        Assert.InRange(got, 40, 44); // 16 MB / ~390 KB
        Assert.Equal("pk, sk", left["ProjectionExpression"]!.GetValue<string>());
    }
}
