using System.Text;
using Nimbus.Gateway.Serving;

namespace Nimbus.Gateway.Tests;

public sealed class ProxyResponsesTests
{
    private static GatewayResponse V2(string json) => ProxyResponses.HttpV2(Encoding.UTF8.GetBytes(json));

    [Theory]
    [InlineData("\"hello\"", "hello")]
    [InlineData("{\"a\":1}", "{\"a\":1}")]
    [InlineData("[1,2]", "[1,2]")]
    [InlineData("42", "42")]
    [InlineData("true", "true")]
    public void HttpV2_WithoutStatusCode_IsA200JsonResponse(string payload, string body)
    {
        var r = V2(payload);
        Assert.Equal(200, r.StatusCode);
        Assert.Equal("application/json", r.Header("Content-Type"));
        Assert.Equal(body, Encoding.UTF8.GetString(r.Body));
    }

    [Fact]
    public void HttpV2_Cookies_BecomeSetCookieHeaders()
    {
        var r = V2("{\"statusCode\":302,\"cookies\":[\"a=1\",\"b=2; Secure\"],\"headers\":{\"location\":\"/x\"}}");
        Assert.Equal(302, r.StatusCode);
        Assert.Equal(["a=1", "b=2; Secure"], r.Headers.Where(h => h.Key == "Set-Cookie").Select(h => h.Value));
        Assert.Equal("/x", r.Header("Location"));
    }

    [Theory]
    [InlineData("{\"statusCode\":200.5}")]
    [InlineData("{\"statusCode\":0}")]
    [InlineData("{\"statusCode\":\"abc\"}")]
    [InlineData("{\"statusCode\":200,\"body\":\"!!\",\"isBase64Encoded\":true}")]
    public void HttpV2_MalformedResponse_Is500(string payload)
    {
        var r = V2(payload);
        Assert.Equal(500, r.StatusCode);
        Assert.Equal("{\"message\":\"Internal Server Error\"}", Encoding.UTF8.GetString(r.Body));
    }

    [Fact]
    public void HttpV1_WithoutStatusCode_Is500_AndRest_Is502()
    {
        Assert.Equal(500, ProxyResponses.HttpV1("{\"body\":\"x\"}"u8).StatusCode);
        var rest = ProxyResponses.Rest("{\"body\":\"x\"}"u8);
        Assert.Equal(502, rest.StatusCode);
        Assert.Equal("InternalServerErrorException", rest.Header("x-amzn-ErrorType"));
    }

    [Theory]
    [InlineData("myheader", "Myheader")]
    [InlineData("x-custom-HEADER", "X-Custom-Header")]
    [InlineData("Content-Type", "Content-Type")]
    public void Canonical_CapitalisesLikeApiGateway(string name, string expected) => Assert.Equal(expected, ProxyResponses.Canonical(name));
}
