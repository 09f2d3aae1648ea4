using Nimbus.Core.Errors;
using Nimbus.Core.Identity;
using Nimbus.Functions.Registry;

namespace Nimbus.Functions.Tests;

public class FunctionNameTests
{
    private static readonly AwsRequestContext Caller = new("111111111111", "eu-west-1", "req");

    [Fact]
    public void Parse_PlainName_UsesCallerAccountAndRegion()
    {
        var (key, qualifier) = FunctionName.Parse("my-function_1.x", Caller);

        Assert.Equal(new FunctionKey("111111111111", "eu-west-1", "my-function_1.x"), key);
        Assert.Null(qualifier);
        Assert.Equal("arn:aws:lambda:eu-west-1:111111111111:function:my-function_1.x", key.UnqualifiedArn);
    }

    [Theory]
    [InlineData("fn:1", "1")]
    [InlineData("fn:$LATEST", "$LATEST")]
    [InlineData("fn:prod", "prod")]
    public void Parse_NameWithQualifier_SplitsQualifier(string text, string expected)
    {
        var (key, qualifier) = FunctionName.Parse(text, Caller);

        Assert.Equal("fn", key.Name);
        Assert.Equal(expected, qualifier);
        Assert.Equal($"arn:aws:lambda:eu-west-1:111111111111:function:fn:{expected}", key.ArnFor(qualifier));
    }

    [Fact]
    public void Parse_PartialArn_UsesAccountFromArnAndCallerRegion()
    {
        var (key, qualifier) = FunctionName.Parse("222222222222:function:fn:live", Caller);

        Assert.Equal(new FunctionKey("222222222222", "eu-west-1", "fn"), key);
        Assert.Equal("live", qualifier);
    }

    [Fact]
    public void Parse_FullArn_UsesAccountAndRegionFromArn()
    {
        var (key, qualifier) = FunctionName.Parse("arn:aws:lambda:ap-southeast-2:333333333333:function:fn", Caller);

        Assert.Equal(new FunctionKey("333333333333", "ap-southeast-2", "fn"), key);
        Assert.Null(qualifier);
    }

    [Fact]
    public void Parse_FullArnWithVersion_ReturnsVersionQualifier()
    {
        var (key, qualifier) = FunctionName.Parse("arn:aws:lambda:us-gov-west-1:333333333333:function:fn:42", Caller);

        Assert.Equal(new FunctionKey("333333333333", "us-gov-west-1", "fn"), key);
        Assert.Equal("42", qualifier);
    }

    [Theory]
    [InlineData("")]
    [InlineData("has space")]
    [InlineData("fn:bad/qualifier")]
    [InlineData("arn:aws:s3:::bucket")]
    [InlineData("fn:a:b")]
    public void Parse_Invalid_ThrowsValidationExceptionNamingValue(string text)
    {
        var e = Assert.Throws<AwsServiceException>(() => FunctionName.Parse(text, Caller));

        Assert.Equal("ValidationException", e.Error.Code);
        Assert.Equal(400, e.Error.StatusCode);
        Assert.StartsWith($"1 validation error detected: Value '{text}' at 'functionName' failed to satisfy constraint: Member must satisfy regular expression pattern: ", e.Error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_NameLongerThan64_ThrowsLengthValidation()
    {
        var text = new string('a', 65);

        var e = Assert.Throws<AwsServiceException>(() => FunctionName.Parse(text, Caller, "FunctionName"));

        Assert.Equal("ValidationException", e.Error.Code);
        Assert.Equal($"1 validation error detected: Value '{text}' at 'FunctionName' failed to satisfy constraint: Member must have length less than or equal to 64", e.Error.Message);
    }

    [Fact]
    public void Parse_TextLongerThan170_ThrowsPatternValidation()
    {
        var text = "arn:aws:lambda:us-east-1:123456789012:function:" + new string('a', 130);

        var e = Assert.Throws<AwsServiceException>(() => FunctionName.Parse(text, Caller));

        Assert.Equal("ValidationException", e.Error.Code);
        Assert.Contains("regular expression pattern", e.Error.Message, StringComparison.Ordinal);
    }
}
