using Nimbus.Core.Identity;

namespace Nimbus.Core.Tests;

public class ArnTests
{
    [Fact]
    public void TryParse_FunctionArnWithQualifier_KeepsColonsInResource()
    {
        Assert.True(Arn.TryParse("arn:aws:lambda:eu-west-1:123456789012:function:my-fn:prod", out var arn));

        Assert.Equal("aws", arn.Partition);
        Assert.Equal("lambda", arn.Service);
        Assert.Equal("eu-west-1", arn.Region);
        Assert.Equal("123456789012", arn.Account);
        Assert.Equal("function:my-fn:prod", arn.Resource);
    }

    [Fact]
    public void TryParse_GlobalResourceWithEmptyRegion_ParsesEmptyRegion()
    {
        Assert.True(Arn.TryParse("arn:aws:iam::123456789012:role/service-role/x", out var arn));

        Assert.Equal("iam", arn.Service);
        Assert.Equal("", arn.Region);
        Assert.Equal("role/service-role/x", arn.Resource);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("my-function")]
    [InlineData("arn:aws:lambda:us-east-1:123456789012")]
    [InlineData("ARN:aws:lambda:us-east-1:123456789012:function:f")]
    [InlineData("urn:aws:lambda:us-east-1:123456789012:function:f")]
    public void TryParse_NotAnArn_ReturnsFalse(string? text)
    {
        Assert.False(Arn.TryParse(text, out _));
    }

    [Fact]
    public void ToString_ParsedArn_RoundTrips()
    {
        const string text = "arn:aws-cn:logs:cn-north-1:123456789012:log-group:/aws/lambda/f:*";
        Assert.True(Arn.TryParse(text, out var arn));

        Assert.Equal(text, arn.ToString());
        Assert.Equal("aws-cn", arn.Partition);
    }
}
