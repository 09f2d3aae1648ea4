using System.Net;

namespace Nimbus.Server.Tests;

public sealed class EdgeTests(NimbusServerFixture server) : IClassFixture<NimbusServerFixture>
{
    [Theory]
    [InlineData("/_nimbus/health")]
    [InlineData("/_localstack/health")]
    public async Task Health_Get_ReportsRunningServices(string path)
    {
        var (response, body) = await server.SendAsync(new HttpRequestMessage(HttpMethod.Get, path));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType!.MediaType);
        Assert.Equal("running", body!["services"]!["lambda"]!.GetValue<string>());
        foreach (var service in new[] { "logs", "apigateway", "s3", "dynamodb", "sqs", "sns", "events", "states", "scheduler" })
        {
            Assert.Equal("running", body["services"]![service]!.GetValue<string>());
        }

        Assert.Equal("nimbus", body["edition"]!.GetValue<string>());
        Assert.False(string.IsNullOrEmpty(body["version"]!.GetValue<string>()));
    }

    [Fact]
    public async Task JsonProtocol_UnknownTargetPrefix_ReturnsUnknownOperationException()
    {
        var request = NimbusServerFixture.WithTarget(
            NimbusServerFixture.Request(HttpMethod.Post, "/", content: NimbusServerFixture.Json("{}", "application/x-amz-json-1.1")),
            "Nonexistent_20990101.ListTables");

        var (response, body) = await server.SendAsync(request);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("UnknownOperationException", body!["__type"]!.GetValue<string>());
        Assert.Contains("ListTables", body["message"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal("UnknownOperationException", response.Headers.GetValues("x-amzn-ErrorType").Single());
        Assert.Equal("application/x-amz-json-1.1", response.Content.Headers.ContentType!.MediaType);
        Assert.True(Guid.TryParse(response.Headers.GetValues("x-amzn-RequestId").Single(), out _));
    }

    [Fact]
    public async Task JsonProtocol_UnknownLogsOperation_ReturnsUnknownOperationException()
    {
        var (response, body) = await server.LogsAsync("MakeCoffee", "{}");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("UnknownOperationException", body!["__type"]!.GetValue<string>());
    }

    [Fact]
    public async Task JsonProtocol_MalformedJson_ReturnsSerializationException()
    {
        var (response, body) = await server.LogsAsync("CreateLogGroup", "{not json");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("SerializationException", body!["__type"]!.GetValue<string>());
    }

    [Fact]
    public async Task JsonProtocol_MemberOfWrongType_ReturnsSerializationException()
    {
        var (response, body) = await server.LogsAsync("CreateLogGroup", """{"logGroupName":42}""");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("SerializationException", body!["__type"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("GET", "/no/such/path")]
    [InlineData("POST", "/2015-03-31/nothing-here")]
    public async Task Rest_UnknownPath_Returns404AwsShaped(string method, string path)
    {
        var (response, body) = await server.SendAsync(NimbusServerFixture.Request(new HttpMethod(method), path));

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("UnknownOperationException", response.Headers.GetValues("x-amzn-ErrorType").Single());
        Assert.Equal("User", body!["Type"]!.GetValue<string>());
        Assert.Equal($"Nimbus has no operation for {method} {path}", body["message"]!.GetValue<string>());
    }

    [Fact]
    public async Task QueryProtocol_UnsignedFormPostToRoot_GoesToTheServiceWithThatAction()
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/")
        {
            Content = new FormUrlEncodedContent(new Dictionary<string, string> { ["Action"] = "ListQueues", ["Version"] = "2012-11-05" }),
        };

        using var response = await server.Http.SendAsync(request);
        var body = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("<ListQueuesResponse", body, StringComparison.Ordinal);
    }
}
