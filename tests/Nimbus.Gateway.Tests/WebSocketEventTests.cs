using System.Collections.Frozen;
using System.Text.Json.Nodes;
using Nimbus.Gateway.Serving;
using Nimbus.Gateway.WebSockets;

namespace Nimbus.Gateway.Tests;

/// <summary>The WebSocket events against AWS's recordings (Recorded/WebSocket, aws-lambda-go testdata, January 2024):
/// fed the recording's connection facts and ids, our MESSAGE and DISCONNECT events equal the recorded JSON exactly.</summary>
public sealed class WebSocketEventTests
{
    private static JsonNode Recorded(string file) =>
        JsonNode.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Recorded", "WebSocket", file)))!;

    private static WebSocketSession Session(string apiId, IReadOnlyDictionary<string, string>? variables = null) => new(
        "R1kmxc2VNjMCFIA=", apiId, "prod", "dl7ptocha9.execute-api.ap-northeast-1.amazonaws.com", "49.105.91.154",
        "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/118.0.0.0 Safari/537.36",
        variables ?? FrozenDictionary<string, string>.Empty, DateTimeOffset.FromUnixTimeMilliseconds(1705751697419));

    [Fact]
    public void Message_EqualsTheRecordedEvent()
    {
        var ids = new WebSocketEventIds("R1knPH17NjMFftw=", "R1knPc2ntjMCFIA=", "Root=1-x", DateTimeOffset.FromUnixTimeMilliseconds(1705751700453));
        var ours = JsonNode.Parse(WebSocketEvents.Message(Session("gy415nuibc"), "$default", "{\r\n\t\"a\": 1\r\n}", ids))!;

        var recorded = Recorded("apigw-websocket-request-send-message.json");
        Assert.True(JsonNode.DeepEquals(recorded, ours), $"ours:\n{ours}\nrecorded:\n{recorded}");
        Assert.Equal(Keys(recorded["requestContext"]!), Keys(ours["requestContext"]!));
    }

    [Fact]
    public void Disconnect_EqualsTheRecordedEvent()
    {
        var ids = new WebSocketEventIds("R1koeHsUtjMFbRw=", null, "Root=1-x", DateTimeOffset.FromUnixTimeMilliseconds(1705751708326));
        var ours = JsonNode.Parse(WebSocketEvents.Disconnect(Session("dl7ptocha9"), 1001, "", ids))!;

        var recorded = Recorded("apigw-websocket-request-disconnect.json");
        Assert.True(JsonNode.DeepEquals(recorded, ours), $"ours:\n{ours}\nrecorded:\n{recorded}");
        Assert.Equal(Keys(recorded["requestContext"]!), Keys(ours["requestContext"]!));
        Assert.Equal(Keys(recorded), Keys(ours));
    }

    [Fact]
    public void Connect_ForwardsHeadersAndQuery_WithoutHopByHopHeaders()
    {
        var request = new GatewayRequest(
            "GET", "/prod", "name=me&tag=a&tag=b",
            [new("Host", "abc.execute-api.localhost:4566"), new("Connection", "Upgrade"), new("Upgrade", "websocket"), new("Sec-WebSocket-Key", "k=="),
             new("Sec-WebSocket-Version", "13"), new("X-Forwarded-For", "1.2.3.4")],
            ReadOnlyMemory<byte>.Empty, "127.0.0.1", "HTTP/1.1", "abc.execute-api.localhost", 4566);
        var ids = new WebSocketEventIds("req=", null, "Root=1-abc", DateTimeOffset.FromUnixTimeMilliseconds(1705751697420));
        var ev = JsonNode.Parse(WebSocketEvents.Connect(Session("abc", new Dictionary<string, string> { ["v"] = "1" }), request, ids))!;

        var headers = ev["headers"]!.AsObject();
        Assert.False(headers.ContainsKey("Connection"));
        Assert.False(headers.ContainsKey("Upgrade"));
        Assert.Equal("k==", headers["Sec-WebSocket-Key"]!.GetValue<string>());
        Assert.Equal("Root=1-abc", headers["X-Amzn-Trace-Id"]!.GetValue<string>());
        Assert.Equal("1.2.3.4, 127.0.0.1", headers["X-Forwarded-For"]!.GetValue<string>());
        Assert.Equal("4566", headers["X-Forwarded-Port"]!.GetValue<string>());
        Assert.Equal("b", ev["queryStringParameters"]!["tag"]!.GetValue<string>());
        Assert.Equal(2, ev["multiValueQueryStringParameters"]!["tag"]!.AsArray().Count);
        Assert.Equal("CONNECT", ev["requestContext"]!["eventType"]!.GetValue<string>());
        Assert.Equal("$connect", ev["requestContext"]!["routeKey"]!.GetValue<string>());
        Assert.Null(ev["requestContext"]!["messageId"]);
        Assert.Equal("1", ev["stageVariables"]!["v"]!.GetValue<string>());
        Assert.False(ev["isBase64Encoded"]!.GetValue<bool>());
        Assert.Null(ev["body"]);
    }

    [Theory]
    [InlineData("$request.body.action", "{\"action\":\"send\"}", "send")]
    [InlineData("$request.body.action", "{\"other\":1}", null)]
    [InlineData("$request.body.action", "not json", null)]
    [InlineData("$request.body.action", "{\"action\":{\"x\":1}}", null)]
    [InlineData("$request.body.action", "{\"action\":42}", "42")]
    [InlineData("$request.body.message.type", "{\"message\":{\"type\":\"chat\"}}", "chat")]
    [InlineData("${request.body.service}/${request.body.action}", "{\"service\":\"a\",\"action\":\"b\"}", "a/b")]
    [InlineData("${request.body.service}/${request.body.action}", "{\"service\":\"a\"}", null)]
    [InlineData("static", "anything", "static")]
    public void RouteSelection_EvaluatesAsApiGateway(string expression, string body, string? expected) =>
        Assert.Equal(expected, RouteSelectionExpression.Parse(expression).Evaluate(body));

    [Theory]
    [InlineData("$request.body.action", true)]
    [InlineData("${request.body.a}-${request.body.b}", true)]
    [InlineData("", false)]
    [InlineData("$request.header.x", false)]
    public void RouteSelection_Validates(string expression, bool valid) =>
        Assert.Equal(valid, RouteSelectionExpression.IsValid(expression, out _));

    [Fact]
    public void RouteTable_SelectsTheKey_ElseDefault_NeverTheLifecycleRoutes()
    {
        var snapshot = new JsonObject
        {
            ["routes"] = new JsonObject
            {
                ["r1"] = new JsonObject { ["routeKey"] = "$connect" },
                ["r2"] = new JsonObject { ["routeKey"] = "send", ["routeResponseSelectionExpression"] = "$default" },
                ["r3"] = new JsonObject { ["routeKey"] = "$default", ["routeResponseSelectionExpression"] = "$default" },
            },
            ["routeResponses"] = new JsonObject { ["r2"] = new JsonObject { ["x"] = new JsonObject { ["routeResponseKey"] = "$default" } } },
        };
        var table = WebSocketRouteTable.Compile("$request.body.action", snapshot);

        Assert.Equal("send", table.Select("{\"action\":\"send\"}")!.RouteKey);
        Assert.Equal("$default", table.Select("{\"action\":\"$connect\"}")!.RouteKey);
        Assert.Equal("$default", table.Select("{\"action\":\"other\"}")!.RouteKey);
        Assert.True(table.Find("send")!.TwoWay);
        Assert.False(table.Find("$default")!.TwoWay);
        Assert.Null(WebSocketRouteTable.Compile("$request.body.action", new JsonObject { ["routes"] = new JsonObject() }).Select("{}"));
    }

    [Theory]
    [InlineData("{\"statusCode\":200,\"body\":\"hi\"}", 200, "hi")]
    [InlineData("{\"statusCode\":\"403\",\"body\":\"no\"}", 403, "no")]
    [InlineData("{\"statusCode\":200,\"body\":\"aGk=\",\"isBase64Encoded\":true}", 200, "hi")]
    [InlineData("{\"statusCode\":200}", 200, null)]
    [InlineData("\"bare\"", 200, "bare")]
    [InlineData("null", 200, null)]
    [InlineData("{\"a\":1}", 200, "{\"a\":1}")]
    public void ProxyResult_ReadsStatusAndBody(string payload, int status, string? body)
    {
        var result = WebSocketGateway.ProxyResult(System.Text.Encoding.UTF8.GetBytes(payload));
        Assert.Equal(status, result.Status);
        Assert.Equal(body, result.Body);
    }

    private static List<string> Keys(JsonNode node) => [.. node.AsObject().Select(kv => kv.Key)];
}
