using Microsoft.AspNetCore.Http;
using Nimbus.Core.Identity;

namespace Nimbus.Core.Tests;

public class CallerResolverTests
{
    [Fact]
    public void Parse_TwelveDigitKey_UsesKeyAsAccount()
    {
        var (account, region) = CallerResolver.Parse("123456789012/20240101/eu-west-1/lambda/aws4_request");

        Assert.Equal("123456789012", account);
        Assert.Equal("eu-west-1", region);
    }

    [Theory]
    [InlineData("AKIAIOSFODNN7EXAMPLE")]
    [InlineData("test")]
    [InlineData("12345678901")]
    [InlineData("1234567890123")]
    [InlineData("12345678901a")]
    public void Parse_OtherKey_UsesDefaultAccount(string key)
    {
        var (account, region) = CallerResolver.Parse($"{key}/20240101/ap-south-1/lambda/aws4_request");

        Assert.Equal(AwsRequestContext.DefaultAccountId, account);
        Assert.Equal("000000000000", account);
        Assert.Equal("ap-south-1", region);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    public void Parse_NoCredential_UsesDefaults(string? credential)
    {
        var (account, region) = CallerResolver.Parse(credential);

        Assert.Equal("000000000000", account);
        Assert.Equal("us-east-1", region);
    }

    [Theory]
    [InlineData("123456789012")]
    [InlineData("123456789012/20240101")]
    [InlineData("123456789012/20240101//lambda/aws4_request")]
    public void Parse_NoRegionInScope_UsesDefaultRegion(string credential)
    {
        var (account, region) = CallerResolver.Parse(credential);

        Assert.Equal("123456789012", account);
        Assert.Equal(AwsRequestContext.DefaultRegion, region);
    }

    [Fact]
    public void Resolve_AuthorizationHeader_ReadsCredentialScope()
    {
        var http = new DefaultHttpContext();
        http.Request.Headers.Authorization =
            "AWS4-HMAC-SHA256 Credential=111122223333/20240101/eu-central-1/logs/aws4_request, SignedHeaders=host;x-amz-date, Signature=abcdef";

        var caller = CallerResolver.Resolve(http);

        Assert.Equal("111122223333", caller.AccountId);
        Assert.Equal("eu-central-1", caller.Region);
        Assert.Equal("logs", CallerResolver.SigningService(http.Request));
        Assert.True(Guid.TryParse(caller.RequestId, out _));
    }

    [Fact]
    public void Resolve_PresignedQueryCredential_ReadsCredentialScope()
    {
        var http = new DefaultHttpContext();
        http.Request.QueryString = new QueryString("?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=444455556666%2F20240101%2Fus-west-2%2Fs3%2Faws4_request&X-Amz-Signature=00");

        var caller = CallerResolver.Resolve(http);

        Assert.Equal("444455556666", caller.AccountId);
        Assert.Equal("us-west-2", caller.Region);
        Assert.Equal("s3", CallerResolver.SigningService(http.Request));
    }

    [Fact]
    public void Resolve_UnsignedRequest_UsesDefaultsAndNoService()
    {
        var http = new DefaultHttpContext();

        var caller = CallerResolver.Resolve(http);

        Assert.Equal("000000000000", caller.AccountId);
        Assert.Equal("us-east-1", caller.Region);
        Assert.Null(CallerResolver.SigningService(http.Request));
    }

    [Fact]
    public void Resolve_CalledTwice_ReturnsSameContextForTheRequest()
    {
        var http = new DefaultHttpContext();
        http.Request.Headers.Authorization = "AWS4-HMAC-SHA256 Credential=123456789012/20240101/eu-west-1/lambda/aws4_request, SignedHeaders=host, Signature=x";

        var first = CallerResolver.Resolve(http);
        var second = CallerResolver.Resolve(http);

        Assert.Same(first, second);
    }
}
