using System.Globalization;

namespace Nimbus.Data.Tests.DynamoDb;

public sealed class QueryTests : IDisposable
{
    private readonly DynamoTestState _s = new();

    public QueryTests()
    {
        _s.Call("CreateTable", """{"TableName":"qnum","KeySchema":[{"AttributeName":"pk","KeyType":"HASH"},{"AttributeName":"sk","KeyType":"RANGE"}],"AttributeDefinitions":[{"AttributeName":"pk","AttributeType":"S"},{"AttributeName":"sk","AttributeType":"N"}],"BillingMode":"PAY_PER_REQUEST"}""");
        _s.Call("CreateTable", """{"TableName":"qstr","KeySchema":[{"AttributeName":"pk","KeyType":"HASH"},{"AttributeName":"sk","KeyType":"RANGE"}],"AttributeDefinitions":[{"AttributeName":"pk","AttributeType":"S"},{"AttributeName":"sk","AttributeType":"S"}],"BillingMode":"PAY_PER_REQUEST"}""");
        foreach (var n in new[] { "-5", "-0.5", "0", "2", "10", "100", "1e3" })
        {
            _s.Call("PutItem", """{"TableName":"qnum","Item":{"pk":{"S":"p"},"sk":{"N":"V"}}}""".Replace("\"V\"", $"\"{n}\"", StringComparison.Ordinal));
        }

        _s.Call("PutItem", """{"TableName":"qnum","Item":{"pk":{"S":"other"},"sk":{"N":"1"}}}""");
        foreach (var s in new[] { "a", "ab", "abc", "b", "é", "Z" })
        {
            _s.Call("PutItem", """{"TableName":"qstr","Item":{"pk":{"S":"p"},"sk":{"S":"V"}}}""".Replace("\"V\"", $"\"{s}\"", StringComparison.Ordinal));
        }
    }

    public void Dispose() => _s.Dispose();

    private string Keys(string table, string json) =>
        string.Join(",", _s.Call("Query", json.Replace("TBL", table, StringComparison.Ordinal))["Items"]!.AsArray().Select(i => i!["sk"]!.AsObject().First().Value!.GetValue<string>()));

    [Fact]
    public void NumbersSortNumerically()
    {
        Assert.Equal("-5,-0.5,0,2,10,100,1000", Keys("qnum", """{"TableName":"TBL","KeyConditionExpression":"pk = :p","ExpressionAttributeValues":{":p":{"S":"p"}}}"""));
        Assert.Equal("1000,100,10,2,0,-0.5,-5", Keys("qnum", """{"TableName":"TBL","KeyConditionExpression":"pk = :p","ScanIndexForward":false,"ExpressionAttributeValues":{":p":{"S":"p"}}}"""));
        Assert.Equal("-0.5,0,2,10", Keys("qnum", """{"TableName":"TBL","KeyConditionExpression":"pk = :p AND #s BETWEEN :a AND :b","ExpressionAttributeNames":{"#s":"sk"},"ExpressionAttributeValues":{":p":{"S":"p"},":a":{"N":"-1"},":b":{"N":"10"}}}"""));
        Assert.Equal("100,1000", Keys("qnum", """{"TableName":"TBL","KeyConditionExpression":"(pk = :p) and (sk > :a)","ExpressionAttributeValues":{":p":{"S":"p"},":a":{"N":"10"}}}"""));
        Assert.Equal("-5,-0.5,0", Keys("qnum", """{"TableName":"TBL","KeyConditionExpression":"sk <= :a AND pk = :p","ExpressionAttributeValues":{":p":{"S":"p"},":a":{"N":"0"}}}"""));
    }

    [Fact]
    public void StringsSortByUtf8BytesAndBeginsWith()
    {
        Assert.Equal("Z,a,ab,abc,b,é", Keys("qstr", """{"TableName":"TBL","KeyConditionExpression":"pk = :p","ExpressionAttributeValues":{":p":{"S":"p"}}}"""));
        Assert.Equal("a,ab,abc", Keys("qstr", """{"TableName":"TBL","KeyConditionExpression":"pk = :p AND begins_with(sk, :x)","ExpressionAttributeValues":{":p":{"S":"p"},":x":{"S":"a"}}}"""));
    }

    [Fact]
    public void PagesWithLimitAndExclusiveStartKey()
    {
        var seen = new List<string>();
        string? start = null;
        for (var pages = 0; pages < 10; pages++)
        {
            var startJson = start is null ? "" : $$$""","ExclusiveStartKey":{"pk":{"S":"p"},"sk":{"N":"{{{start}}}"}}""";
            var page = _s.Call("Query", $$$"""{"TableName":"qnum","KeyConditionExpression":"pk = :p","Limit":3,"ExpressionAttributeValues":{":p":{"S":"p"}}{{{startJson}}}}""");
            seen.AddRange(page["Items"]!.AsArray().Select(i => i!["sk"]!["N"]!.GetValue<string>()));
            start = page["LastEvaluatedKey"]?["sk"]!["N"]!.GetValue<string>();
            if (start is null)
            {
                break;
            }
        }

        Assert.Equal("-5,-0.5,0,2,10,100,1000", string.Join(",", seen));
        var count = _s.Call("Query", """{"TableName":"qnum","KeyConditionExpression":"pk = :p","Select":"COUNT","ExpressionAttributeValues":{":p":{"S":"p"}}}""");
        Assert.Equal(7, count["Count"]!.GetValue<int>());
        Assert.Null(count["Items"]);
        Assert.Equal(8, _s.Call("Scan", """{"TableName":"qnum"}""")["Count"]!.GetValue<int>());
        var scanned = 0;
        string? after = null;
        while (true)
        {
            var page = _s.Call("Scan", after is null ? """{"TableName":"qnum","Limit":2}""" : $$$"""{"TableName":"qnum","Limit":2,"ExclusiveStartKey":{{{after}}}}""");
            scanned += page["Count"]!.GetValue<int>();
            after = page["LastEvaluatedKey"]?.ToJsonString();
            if (after is null)
            {
                break;
            }
        }

        Assert.Equal(8.ToString(CultureInfo.InvariantCulture), scanned.ToString(CultureInfo.InvariantCulture));
    }

    [Fact]
    public void KeyConditionErrors()
    {
        Assert.Equal("Value provided in ExpressionAttributeValues unused in expressions: keys: {:x}",
            _s.Fail("Query", """{"TableName":"qnum","KeyConditionExpression":"pk = :p","ExpressionAttributeValues":{":p":{"S":"p"},":x":{"S":"x"}}}""").Message);
        Assert.Equal("Value provided in ExpressionAttributeNames unused in expressions: keys: {#n}",
            _s.Fail("Query", """{"TableName":"qnum","KeyConditionExpression":"pk = :p","ExpressionAttributeNames":{"#n":"x"},"ExpressionAttributeValues":{":p":{"S":"p"}}}""").Message);
        Assert.Equal("Query condition missed key schema element: pk",
            _s.Fail("Query", """{"TableName":"qnum","KeyConditionExpression":"sk = :p","ExpressionAttributeValues":{":p":{"N":"1"}}}""").Message);
        Assert.Equal("One or more parameter values were invalid: Condition parameter type does not match schema type",
            _s.Fail("Query", """{"TableName":"qnum","KeyConditionExpression":"pk = :p","ExpressionAttributeValues":{":p":{"N":"1"}}}""").Message);
        Assert.Equal("Invalid KeyConditionExpression: Attribute name is a reserved keyword; reserved keyword: name",
            _s.Fail("Query", """{"TableName":"qnum","KeyConditionExpression":"name = :p","ExpressionAttributeValues":{":p":{"S":"1"}}}""").Message);
        Assert.Equal("Invalid KeyConditionExpression: An expression attribute value used in expression is not defined; attribute value: :p",
            _s.Fail("Query", """{"TableName":"qnum","KeyConditionExpression":"pk = :p"}""").Message);
    }
}
