using System.Text.Json.Nodes;
using Nimbus.Data.DynamoDb;

namespace Nimbus.Data.Tests.DynamoDb;

/// <summary>Secondary indexes, filtered/projected reads, parallel scans and transactions.</summary>
public sealed class IndexTests : IDisposable
{
    private readonly DynamoTestState _s = new();

    public IndexTests()
    {
        _s.Call("CreateTable", """
            {"TableName":"orders","BillingMode":"PAY_PER_REQUEST",
             "KeySchema":[{"AttributeName":"pk","KeyType":"HASH"},{"AttributeName":"sk","KeyType":"RANGE"}],
             "AttributeDefinitions":[{"AttributeName":"pk","AttributeType":"S"},{"AttributeName":"sk","AttributeType":"S"},
               {"AttributeName":"st","AttributeType":"S"},{"AttributeName":"amount","AttributeType":"N"}],
             "GlobalSecondaryIndexes":[{"IndexName":"byStatus","KeySchema":[{"AttributeName":"st","KeyType":"HASH"},{"AttributeName":"amount","KeyType":"RANGE"}],"Projection":{"ProjectionType":"KEYS_ONLY"}}],
             "LocalSecondaryIndexes":[{"IndexName":"byAmount","KeySchema":[{"AttributeName":"pk","KeyType":"HASH"},{"AttributeName":"amount","KeyType":"RANGE"}],"Projection":{"ProjectionType":"INCLUDE","NonKeyAttributes":["note"]}}]}
            """);
        foreach (var (pk, sk, st, amount) in new[] { ("u1", "o1", "open", 30), ("u1", "o2", "open", 10), ("u2", "o3", "open", 10), ("u2", "o4", "done", 5), ("u3", "o5", (string?)null, 1) })
        {
            var item = new JsonObject { ["pk"] = S(pk), ["sk"] = S(sk), ["amount"] = new JsonObject { ["N"] = amount.ToString(System.Globalization.CultureInfo.InvariantCulture) }, ["note"] = S("n-" + sk), ["other"] = S("x") };
            if (st is not null)
            {
                item["st"] = S(st);
            }

            _s.Api.Dispatch("PutItem", new JsonObject { ["TableName"] = "orders", ["Item"] = item }, new Nimbus.Core.Identity.AwsRequestContext("123456789012", "us-east-1", "r"));
        }
    }

    public void Dispose() => _s.Dispose();

    private static JsonObject S(string s) => new() { ["S"] = s };

    private static List<string> Keys(JsonObject result) => result["Items"]!.AsArray().Select(i => i!["sk"]!["S"]!.GetValue<string>()).ToList();

    [Fact]
    public void QueryOnGlobalIndexIsSparseOrderedAndProjected()
    {
        var r = _s.Call("Query", """{"TableName":"orders","IndexName":"byStatus","KeyConditionExpression":"st = :s","ExpressionAttributeValues":{":s":{"S":"open"}}}""");
        Assert.Equal(["o2", "o3", "o1"], Keys(r)); // amount 10 (u1/o2, u2/o3 by table key), then 30
        Assert.Null(r["Items"]![0]!["note"]); // KEYS_ONLY
        Assert.Equal(4, _s.Call("Scan", """{"TableName":"orders","IndexName":"byStatus"}""")["Count"]!.GetValue<int>()); // o5 has no st: sparse

        // Pagination over equal index keys: LastEvaluatedKey carries the table key too.
        var page = _s.Call("Query", """{"TableName":"orders","IndexName":"byStatus","KeyConditionExpression":"st = :s AND amount = :a","ExpressionAttributeValues":{":s":{"S":"open"},":a":{"N":"10"}},"Limit":1}""");
        Assert.Equal(["o2"], Keys(page));
        var lek = page["LastEvaluatedKey"]!.AsObject();
        Assert.Equal(["amount", "pk", "sk", "st"], lek.Select(p => p.Key).Order());
        var next = _s.Api.Dispatch("Query", new JsonObject
        {
            ["TableName"] = "orders", ["IndexName"] = "byStatus", ["KeyConditionExpression"] = "st = :s AND amount = :a",
            ["ExpressionAttributeValues"] = JsonNode.Parse("""{":s":{"S":"open"},":a":{"N":"10"}}"""), ["ExclusiveStartKey"] = lek.DeepClone(),
        }, new Nimbus.Core.Identity.AwsRequestContext("123456789012", "us-east-1", "r"));
        Assert.Equal(["o3"], Keys(next));

        Assert.Equal("One or more parameter values were invalid: Select type ALL_ATTRIBUTES is not supported for global secondary index byStatus because its projection type is not ALL",
            _s.Fail("Query", """{"TableName":"orders","IndexName":"byStatus","Select":"ALL_ATTRIBUTES","KeyConditionExpression":"st = :s","ExpressionAttributeValues":{":s":{"S":"open"}}}""").Message);
        Assert.Equal("The table does not have the specified index: nope", _s.Fail("Query", """{"TableName":"orders","IndexName":"nope","KeyConditionExpression":"st = :s","ExpressionAttributeValues":{":s":{"S":"open"}}}""").Message);
        Assert.Equal("Consistent reads are not supported on global secondary indexes",
            _s.Fail("Query", """{"TableName":"orders","IndexName":"byStatus","ConsistentRead":true,"KeyConditionExpression":"st = :s","ExpressionAttributeValues":{":s":{"S":"open"}}}""").Message);
        Assert.Equal("Query condition missed key schema element: st",
            _s.Fail("Query", """{"TableName":"orders","IndexName":"byStatus","KeyConditionExpression":"pk = :s","ExpressionAttributeValues":{":s":{"S":"u1"}}}""").Message);
    }

    [Fact]
    public void IndexesFollowEveryWrite()
    {
        _s.Call("UpdateItem", """{"TableName":"orders","Key":{"pk":{"S":"u1"},"sk":{"S":"o1"}},"UpdateExpression":"SET st = :d","ExpressionAttributeValues":{":d":{"S":"done"}}}""");
        _s.Call("DeleteItem", """{"TableName":"orders","Key":{"pk":{"S":"u2"},"sk":{"S":"o4"}}}""");
        var done = _s.Call("Query", """{"TableName":"orders","IndexName":"byStatus","KeyConditionExpression":"st = :s","ExpressionAttributeValues":{":s":{"S":"done"}}}""");
        Assert.Equal(["o1"], Keys(done));
        _s.Call("UpdateItem", """{"TableName":"orders","Key":{"pk":{"S":"u1"},"sk":{"S":"o1"}},"UpdateExpression":"REMOVE st"}""");
        Assert.Equal(0, _s.Call("Query", """{"TableName":"orders","IndexName":"byStatus","KeyConditionExpression":"st = :s","ExpressionAttributeValues":{":s":{"S":"done"}}}""")["Count"]!.GetValue<int>());
        Assert.Equal("One or more parameter values were invalid: Type mismatch for Index Key st Expected: S Actual: N IndexName: byStatus",
            _s.Fail("PutItem", """{"TableName":"orders","Item":{"pk":{"S":"u9"},"sk":{"S":"o9"},"st":{"N":"1"}}}""").Message);
        Assert.Equal("One or more parameter values were invalid: Type mismatch for Index Key st Expected: S Actual: N IndexName: byStatus",
            _s.Fail("UpdateItem", """{"TableName":"orders","Key":{"pk":{"S":"u1"},"sk":{"S":"o2"}},"UpdateExpression":"SET st = :n","ExpressionAttributeValues":{":n":{"N":"1"}}}""").Message);
        var described = _s.Call("DescribeTable", """{"TableName":"orders"}""")["Table"]!;
        Assert.Equal(2, described["GlobalSecondaryIndexes"]![0]!["ItemCount"]!.GetValue<long>());
    }

    [Fact]
    public void LocalIndexQueryAndFetchOfUnprojectedAttributes()
    {
        var r = _s.Call("Query", """{"TableName":"orders","IndexName":"byAmount","KeyConditionExpression":"pk = :p AND amount > :a","ExpressionAttributeValues":{":p":{"S":"u1"},":a":{"N":"5"}},"ScanIndexForward":false}""");
        Assert.Equal(["o1", "o2"], Keys(r));
        Assert.Equal("n-o1", r["Items"]![0]!["note"]!["S"]!.GetValue<string>());
        Assert.Null(r["Items"]![0]!["other"]);
        var all = _s.Call("Query", """{"TableName":"orders","IndexName":"byAmount","Select":"ALL_ATTRIBUTES","KeyConditionExpression":"pk = :p","ExpressionAttributeValues":{":p":{"S":"u1"}}}""");
        Assert.Equal("x", all["Items"]![0]!["other"]!["S"]!.GetValue<string>());
    }

    [Fact]
    public void UpdateTableCreatesIndexWithBackfillAndDeletesIt()
    {
        _s.Call("UpdateTable", """
            {"TableName":"orders","AttributeDefinitions":[{"AttributeName":"note","AttributeType":"S"}],
             "GlobalSecondaryIndexUpdates":[{"Create":{"IndexName":"byNote","KeySchema":[{"AttributeName":"note","KeyType":"HASH"}],"Projection":{"ProjectionType":"ALL"}}}]}
            """);
        var r = _s.Call("Query", """{"TableName":"orders","IndexName":"byNote","KeyConditionExpression":"note = :n","ExpressionAttributeValues":{":n":{"S":"n-o3"}}}""");
        Assert.Equal(["o3"], Keys(r));
        Assert.Equal("x", r["Items"]![0]!["other"]!["S"]!.GetValue<string>());
        _s.Reopen();
        Assert.Equal(5, _s.Call("Scan", """{"TableName":"orders","IndexName":"byNote"}""")["Count"]!.GetValue<int>());
        _s.Call("UpdateTable", """{"TableName":"orders","GlobalSecondaryIndexUpdates":[{"Delete":{"IndexName":"byNote"}}]}""");
        Assert.Equal("The table does not have the specified index: byNote", _s.Fail("Scan", """{"TableName":"orders","IndexName":"byNote"}""").Message);
    }

    [Fact]
    public void FilterAppliesAfterLimitAndProjectionShapesItems()
    {
        var r = _s.Call("Scan", """{"TableName":"orders","FilterExpression":"amount >= :a","ExpressionAttributeValues":{":a":{"N":"10"}},"Limit":2,"ProjectionExpression":"sk, amount"}""");
        Assert.Equal(2, r["ScannedCount"]!.GetValue<int>());
        Assert.NotNull(r["LastEvaluatedKey"]);
        foreach (var item in r["Items"]!.AsArray())
        {
            Assert.Equal(["amount", "sk"], item!.AsObject().Select(p => p.Key).Order());
        }

        var q = _s.Call("Query", """{"TableName":"orders","KeyConditionExpression":"pk = :p","FilterExpression":"amount > :a","ExpressionAttributeValues":{":p":{"S":"u1"},":a":{"N":"15"}},"Select":"COUNT"}""");
        Assert.Equal(1, q["Count"]!.GetValue<int>());
        Assert.Equal(2, q["ScannedCount"]!.GetValue<int>());
        Assert.Null(q["Items"]);
        Assert.Equal("Filter Expression can only contain non-primary key attributes: Primary key attribute: sk",
            _s.Fail("Query", """{"TableName":"orders","KeyConditionExpression":"pk = :p","FilterExpression":"sk = :s","ExpressionAttributeValues":{":p":{"S":"u1"},":s":{"S":"o1"}}}""").Message);
        Assert.Equal("Must specify the AttributesToGet or ProjectionExpression when choosing to get SPECIFIC_ATTRIBUTES",
            _s.Fail("Scan", """{"TableName":"orders","Select":"SPECIFIC_ATTRIBUTES"}""").Message);
        Assert.Equal("ALL_PROJECTED_ATTRIBUTES can be used only when Querying using an IndexName",
            _s.Fail("Scan", """{"TableName":"orders","Select":"ALL_PROJECTED_ATTRIBUTES"}""").Message);
    }

    [Fact]
    public void ParallelScanSegmentsPartitionTheTable()
    {
        var seen = new List<string>();
        for (var segment = 0; segment < 3; segment++)
        {
            seen.AddRange(Keys(_s.Call("Scan", $$"""{"TableName":"orders","Segment":{{segment}},"TotalSegments":3}""")));
        }

        Assert.Equal(["o1", "o2", "o3", "o4", "o5"], seen.Order());
        Assert.Equal("The Segment parameter is zero-based and must be less than parameter TotalSegments: Segment: 3 is not less than TotalSegments: 3",
            _s.Fail("Scan", """{"TableName":"orders","Segment":3,"TotalSegments":3}""").Message);
        Assert.Equal("The TotalSegments parameter is required but was not present in the request when Segment parameter is present",
            _s.Fail("Scan", """{"TableName":"orders","Segment":1}""").Message);
    }

    [Fact]
    public void TransactWriteIsAllOrNothing()
    {
        var e = _s.Fail("TransactWriteItems", """
            {"TransactItems":[
              {"Put":{"TableName":"orders","Item":{"pk":{"S":"t1"},"sk":{"S":"a"}}}},
              {"ConditionCheck":{"TableName":"orders","Key":{"pk":{"S":"u1"},"sk":{"S":"o1"}},"ConditionExpression":"amount > :big","ExpressionAttributeValues":{":big":{"N":"100"}},"ReturnValuesOnConditionCheckFailure":"ALL_OLD"}},
              {"Update":{"TableName":"orders","Key":{"pk":{"S":"u1"},"sk":{"S":"o2"}},"UpdateExpression":"SET amount = amount + :one","ExpressionAttributeValues":{":one":{"N":"1"}}}}]}
            """);
        Assert.Equal("TransactionCanceledException", e.Code);
        Assert.Equal("Transaction cancelled, please refer cancellation reasons for specific reasons [None, ConditionalCheckFailed, None]", e.Message);
        var reasons = DynamoErrors.Members(e)!["CancellationReasons"]!.AsArray();
        Assert.Equal("""{"Code":"None"}""", reasons[0]!.ToJsonString());
        Assert.Equal("The conditional request failed", reasons[1]!["Message"]!.GetValue<string>());
        Assert.Equal("30", reasons[1]!["Item"]!["amount"]!["N"]!.GetValue<string>());
        Assert.Empty(_s.Call("GetItem", """{"TableName":"orders","Key":{"pk":{"S":"t1"},"sk":{"S":"a"}}}"""));

        var ok = """
            {"ClientRequestToken":"tok-1","TransactItems":[
              {"Put":{"TableName":"orders","Item":{"pk":{"S":"t1"},"sk":{"S":"a"},"st":{"S":"new"},"amount":{"N":"1"}}}},
              {"Delete":{"TableName":"orders","Key":{"pk":{"S":"u3"},"sk":{"S":"o5"}}}},
              {"Update":{"TableName":"orders","Key":{"pk":{"S":"u1"},"sk":{"S":"o2"}},"UpdateExpression":"SET amount = amount + :one","ExpressionAttributeValues":{":one":{"N":"1"}}}}]}
            """;
        Assert.Empty(_s.Call("TransactWriteItems", ok));
        Assert.Empty(_s.Call("TransactWriteItems", ok)); // idempotent: not applied twice
        var get = _s.Call("TransactGetItems", """
            {"TransactItems":[{"Get":{"TableName":"orders","Key":{"pk":{"S":"u1"},"sk":{"S":"o2"}},"ProjectionExpression":"amount"}},{"Get":{"TableName":"orders","Key":{"pk":{"S":"u3"},"sk":{"S":"o5"}}}}]}
            """)["Responses"]!.AsArray();
        Assert.Equal("""{"amount":{"N":"11"}}""", get[0]!["Item"]!.ToJsonString());
        Assert.Empty(get[1]!.AsObject());
        Assert.Equal(["a"], Keys(_s.Call("Query", """{"TableName":"orders","IndexName":"byStatus","KeyConditionExpression":"st = :s","ExpressionAttributeValues":{":s":{"S":"new"}}}""")));
        Assert.Equal("IdempotentParameterMismatchException", _s.Fail("TransactWriteItems", ok.Replace("\"1\"", "\"2\"", StringComparison.Ordinal)).Code);
        var invalid = _s.Fail("TransactWriteItems", """
            {"TransactItems":[{"Update":{"TableName":"orders","Key":{"pk":{"S":"u1"},"sk":{"S":"o1"}},"UpdateExpression":"SET note = note + :one","ExpressionAttributeValues":{":one":{"N":"1"}}}}]}
            """);
        Assert.Equal("Transaction cancelled, please refer cancellation reasons for specific reasons [ValidationError]", invalid.Message);
        Assert.Equal("An operand in the update expression has an incorrect data type", DynamoErrors.Members(invalid)!["CancellationReasons"]![0]!["Message"]!.GetValue<string>());
        Assert.Equal("Transaction request cannot include multiple operations on one item", _s.Fail("TransactWriteItems", """
            {"TransactItems":[{"Put":{"TableName":"orders","Item":{"pk":{"S":"t1"},"sk":{"S":"a"}}}},{"Delete":{"TableName":"orders","Key":{"pk":{"S":"t1"},"sk":{"S":"a"}}}}]}
            """).Message);
    }

    [Fact]
    public void CreateTableValidatesIndexes()
    {
        const string Prefix = """{"TableName":"bad-idx","BillingMode":"PAY_PER_REQUEST","KeySchema":[{"AttributeName":"pk","KeyType":"HASH"},{"AttributeName":"sk","KeyType":"RANGE"}],"AttributeDefinitions":[{"AttributeName":"pk","AttributeType":"S"},{"AttributeName":"sk","AttributeType":"S"},{"AttributeName":"g","AttributeType":"S"}],""";
        Assert.Equal("One or more parameter values were invalid: ProjectionType is ALL, but NonKeyAttributes is specified",
            _s.Fail("CreateTable", Prefix + """ "GlobalSecondaryIndexes":[{"IndexName":"i","KeySchema":[{"AttributeName":"g","KeyType":"HASH"}],"Projection":{"ProjectionType":"ALL","NonKeyAttributes":["x"]}}]}""").Message);
        Assert.Equal("One or more parameter values were invalid: Index KeySchema does not have the same leading hash key as table KeySchema for index: l. index hash key: g, table hash key: pk",
            _s.Fail("CreateTable", Prefix + """ "LocalSecondaryIndexes":[{"IndexName":"l","KeySchema":[{"AttributeName":"g","KeyType":"HASH"},{"AttributeName":"sk","KeyType":"RANGE"}],"Projection":{"ProjectionType":"ALL"}}]}""").Message);
        Assert.Equal("One or more parameter values were invalid: Duplicate index name: i",
            _s.Fail("CreateTable", Prefix + """ "GlobalSecondaryIndexes":[{"IndexName":"i","KeySchema":[{"AttributeName":"g","KeyType":"HASH"}],"Projection":{"ProjectionType":"ALL"}},{"IndexName":"i","KeySchema":[{"AttributeName":"g","KeyType":"HASH"}],"Projection":{"ProjectionType":"KEYS_ONLY"}}]}""").Message);
    }

    [Fact]
    public void ConcurrentUpdatesAndIdempotencyTokensSurviveRestart()
    {
        Parallel.For(0, 20, _ => _s.Call("UpdateItem", """{"TableName":"orders","Key":{"pk":{"S":"c"},"sk":{"S":"1"}},"UpdateExpression":"ADD hits :one","ExpressionAttributeValues":{":one":{"N":"1"}}}"""));
        Assert.Equal("20", _s.Call("GetItem", """{"TableName":"orders","Key":{"pk":{"S":"c"},"sk":{"S":"1"}}}""")["Item"]!["hits"]!["N"]!.GetValue<string>());
        const string Tx = """{"ClientRequestToken":"restart-1","TransactItems":[{"Update":{"TableName":"orders","Key":{"pk":{"S":"c"},"sk":{"S":"1"}},"UpdateExpression":"ADD hits :one","ExpressionAttributeValues":{":one":{"N":"1"}}}}]}""";
        _s.Call("TransactWriteItems", Tx);
        _s.Reopen();
        _s.Call("TransactWriteItems", Tx);
        Assert.Equal("21", _s.Call("GetItem", """{"TableName":"orders","Key":{"pk":{"S":"c"},"sk":{"S":"1"}}}""")["Item"]!["hits"]!["N"]!.GetValue<string>());
        Assert.Equal(["o2", "o3", "o1"], Keys(_s.Call("Query", """{"TableName":"orders","IndexName":"byStatus","KeyConditionExpression":"st = :s","ExpressionAttributeValues":{":s":{"S":"open"}}}""")));
    }
}
