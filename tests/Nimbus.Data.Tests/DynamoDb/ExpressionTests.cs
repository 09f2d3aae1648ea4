using System.Text.Json.Nodes;
using Nimbus.Data.DynamoDb.Expressions;

namespace Nimbus.Data.Tests.DynamoDb;

/// <summary>Expression edge cases: reserved words, nested paths, lst indexes, type mismatches, size(), messages.</summary>
public sealed class ExpressionTests : IDisposable
{
    private readonly DynamoTestState _s = new();

    public ExpressionTests()
    {
        _s.Call("CreateTable", """{"TableName":"exp","KeySchema":[{"AttributeName":"pk","KeyType":"HASH"}],"AttributeDefinitions":[{"AttributeName":"pk","AttributeType":"S"}],"BillingMode":"PAY_PER_REQUEST"}""");
        _s.Call("PutItem", """
            {"TableName":"exp","Item":{"pk":{"S":"a"},"n":{"N":"5"},"s":{"S":"hello"},"tags":{"SS":["x","y"]},"nums":{"NS":["1","2"]},
             "lst":{"L":[{"S":"l0"},{"M":{"c":{"N":"7"}}},{"S":"l2"}]},"m":{"M":{"b":{"M":{"c":{"S":"deep"}}}}},"flag":{"BOOL":true},"nul":{"NULL":true}}}
            """);
    }

    public void Dispose() => _s.Dispose();

    private JsonObject Update(string expression, string? values = null, string? names = null, string returnValues = "ALL_NEW", string? condition = null)
    {
        var body = new JsonObject { ["TableName"] = "exp", ["Key"] = new JsonObject { ["pk"] = new JsonObject { ["S"] = "a" } }, ["UpdateExpression"] = expression, ["ReturnValues"] = returnValues };
        if (values is not null)
        {
            body["ExpressionAttributeValues"] = JsonNode.Parse(values);
        }

        if (names is not null)
        {
            body["ExpressionAttributeNames"] = JsonNode.Parse(names);
        }

        if (condition is not null)
        {
            body["ConditionExpression"] = condition;
        }

        return _s.Api.Dispatch("UpdateItem", body, new Nimbus.Core.Identity.AwsRequestContext("123456789012", "us-east-1", "r"));
    }

    private string UpdateError(string expression, string? values = null, string? names = null) =>
        Assert.Throws<Nimbus.Core.Errors.AwsServiceException>(() => Update(expression, values, names)).Error.Message;

    private bool Matches(string condition, string? values = null)
    {
        var vals = values is null ? new JsonObject() : JsonNode.Parse(values)!.AsObject();
        vals[":one"] = new JsonObject { ["N"] = "1" };
        var withOne = new JsonObject
        {
            ["TableName"] = "exp",
            ["Key"] = new JsonObject { ["pk"] = new JsonObject { ["S"] = "a" } },
            ["ConditionExpression"] = condition,
            ["UpdateExpression"] = "SET touched = :one",
            ["ExpressionAttributeValues"] = vals,
        };
        try
        {
            _s.Api.Dispatch("UpdateItem", withOne, new Nimbus.Core.Identity.AwsRequestContext("123456789012", "us-east-1", "r"));
            return true;
        }
        catch (Nimbus.Core.Errors.AwsServiceException e) when (e.Error.Code == "ConditionalCheckFailedException")
        {
            return false;
        }
    }

    [Fact]
    public void ReservedWordListIsComplete()
    {
        Assert.Equal(573, ReservedWords.Count);
        Assert.True(ReservedWords.Contains("status"));
        Assert.True(ReservedWords.Contains("Timestamp"));
        Assert.False(ReservedWords.Contains("pk"));
        Assert.Equal("Invalid UpdateExpression: Attribute name is a reserved keyword; reserved keyword: status", UpdateError("SET status = :v", """{":v":{"S":"x"}}"""));
        Assert.Equal("Invalid ConditionExpression: Attribute name is a reserved keyword; reserved keyword: Size", Assert.Throws<Nimbus.Core.Errors.AwsServiceException>(() => Matches("Size = :v", """{":v":{"N":"1"}}""")).Error.Message);
        Assert.Equal("x", Update("SET #s = :v", """{":v":{"S":"x"}}""", """{"#s":"status"}""")["Attributes"]!["status"]!["S"]!.GetValue<string>());
    }

    [Fact]
    public void SyntaxErrorsNameTheTokenAndItsNeighbourhood()
    {
        Assert.Equal("Invalid UpdateExpression: Syntax error; token: \":\", near: \"hits : incr\"", UpdateError("ADD hits : incr", """{":incr":{"N":"1"}}"""));
        Assert.Equal("Invalid UpdateExpression: Syntax error; token: \"INVALID\", near: \"INVALID SYNTAX\"", UpdateError("INVALID SYNTAX HERE", """{":v":{"S":"v"}}"""));
        Assert.Equal("Invalid UpdateExpression: Syntax error; token: \"<EOF>\", near: \"=\"", UpdateError("SET a =", null));
        Assert.Equal("Invalid UpdateExpression: The expression can not be empty;", UpdateError("  "));
        Assert.Equal("Invalid UpdateExpression: The \"SET\" section can only be used once in an update expression;", UpdateError("SET a = :v SET b = :v", """{":v":{"S":"v"}}"""));
    }

    [Fact]
    public void UnusedAndUndefinedPlaceholders()
    {
        Assert.Equal("Value provided in ExpressionAttributeValues unused in expressions: keys: {:x}", UpdateError("SET a = :v", """{":v":{"S":"v"},":x":{"S":"x"}}"""));
        Assert.Equal("Value provided in ExpressionAttributeNames unused in expressions: keys: {#x}", UpdateError("SET a = :v", """{":v":{"S":"v"}}""", """{"#x":"x"}"""));
        Assert.Equal("Invalid UpdateExpression: An expression attribute value used in expression is not defined; attribute value: :nope", UpdateError("SET a = :nope", """{":v":{"S":"v"}}"""));
        Assert.Equal("Invalid UpdateExpression: An expression attribute name used in the document path is not defined; attribute name: #nope", UpdateError("SET #nope = :v", """{":v":{"S":"v"}}"""));
        Assert.Equal("ExpressionAttributeValues must not be empty", UpdateError("SET a = :v", "{}"));
    }

    [Fact]
    public void SetArithmeticIfNotExistsAndListAppend()
    {
        var item = Update("SET n = n + :d, cnt = if_not_exists(cnt, :zero) - :d, lst = list_append(lst, :more), s2 = s", """{":d":{"N":"1.5"},":zero":{"N":"0"},":more":{"L":[{"S":"l3"}]}}""")["Attributes"]!;
        Assert.Equal("6.5", item["n"]!["N"]!.GetValue<string>());
        Assert.Equal("-1.5", item["cnt"]!["N"]!.GetValue<string>());
        Assert.Equal(4, item["lst"]!["L"]!.AsArray().Count);
        Assert.Equal("hello", item["s2"]!["S"]!.GetValue<string>());
        Assert.Equal("An operand in the update expression has an incorrect data type", UpdateError("SET s = s + :d", """{":d":{"N":"1"}}"""));
        Assert.Equal("The provided expression refers to an attribute that does not exist in the item", UpdateError("SET x = absent + :d", """{":d":{"N":"1"}}"""));
        Assert.Equal("An operand in the update expression has an incorrect data type", UpdateError("SET lst = list_append(lst, s)"));
    }

    [Fact]
    public void NestedPathsAndListIndexes()
    {
        var item = Update("SET m.b.c = :v, lst[1].c = :n, lst[10] = :end REMOVE lst[0]", """{":v":{"S":"changed"},":n":{"N":"8"},":end":{"S":"appended"}}""")["Attributes"]!;
        Assert.Equal("changed", item["m"]!["M"]!["b"]!["M"]!["c"]!["S"]!.GetValue<string>());
        var lst = item["lst"]!["L"]!.AsArray();
        Assert.Equal(3, lst.Count);
        Assert.Equal("8", lst[0]!["M"]!["c"]!["N"]!.GetValue<string>());
        Assert.Equal("appended", lst[2]!["S"]!.GetValue<string>());
        Assert.Equal("The document path provided in the update expression is invalid for update", UpdateError("SET nothere.x = :v", """{":v":{"S":"v"}}"""));
        Assert.Equal("The document path provided in the update expression is invalid for update", UpdateError("SET s[0] = :v", """{":v":{"S":"v"}}"""));
    }

    [Fact]
    public void OverlappingAndConflictingPaths()
    {
        Assert.Equal("Invalid UpdateExpression: Two document paths overlap with each other; must remove or rewrite one of these paths; path one: [m, b], path two: [m]",
            UpdateError("SET m.b = :v REMOVE m", """{":v":{"S":"v"}}"""));
        Assert.Equal("Invalid UpdateExpression: Two document paths overlap with each other; must remove or rewrite one of these paths; path one: [a], path two: [a]",
            UpdateError("SET a = :v, a = :v", """{":v":{"S":"v"}}"""));
        Assert.Equal("Invalid UpdateExpression: Two document paths conflict with each other; must remove or rewrite one of these paths; path one: [lst, [1]], path two: [lst, x]",
            UpdateError("SET lst[1] = :v, lst.x = :v", """{":v":{"S":"v"}}"""));
    }

    [Fact]
    public void AddAndDeleteOnNumbersAndSets()
    {
        var item = Update("ADD n :five, tags :more, fresh :one DELETE nums :two", """{":five":{"N":"5"},":more":{"SS":["y","z"]},":one":{"N":"1"},":two":{"NS":["2","3"]}}""")["Attributes"]!;
        Assert.Equal("10", item["n"]!["N"]!.GetValue<string>());
        Assert.Equal(["x", "y", "z"], item["tags"]!["SS"]!.AsArray().Select(x => x!.GetValue<string>()).Order());
        Assert.Equal("1", item["fresh"]!["N"]!.GetValue<string>());
        Assert.Equal(["1"], item["nums"]!["NS"]!.AsArray().Select(x => x!.GetValue<string>()));
        item = Update("DELETE nums :one", """{":one":{"NS":["1"]}}""")["Attributes"]!;
        Assert.Null(item["nums"]);
        Assert.Equal("Invalid UpdateExpression: Incorrect operand type for operator or function; operator: ADD, operand type: STRING, typeSet: ALLOWED_FOR_ADD_OPERAND", UpdateError("ADD n :s", """{":s":{"S":"x"}}"""));
        Assert.Equal("An operand in the update expression has an incorrect data type", UpdateError("ADD s :n", """{":n":{"N":"1"}}"""));
        Assert.Equal("An operand in the update expression has an incorrect data type", UpdateError("ADD tags :n", """{":n":{"NS":["1"]}}"""));
    }

    [Fact]
    public void ConditionsComparatorsFunctionsAndSize()
    {
        Assert.True(Matches("n BETWEEN :a AND :b", """{":a":{"N":"1"},":b":{"N":"10"}}"""));
        Assert.True(Matches("n IN (:a, :b)", """{":a":{"N":"1"},":b":{"N":"5"}}"""));
        Assert.True(Matches("NOT (n < :a) AND (s = :s OR s = :t)", """{":a":{"N":"1"},":s":{"S":"nope"},":t":{"S":"hello"}}"""));
        Assert.True(Matches("size(s) = :five AND size(tags) = :two AND size(lst) > :two AND size(m) = :one", """{":five":{"N":"5"},":two":{"N":"2"},":one":{"N":"1"}}"""));
        Assert.False(Matches("size(n) = :one", """{":one":{"N":"1"}}"""));
        Assert.True(Matches("begins_with(s, :p) AND contains(tags, :x) AND contains(s, :ell) AND contains(lst, :l0)", """{":p":{"S":"he"},":x":{"S":"x"},":ell":{"S":"ell"},":l0":{"S":"l0"}}"""));
        Assert.True(Matches("attribute_type(flag, :bool) AND attribute_type(nul, :null) AND attribute_exists(m.b.c) AND attribute_not_exists(m.b.x)", """{":bool":{"S":"BOOL"},":null":{"S":"NULL"}}"""));
        Assert.True(Matches("lst[1].c = :seven", """{":seven":{"N":"7"}}"""));
        Assert.True(Matches("absent <> :v", """{":v":{"S":"x"}}"""));
        Assert.False(Matches("absent = :v", """{":v":{"S":"x"}}"""));
        Assert.False(Matches("s < :n", """{":n":{"N":"1"}}"""));
        Assert.True(Matches("n < :big", """{":big":{"N":"10"}}"""));
        Assert.True(Matches("tags = :same", """{":same":{"SS":["y","x"]}}"""));
        Assert.Equal("Invalid ConditionExpression: Invalid function name; function: nope", Assert.Throws<Nimbus.Core.Errors.AwsServiceException>(() => Matches("nope(s)")).Error.Message);
        Assert.Equal("Invalid ConditionExpression: Incorrect number of operands for operator or function; operator or function: begins_with, number of operands: 1",
            Assert.Throws<Nimbus.Core.Errors.AwsServiceException>(() => Matches("begins_with(s)")).Error.Message);
        Assert.StartsWith("Invalid ConditionExpression: The BETWEEN operator requires upper bound to be greater than or equal to lower bound",
            Assert.Throws<Nimbus.Core.Errors.AwsServiceException>(() => Matches("n BETWEEN :b AND :a", """{":a":{"N":"1"},":b":{"N":"10"}}""")).Error.Message, StringComparison.Ordinal);
        Assert.Equal("Invalid ConditionExpression: Invalid attribute type name found; type: X, valid types: {B,NULL,SS,BOOL,L,BS,N,NS,S,M}",
            Assert.Throws<Nimbus.Core.Errors.AwsServiceException>(() => Matches("attribute_type(s, :t)", """{":t":{"S":"X"}}""")).Error.Message);
    }

    [Fact]
    public void ConditionalCheckFailedReturnsTheOldItemWhenAsked()
    {
        var e = _s.Fail("PutItem", """{"TableName":"exp","Item":{"pk":{"S":"a"}},"ConditionExpression":"attribute_not_exists(pk)","ReturnValuesOnConditionCheckFailure":"ALL_OLD"}""");
        Assert.Equal("ConditionalCheckFailedException", e.Code);
        Assert.Equal("The conditional request failed", e.Message);
        Assert.Equal("hello", Nimbus.Data.DynamoDb.DynamoErrors.Members(e)!["Item"]!["s"]!["S"]!.GetValue<string>());
        Assert.Null(Nimbus.Data.DynamoDb.DynamoErrors.Members(_s.Fail("DeleteItem", """{"TableName":"exp","Key":{"pk":{"S":"a"}},"ConditionExpression":"n > :v","ExpressionAttributeValues":{":v":{"N":"100"}}}""")));
        Assert.Equal("ExpressionAttributeValues can only be specified when using expressions: ConditionExpression is null",
            _s.Fail("PutItem", """{"TableName":"exp","Item":{"pk":{"S":"b"}},"ExpressionAttributeValues":{":v":{"N":"1"}}}""").Message);
        Assert.Equal("5", _s.Call("GetItem", """{"TableName":"exp","Key":{"pk":{"S":"a"}}}""")["Item"]!["n"]!["N"]!.GetValue<string>());
    }

    [Fact]
    public void UpdateReturnValuesAndKeyProtection()
    {
        Assert.Equal("""{"n":{"N":"5"}}""", Update("SET n = :v", """{":v":{"N":"6"}}""", returnValues: "UPDATED_OLD")["Attributes"]!.ToJsonString());
        Assert.Equal("""{"m":{"M":{"b":{"M":{"c":{"S":"new"}}}}}}""", Update("SET m.b.c = :v", """{":v":{"S":"new"}}""", returnValues: "UPDATED_NEW")["Attributes"]!.ToJsonString());
        Assert.Equal("hello", Update("REMOVE s", returnValues: "ALL_OLD")["Attributes"]!["s"]!["S"]!.GetValue<string>());
        Assert.Empty(Update("SET n = :v", """{":v":{"N":"7"}}""", returnValues: "NONE"));
        Assert.Equal("One or more parameter values were invalid: Cannot update attribute pk. This attribute is part of the key", UpdateError("SET pk = :v", """{":v":{"S":"b"}}"""));

        // UpdateItem on a absent item creates it from its key.
        var created = _s.Call("UpdateItem", """{"TableName":"exp","Key":{"pk":{"S":"new"}},"UpdateExpression":"ADD visits :one","ExpressionAttributeValues":{":one":{"N":"1"}},"ReturnValues":"ALL_NEW"}""");
        Assert.Equal("""{"pk":{"S":"new"},"visits":{"N":"1"}}""", created["Attributes"]!.ToJsonString());
        var failed = _s.Fail("UpdateItem", """{"TableName":"exp","Key":{"pk":{"S":"other"}},"UpdateExpression":"SET a = :v","ConditionExpression":"attribute_exists(pk)","ExpressionAttributeValues":{":v":{"N":"1"}}}""");
        Assert.Equal("ConditionalCheckFailedException", failed.Code);
        Assert.Empty(_s.Call("GetItem", """{"TableName":"exp","Key":{"pk":{"S":"other"}}}"""));
    }

    [Fact]
    public void ProjectionOfNestedPathsAndListIndexes()
    {
        var item = _s.Call("GetItem", """{"TableName":"exp","Key":{"pk":{"S":"a"}},"ProjectionExpression":"m.b.c, lst[2], lst[0], #n","ExpressionAttributeNames":{"#n":"n"}}""")["Item"]!;
        Assert.Equal("""{"m":{"M":{"b":{"M":{"c":{"S":"deep"}}}}},"lst":{"L":[{"S":"l0"},{"S":"l2"}]},"n":{"N":"5"}}""", item.ToJsonString());
        Assert.Equal("Invalid ProjectionExpression: Two document paths overlap with each other; must remove or rewrite one of these paths; path one: [m], path two: [m, b]",
            _s.Fail("GetItem", """{"TableName":"exp","Key":{"pk":{"S":"a"}},"ProjectionExpression":"m, m.b"}""").Message);
        Assert.Equal("Invalid ProjectionExpression: Attribute name is a reserved keyword; reserved keyword: name",
            _s.Fail("GetItem", """{"TableName":"exp","Key":{"pk":{"S":"a"}},"ProjectionExpression":"name"}""").Message);
    }

    [Fact]
    public void ItemSizeLimitAppliesToUpdates()
    {
        var big = new string('x', 300 * 1024);
        var value = new JsonObject { [":v"] = new JsonObject { ["S"] = big } }.ToJsonString();
        Update("SET big1 = :v", value, returnValues: "NONE");
        Assert.Equal("Item size to update has exceeded the maximum allowed size", UpdateError("SET big2 = :v", value));
    }

    [Fact]
    public void ExpressionAndNestingLimits()
    {
        var longExpression = "SET " + string.Join(", ", Enumerable.Range(0, 600).Select(i => $"a{i} = :v"));
        Assert.StartsWith("Invalid UpdateExpression: Expression size has exceeded the maximum allowed size; expression size: ", UpdateError(longExpression, """{":v":{"S":"v"}}"""), StringComparison.Ordinal);
        JsonNode deep = new JsonObject { ["S"] = "leaf" };
        for (var i = 0; i < 40; i++)
        {
            deep = new JsonObject { ["M"] = new JsonObject { ["x"] = deep } };
        }

        var put = new JsonObject { ["TableName"] = "exp", ["Item"] = new JsonObject { ["pk"] = new JsonObject { ["S"] = "deep" }, ["d"] = deep } };
        Assert.Equal("Nesting Levels have exceeded supported limits",
            Assert.Throws<Nimbus.Core.Errors.AwsServiceException>(() => _s.Api.Dispatch("PutItem", put, new Nimbus.Core.Identity.AwsRequestContext("123456789012", "us-east-1", "r"))).Error.Message);
    }

    [Fact]
    public void NumberArithmeticIsExact()
    {
        Assert.Equal("0.3", Evaluator.Arithmetic('+', "0.1", "0.2"));
        Assert.Equal("10000000000000000000000000000000000001", Evaluator.Arithmetic('+', "10000000000000000000000000000000000000", "1"));
        Assert.Equal("Attempting to store more than 38 significant digits in a Number",
            Assert.Throws<Nimbus.Core.Errors.AwsServiceException>(() => Evaluator.Arithmetic('+', "100000000000000000000000000000000000000", "1")).Error.Message);
        Assert.Equal("-2", Evaluator.Arithmetic('-', "1", "3"));
    }
}

/// <summary>The legacy parameters (Expected, AttributeUpdates, KeyConditions, QueryFilter, ScanFilter) map onto expressions.</summary>
public sealed class LegacyParameterTests : IDisposable
{
    private readonly DynamoTestState _s = new();

    public LegacyParameterTests() => _s.Call("CreateTable", """{"TableName":"leg","KeySchema":[{"AttributeName":"pk","KeyType":"HASH"},{"AttributeName":"sk","KeyType":"RANGE"}],"AttributeDefinitions":[{"AttributeName":"pk","AttributeType":"S"},{"AttributeName":"sk","AttributeType":"N"}],"BillingMode":"PAY_PER_REQUEST"}""");

    public void Dispose() => _s.Dispose();

    [Fact]
    public void ExpectedAttributeUpdatesKeyConditionsAndFilters()
    {
        _s.Call("PutItem", """{"TableName":"leg","Item":{"pk":{"S":"a"},"sk":{"N":"1"},"v":{"N":"1"}},"Expected":{"pk":{"Exists":false}}}""");
        Assert.Equal("ConditionalCheckFailedException", _s.Fail("PutItem", """{"TableName":"leg","Item":{"pk":{"S":"a"},"sk":{"N":"1"}},"Expected":{"pk":{"Exists":false}}}""").Code);
        var updated = _s.Call("UpdateItem", """
            {"TableName":"leg","Key":{"pk":{"S":"a"},"sk":{"N":"1"}},"ReturnValues":"ALL_NEW",
             "Expected":{"v":{"ComparisonOperator":"EQ","AttributeValueList":[{"N":"1"}]}},
             "AttributeUpdates":{"v":{"Action":"ADD","Value":{"N":"2"}},"l":{"Action":"ADD","Value":{"L":[{"S":"x"}]}},"s":{"Value":{"S":"put"}}}}
            """)["Attributes"]!;
        Assert.Equal("3", updated["v"]!["N"]!.GetValue<string>());
        Assert.Equal("x", updated["l"]!["L"]![0]!["S"]!.GetValue<string>());
        Assert.Equal("put", updated["s"]!["S"]!.GetValue<string>());
        _s.Call("PutItem", """{"TableName":"leg","Item":{"pk":{"S":"a"},"sk":{"N":"2"},"v":{"N":"10"}}}""");
        var q = _s.Call("Query", """{"TableName":"leg","KeyConditions":{"pk":{"ComparisonOperator":"EQ","AttributeValueList":[{"S":"a"}]},"sk":{"ComparisonOperator":"GE","AttributeValueList":[{"N":"1"}]}},"QueryFilter":{"v":{"ComparisonOperator":"GT","AttributeValueList":[{"N":"5"}]}}}""");
        Assert.Equal(1, q["Count"]!.GetValue<int>());
        Assert.Equal(2, q["ScannedCount"]!.GetValue<int>());
        var scan = _s.Call("Scan", """{"TableName":"leg","ScanFilter":{"v":{"ComparisonOperator":"LT","AttributeValueList":[{"N":"5"}]},"s":{"ComparisonOperator":"NULL"}},"ConditionalOperator":"OR"}""");
        Assert.Equal(2, scan["Count"]!.GetValue<int>());
        Assert.Equal("Can not use both expression and non-expression parameters in the same request: Non-expression parameters: {Expected} Expression parameters: {ConditionExpression}",
            _s.Fail("PutItem", """{"TableName":"leg","Item":{"pk":{"S":"a"},"sk":{"N":"3"}},"Expected":{"pk":{"Exists":false}},"ConditionExpression":"attribute_not_exists(pk)"}""").Message);
        Assert.Equal("One or more parameter values were invalid: Invalid number of argument(s) for the EQ ComparisonOperator",
            _s.Fail("PutItem", """{"TableName":"leg","Item":{"pk":{"S":"a"},"sk":{"N":"3"}},"Expected":{"v":{"ComparisonOperator":"EQ","AttributeValueList":[]}}}""").Message);
    }
}
