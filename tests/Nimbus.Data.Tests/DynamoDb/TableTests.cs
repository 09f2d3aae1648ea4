namespace Nimbus.Data.Tests.DynamoDb;

public sealed class TableTests : IDisposable
{
    private const string Simple = """{"TableName":"tbl1","KeySchema":[{"AttributeName":"pk","KeyType":"HASH"},{"AttributeName":"sk","KeyType":"RANGE"}],"AttributeDefinitions":[{"AttributeName":"pk","AttributeType":"S"},{"AttributeName":"sk","AttributeType":"N"}],"BillingMode":"PAY_PER_REQUEST"}""";
    private readonly DynamoTestState _s = new();

    public void Dispose() => _s.Dispose();

    [Fact]
    public void CreateDescribeListDelete()
    {
        var created = _s.Call("CreateTable", Simple)["TableDescription"]!;
        Assert.Equal("ACTIVE", created["TableStatus"]!.GetValue<string>());
        Assert.Equal("arn:aws:dynamodb:us-east-1:123456789012:table/tbl1", created["TableArn"]!.GetValue<string>());
        Assert.Equal("PAY_PER_REQUEST", created["BillingModeSummary"]!["BillingMode"]!.GetValue<string>());
        var described = _s.Call("DescribeTable", """{"TableName":"tbl1"}""")["Table"]!;
        Assert.Equal(created["TableId"]!.GetValue<string>(), described["TableId"]!.GetValue<string>());
        Assert.Equal(0, described["ItemCount"]!.GetValue<long>());
        Assert.Equal("ResourceInUseException", _s.Fail("CreateTable", Simple).Code);
        Assert.Equal("tbl1", _s.Call("ListTables", "{}")["TableNames"]![0]!.GetValue<string>());
        Assert.Equal("DELETING", _s.Call("DeleteTable", """{"TableName":"tbl1"}""")["TableDescription"]!["TableStatus"]!.GetValue<string>());
        var missing = _s.Fail("DescribeTable", """{"TableName":"tbl1"}""");
        Assert.Equal("ResourceNotFoundException", missing.Code);
        Assert.Equal("Requested resource not found: Table: tbl1 not found", missing.Message);
    }

    [Fact]
    public void AttributeDefinitionsMustMatchKeys()
    {
        var e = _s.Fail("CreateTable", """{"TableName":"tbl2","KeySchema":[{"AttributeName":"pk","KeyType":"HASH"}],"AttributeDefinitions":[{"AttributeName":"pk","AttributeType":"S"},{"AttributeName":"x","AttributeType":"S"}],"BillingMode":"PAY_PER_REQUEST"}""");
        Assert.Equal("ValidationException", e.Code);
        Assert.Contains("does not exactly match number of attributes defined in AttributeDefinitions", e.Message, StringComparison.Ordinal);
        e = _s.Fail("CreateTable", """{"TableName":"tbl2","KeySchema":[{"AttributeName":"pk","KeyType":"HASH"}],"AttributeDefinitions":[{"AttributeName":"other","AttributeType":"S"}],"BillingMode":"PAY_PER_REQUEST"}""");
        Assert.Contains("Some index key attributes are not defined in AttributeDefinitions", e.Message, StringComparison.Ordinal);
        e = _s.Fail("CreateTable", """{"TableName":"tbl2","KeySchema":[{"AttributeName":"pk","KeyType":"RANGE"}],"AttributeDefinitions":[{"AttributeName":"pk","AttributeType":"S"}],"BillingMode":"PAY_PER_REQUEST"}""");
        Assert.Equal("Invalid KeySchema: The first KeySchemaElement is not a HASH key type", e.Message);
        e = _s.Fail("CreateTable", """{"TableName":"tbl2","KeySchema":[{"AttributeName":"pk","KeyType":"HASH"}],"AttributeDefinitions":[{"AttributeName":"pk","AttributeType":"S"}]}""");
        Assert.Contains("ReadCapacityUnits and WriteCapacityUnits must both be specified", e.Message, StringComparison.Ordinal);
        e = _s.Fail("CreateTable", """{"TableName":"a","KeySchema":[{"AttributeName":"pk","KeyType":"HASH"}],"AttributeDefinitions":[{"AttributeName":"pk","AttributeType":"S"}],"BillingMode":"PAY_PER_REQUEST"}""");
        Assert.Contains("at 'tableName' failed to satisfy constraint", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ListTablesPaginates()
    {
        foreach (var n in new[] { "ccc", "aaa", "bbb" })
        {
            _s.Call("CreateTable", Simple.Replace("\"tbl1\"", $"\"{n}\"", StringComparison.Ordinal));
        }

        var first = _s.Call("ListTables", """{"Limit":2}""");
        Assert.Equal("""["aaa","bbb"]""", first["TableNames"]!.ToJsonString());
        Assert.Equal("bbb", first["LastEvaluatedTableName"]!.GetValue<string>());
        var second = _s.Call("ListTables", """{"Limit":2,"ExclusiveStartTableName":"bbb"}""");
        Assert.Equal("""["ccc"]""", second["TableNames"]!.ToJsonString());
        Assert.Null(second["LastEvaluatedTableName"]);
    }

    [Fact]
    public void StreamsIndexesTagsAndTtl()
    {
        var created = _s.Call("CreateTable", Simple.TrimEnd('}') + ""","StreamSpecification":{"StreamEnabled":true,"StreamViewType":"NEW_AND_OLD_IMAGES"},"Tags":[{"Key":"a","Value":"1"}]}""")["TableDescription"]!;
        Assert.StartsWith("arn:aws:dynamodb:us-east-1:123456789012:table/tbl1/stream/", created["LatestStreamArn"]!.GetValue<string>(), StringComparison.Ordinal);
        var arn = created["TableArn"]!.GetValue<string>();
        _s.Call("TagResource", $$"""{"ResourceArn":"{{arn}}","Tags":[{"Key":"b","Value":"2"}]}""");
        _s.Call("UntagResource", $$"""{"ResourceArn":"{{arn}}","TagKeys":["a"]}""");
        Assert.Equal("""[{"Key":"b","Value":"2"}]""", _s.Call("ListTagsOfResource", $$"""{"ResourceArn":"{{arn}}"}""")["Tags"]!.ToJsonString());
        var updated = _s.Call("UpdateTable", """{"TableName":"tbl1","AttributeDefinitions":[{"AttributeName":"g","AttributeType":"S"}],"GlobalSecondaryIndexUpdates":[{"Create":{"IndexName":"byG","KeySchema":[{"AttributeName":"g","KeyType":"HASH"}],"Projection":{"ProjectionType":"ALL"}}}]}""")["TableDescription"]!;
        Assert.Equal("byG", updated["GlobalSecondaryIndexes"]![0]!["IndexName"]!.GetValue<string>());
        Assert.Equal("DISABLED", _s.Call("DescribeTimeToLive", """{"TableName":"tbl1"}""")["TimeToLiveDescription"]!["TimeToLiveStatus"]!.GetValue<string>());
        _s.Call("UpdateTimeToLive", """{"TableName":"tbl1","TimeToLiveSpecification":{"Enabled":true,"AttributeName":"exp"}}""");
        Assert.Equal("TimeToLive is already enabled", _s.Fail("UpdateTimeToLive", """{"TableName":"tbl1","TimeToLiveSpecification":{"Enabled":true,"AttributeName":"exp"}}""").Message);
        _s.Reopen();
        var ttl = _s.Call("DescribeTimeToLive", """{"TableName":"tbl1"}""")["TimeToLiveDescription"]!;
        Assert.Equal("exp", ttl["AttributeName"]!.GetValue<string>());
        Assert.Equal("byG", _s.Call("DescribeTable", """{"TableName":"tbl1"}""")["Table"]!["GlobalSecondaryIndexes"]![0]!["IndexName"]!.GetValue<string>());
    }
}

public sealed class TtlTests : IDisposable
{
    private readonly DynamoTestState _s = new();

    public void Dispose() => _s.Dispose();

    [Fact]
    public void ExpiredItemsAreDeleted()
    {
        _s.Call("CreateTable", """{"TableName":"ttl1","KeySchema":[{"AttributeName":"id","KeyType":"HASH"}],"AttributeDefinitions":[{"AttributeName":"id","AttributeType":"S"}],"BillingMode":"PAY_PER_REQUEST"}""");
        _s.Call("UpdateTimeToLive", """{"TableName":"ttl1","TimeToLiveSpecification":{"Enabled":true,"AttributeName":"exp"}}""");
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        _s.Call("PutItem", "{\"TableName\":\"ttl1\",\"Item\":{\"id\":{\"S\":\"old\"},\"exp\":{\"N\":\"" + (now - 10) + "\"}}}");
        _s.Call("PutItem", "{\"TableName\":\"ttl1\",\"Item\":{\"id\":{\"S\":\"future\"},\"exp\":{\"N\":\"" + (now + 3600) + "\"}}}");
        _s.Call("PutItem", "{\"TableName\":\"ttl1\",\"Item\":{\"id\":{\"S\":\"string\"},\"exp\":{\"S\":\"" + (now - 10) + "\"}}}");
        _s.Call("PutItem", "{\"TableName\":\"ttl1\",\"Item\":{\"id\":{\"S\":\"ancient\"},\"exp\":{\"N\":\"1000\"}}}");
        Assert.Equal(1, _s.Store.ExpireItems(DateTimeOffset.UtcNow));
        Assert.Empty(_s.Call("GetItem", """{"TableName":"ttl1","Key":{"id":{"S":"old"}}}"""));
        Assert.Equal(3, _s.Call("Scan", """{"TableName":"ttl1"}""")["Count"]!.GetValue<int>());
    }
}
