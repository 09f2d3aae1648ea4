using System.Text;
using System.Text.Json;
using System.Xml.Linq;
using Microsoft.AspNetCore.Http;
using Nimbus.Core.Errors;
using Nimbus.Core.Protocols;

namespace Nimbus.Core.Tests;

public class ErrorWriterTests
{
    private const string RequestId = "5a9c4f2e-0000-4000-8000-000000000001";

    private static async Task<(HttpResponse Response, string Body)> WriteAsync(AwsError error, AwsProtocol protocol)
    {
        var http = new DefaultHttpContext();
        var body = new MemoryStream();
        http.Response.Body = body;
        await ErrorWriter.WriteAsync(http, error, protocol, RequestId);
        return (http.Response, Encoding.UTF8.GetString(body.ToArray()));
    }

    [Theory]
    [InlineData("ResourceNotFoundException")]
    [InlineData("ServiceException")]
    [InlineData("ResourceInUseException")]
    public async Task WriteAsync_RestJsonCapitalMessageError_WritesTypeAndCapitalMessage(string code)
    {
        var status = code == "ServiceException" ? 500 : 404;
        var (response, body) = await WriteAsync(new AwsError(code, "Function not found: arn", status), AwsProtocol.RestJson);

        using var json = JsonDocument.Parse(body);
        Assert.Equal(status, response.StatusCode);
        Assert.Equal(code, response.Headers["x-amzn-ErrorType"].ToString());
        Assert.Equal(RequestId, response.Headers["x-amzn-RequestId"].ToString());
        Assert.Equal("application/json", response.ContentType);
        Assert.Equal(status < 500 ? "User" : "Service", json.RootElement.GetProperty("Type").GetString());
        Assert.Equal("Function not found: arn", json.RootElement.GetProperty("Message").GetString());
        Assert.False(json.RootElement.TryGetProperty("message", out _));
        Assert.False(json.RootElement.TryGetProperty("__type", out _));
    }

    [Theory]
    [InlineData("InvalidParameterValueException", 400)]
    [InlineData("ResourceConflictException", 409)]
    [InlineData("ValidationException", 400)]
    [InlineData("TooManyRequestsException", 429)]
    public async Task WriteAsync_RestJsonLowercaseMessageError_WritesTypeAndLowercaseMessage(string code, int status)
    {
        var (response, body) = await WriteAsync(new AwsError(code, "bad value", status), AwsProtocol.RestJson);

        using var json = JsonDocument.Parse(body);
        Assert.Equal(status, response.StatusCode);
        Assert.Equal(code, response.Headers["x-amzn-ErrorType"].ToString());
        Assert.Equal("User", json.RootElement.GetProperty("Type").GetString());
        Assert.Equal("bad value", json.RootElement.GetProperty("message").GetString());
        Assert.False(json.RootElement.TryGetProperty("Message", out _));
    }

    [Fact]
    public async Task WriteAsync_ErrorWithFieldsAndHeaders_WritesBoth()
    {
        var error = new AwsError("TooManyRequestsException", "Rate Exceeded.", 429)
        {
            Fields = new Dictionary<string, string> { ["Reason"] = "ReservedFunctionConcurrentInvocationLimitExceeded" },
            Headers = new Dictionary<string, string> { ["Retry-After"] = "1" },
        };

        var (response, body) = await WriteAsync(error, AwsProtocol.RestJson);

        using var json = JsonDocument.Parse(body);
        Assert.Equal("ReservedFunctionConcurrentInvocationLimitExceeded", json.RootElement.GetProperty("Reason").GetString());
        Assert.Equal("1", response.Headers["Retry-After"].ToString());
    }

    [Theory]
    [InlineData(AwsProtocol.AwsJson11, "application/x-amz-json-1.1")]
    [InlineData(AwsProtocol.AwsJson10, "application/x-amz-json-1.0")]
    public async Task WriteAsync_AwsJson_WritesTypeAndMessage(AwsProtocol protocol, string contentType)
    {
        var (response, body) = await WriteAsync(new AwsError("ResourceNotFoundException", "The specified log group does not exist.", 400), protocol);

        using var json = JsonDocument.Parse(body);
        Assert.Equal(400, response.StatusCode);
        Assert.Equal(contentType, response.ContentType);
        Assert.Equal("ResourceNotFoundException", response.Headers["x-amzn-ErrorType"].ToString());
        Assert.Equal("ResourceNotFoundException", json.RootElement.GetProperty("__type").GetString());
        Assert.Equal("The specified log group does not exist.", json.RootElement.GetProperty("message").GetString());
        Assert.False(json.RootElement.TryGetProperty("Type", out _));
    }

    [Fact]
    public async Task WriteAsync_Query_WritesErrorResponseXml()
    {
        var (response, body) = await WriteAsync(new AwsError("InvalidAction", "Bad <action> & \"stuff\"", 400), AwsProtocol.Query);

        Assert.Equal(400, response.StatusCode);
        Assert.Equal("text/xml", response.ContentType);
        Assert.False(response.Headers.ContainsKey("x-amzn-ErrorType"));
        var doc = XDocument.Parse(body);
        XNamespace ns = "http://webservices.amazon.com/AWSFault/2005-15-09";
        Assert.Equal("ErrorResponse", doc.Root!.Name.LocalName);
        var error = doc.Root.Element(ns + "Error")!;
        Assert.Equal("Sender", error.Element(ns + "Type")!.Value);
        Assert.Equal("InvalidAction", error.Element(ns + "Code")!.Value);
        Assert.Equal("Bad <action> & \"stuff\"", error.Element(ns + "Message")!.Value);
        Assert.Equal(RequestId, doc.Root.Element(ns + "RequestId")!.Value);
    }

    [Fact]
    public async Task WriteAsync_QueryServerFault_WritesReceiver()
    {
        var (response, body) = await WriteAsync(CommonErrors.Internal("boom"), AwsProtocol.Query);

        Assert.Equal(500, response.StatusCode);
        Assert.Contains("<Type>Receiver</Type>", body, StringComparison.Ordinal);
        Assert.Contains("<Code>ServiceException</Code>", body, StringComparison.Ordinal);
    }

    [Fact]
    public void UnknownOperation_NamesServiceAndOperation()
    {
        var error = CommonErrors.UnknownOperation("logs", "Nope");

        Assert.Equal("UnknownOperationException", error.Code);
        Assert.Equal(400, error.StatusCode);
        Assert.Contains("Nope", error.Message, StringComparison.Ordinal);
        Assert.True(error.IsSenderFault);
    }
}
