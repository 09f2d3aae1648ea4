using Nimbus.Data.DynamoDb;

namespace Nimbus.Data.Tests.DynamoDb;

public sealed class ItemTests : IDisposable
{
    private readonly DynamoTestState _s = new();

    public ItemTests() => _s.Call("CreateTable", """{"TableName":"items","KeySchema":[{"AttributeName":"pk","KeyType":"HASH"},{"AttributeName":"sk","KeyType":"RANGE"}],"AttributeDefinitions":[{"AttributeName":"pk","AttributeType":"S"},{"AttributeName":"sk","AttributeType":"N"}],"BillingMode":"PAY_PER_REQUEST"}""");

    public void Dispose() => _s.Dispose();

    [Fact]
    public void PutGetDeleteSurvivesRestart()
    {
        _s.Call("PutItem", """{"TableName":"items","Item":{"pk":{"S":"a"},"sk":{"N":"1.50"},"big":{"N":"12345678901234567890123456789012345678"},"m":{"M":{"l":{"L":[{"S":"x"},{"NULL":true}]}}}}}""");
        _s.Reopen();
        var item = _s.Call("GetItem", """{"TableName":"items","Key":{"pk":{"S":"a"},"sk":{"N":"1.5"}}}""")["Item"]!;
        Assert.Equal("1.5", item["sk"]!["N"]!.GetValue<string>());
        Assert.Equal("12345678901234567890123456789012345678", item["big"]!["N"]!.GetValue<string>());
        Assert.Equal("x", item["m"]!["M"]!["l"]!["L"]![0]!["S"]!.GetValue<string>());
        Assert.Equal(1, _s.Call("DescribeTable", """{"TableName":"items"}""")["Table"]!["ItemCount"]!.GetValue<long>());
        var old = _s.Call("DeleteItem", """{"TableName":"items","Key":{"pk":{"S":"a"},"sk":{"N":"1.5"}},"ReturnValues":"ALL_OLD"}""");
        Assert.Equal("a", old["Attributes"]!["pk"]!["S"]!.GetValue<string>());
        Assert.Empty(_s.Call("GetItem", """{"TableName":"items","Key":{"pk":{"S":"a"},"sk":{"N":"1.5"}}}"""));
    }

    [Fact]
    public void PutReturnsOldItem()
    {
        Assert.Empty(_s.Call("PutItem", """{"TableName":"items","Item":{"pk":{"S":"a"},"sk":{"N":"1"},"v":{"S":"one"}},"ReturnValues":"ALL_OLD"}"""));
        var old = _s.Call("PutItem", """{"TableName":"items","Item":{"pk":{"S":"a"},"sk":{"N":"1"},"v":{"S":"two"}},"ReturnValues":"ALL_OLD"}""");
        Assert.Equal("one", old["Attributes"]!["v"]!["S"]!.GetValue<string>());
        Assert.Equal("Return values set to invalid value", _s.Fail("PutItem", """{"TableName":"items","Item":{"pk":{"S":"a"},"sk":{"N":"1"}},"ReturnValues":"ALL_NEW"}""").Message);
    }

    [Fact]
    public void KeyValidation()
    {
        Assert.Equal("One or more parameter values were invalid: Missing the key sk in the item",
            _s.Fail("PutItem", """{"TableName":"items","Item":{"pk":{"S":"a"}}}""").Message);
        Assert.Equal("One or more parameter values were invalid: Type mismatch for key sk expected: N actual: S",
            _s.Fail("PutItem", """{"TableName":"items","Item":{"pk":{"S":"a"},"sk":{"S":"1"}}}""").Message);
        Assert.Equal("One or more parameter values are not valid. The AttributeValue for a key attribute cannot contain an empty string value. Key: pk",
            _s.Fail("PutItem", """{"TableName":"items","Item":{"pk":{"S":""},"sk":{"N":"1"}}}""").Message);
        Assert.Equal("The provided key element does not match the schema",
            _s.Fail("GetItem", """{"TableName":"items","Key":{"pk":{"S":"a"}}}""").Message);
        Assert.Equal("The provided key element does not match the schema",
            _s.Fail("GetItem", """{"TableName":"items","Key":{"pk":{"S":"a"},"sk":{"N":"1"},"x":{"S":"y"}}}""").Message);
        Assert.Equal("ResourceNotFoundException", _s.Fail("GetItem", """{"TableName":"nope","Key":{"pk":{"S":"a"}}}""").Code);
        Assert.Contains("may not be empty", _s.Fail("PutItem", """{"TableName":"items","Item":{"pk":{"S":"a"},"sk":{"N":"1"},"s":{"SS":[]}}}""").Message, StringComparison.Ordinal);
        Assert.Equal("Attempting to store more than 38 significant digits in a Number",
            _s.Fail("PutItem", """{"TableName":"items","Item":{"pk":{"S":"a"},"sk":{"N":"123456789012345678901234567890123456789"}}}""").Message);
    }

    [Fact]
    public void ItemSizeLimit()
    {
        var big = new string('x', 400 * 1024);
        Assert.Equal("Item size has exceeded the maximum allowed size",
            _s.Fail("PutItem", """{"TableName":"items","Item":{"pk":{"S":"a"},"sk":{"N":"1"},"v":{"S":"BIG"}}}""".Replace("BIG", big, StringComparison.Ordinal)).Message);
    }

    [Theory]
    [InlineData("-100", "-10")]
    [InlineData("-10", "-9.99")]
    [InlineData("-0.5", "-0.05")]
    [InlineData("-0.123", "-0.12")]
    [InlineData("-1e-100", "0")]
    [InlineData("0", "1e-100")]
    [InlineData("0.12", "0.123")]
    [InlineData("9.99", "10")]
    [InlineData("10", "100")]
    [InlineData("99999999999999999999999999999999999999", "1E+125")]
    [InlineData("1E-130", "2E-130")]
    public void NumberSortBytesOrderNumerically(string smaller, string larger)
    {
        var a = DynamoNumber.Parse(smaller).SortBytes();
        var b = DynamoNumber.Parse(larger).SortBytes();
        Assert.True(a.AsSpan().SequenceCompareTo(b) < 0, $"{smaller} should sort before {larger}");
    }

    [Theory]
    [InlineData("1.500", "1.5")]
    [InlineData("-0", "0")]
    [InlineData("1e3", "1000")]
    [InlineData("0.00012", "0.00012")]
    [InlineData("+7", "7")]
    public void NumbersAreCanonical(string input, string canonical) => Assert.Equal(canonical, DynamoNumber.Parse(input).ToString());

    [Fact]
    public void Crc32MatchesTheStandardCheckValue() => Assert.Equal(0xCBF43926u, Nimbus.Data.S3.Crc32.Ieee("123456789"u8));
}
