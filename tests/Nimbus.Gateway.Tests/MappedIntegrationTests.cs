using System.Text;
using System.Text.Json.Nodes;
using Nimbus.Core.Functions;
using Nimbus.Gateway.Management;
using Nimbus.Gateway.Mapping;
using Nimbus.Gateway.Serving;

namespace Nimbus.Gateway.Tests;

/// <summary>REST API non-proxy integrations, request validation and gateway responses, served through <see cref="InvokeDispatcher"/>.</summary>
public sealed class MappedIntegrationTests
{
    private sealed class FakeInvoker(Func<FunctionInvocation, FunctionInvocationResult> answer) : IFunctionInvoker
    {
        public List<FunctionInvocation> Calls { get; } = [];

        public ValueTask<FunctionInvocationResult> InvokeAsync(FunctionInvocation invocation, CancellationToken cancellationToken = default)
        {
            Calls.Add(invocation);
            return ValueTask.FromResult(answer(invocation));
        }
    }

    private const string LambdaUri = "arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/arn:aws:lambda:us-east-1:123456789012:function:calc/invocations";

    /// <summary>A REST API with one resource <c>/items/{id}</c> whose POST method has the given definition, deployed to <c>prod</c>.</summary>
    private static ApiEntry RestApi(JsonObject method, JsonObject? extras = null)
    {
        var resources = new JsonObject
        {
            ["root"] = new JsonObject { ["id"] = "root", ["path"] = "/" },
            ["items"] = new JsonObject { ["id"] = "items", ["parentId"] = "root", ["pathPart"] = "items", ["path"] = "/items" },
            ["item"] = new JsonObject
            {
                ["id"] = "item", ["parentId"] = "items", ["pathPart"] = "{id}", ["path"] = "/items/{id}",
                ["resourceMethods"] = new JsonObject { ["POST"] = method },
            },
        };
        var doc = new JsonObject { ["api"] = new JsonObject { ["name"] = "t" }, ["resources"] = resources };
        foreach (var (k, v) in extras ?? [])
        {
            doc[k] = v?.DeepClone();
        }

        var snapshot = new JsonObject { ["resources"] = resources.DeepClone() };
        RestApiSettings.Capture(doc, snapshot);
        doc["snapshots"] = new JsonObject { ["d1"] = snapshot };
        doc["stages"] = new JsonObject { ["prod"] = new JsonObject { ["stageName"] = "prod", ["deploymentId"] = "d1", ["variables"] = new JsonObject { ["env"] = "production" } } };
        return StageCompiler.Publish(new ApiEntry("abc123defg", ApiKind.Rest, "123456789012", "us-east-1", doc));
    }

    private static GatewayRequest Post(string path, string body, string? contentType = "application/json", string query = "", params (string, string)[] headers)
    {
        List<KeyValuePair<string, string>> all = [new("Host", "abc123defg.execute-api.localhost")];
        if (contentType is not null)
        {
            all.Add(new("Content-Type", contentType));
        }

        all.AddRange(headers.Select(h => new KeyValuePair<string, string>(h.Item1, h.Item2)));
        return new GatewayRequest("POST", path, query, all, Encoding.UTF8.GetBytes(body), "10.0.0.1", "HTTP/1.1", "abc123defg.execute-api.localhost", 4566);
    }

    private static InvokeDispatcher Dispatcher(IFunctionInvoker? invoker = null) =>
        new(invoker ?? new FakeInvoker(_ => throw new InvalidOperationException("no call expected")), new HttpProxyForwarder(new HttpClient()), TimeProvider.System);

    private static string Text(GatewayResponse r) => Encoding.UTF8.GetString(r.Body);

    private static JsonObject Mock(JsonObject? requestTemplates, JsonObject integrationResponses, string passthrough = "WHEN_NO_MATCH") => new()
    {
        ["httpMethod"] = "POST",
        ["authorizationType"] = "NONE",
        ["methodIntegration"] = new JsonObject
        {
            ["type"] = "MOCK",
            ["passthroughBehavior"] = passthrough,
            ["requestTemplates"] = requestTemplates,
            ["integrationResponses"] = integrationResponses,
        },
    };

    [Fact]
    public async Task Mock_RequestTemplateChoosesStatus_ResponseTemplateRendersVtl()
    {
        var method = Mock(
            new JsonObject { ["application/json"] = "#if($input.path('$.fail'))\n{\"statusCode\": 400}\n#else\n{\"statusCode\": 200}\n#end" },
            new JsonObject
            {
                ["200"] = new JsonObject
                {
                    ["statusCode"] = "200",
                    ["responseTemplates"] = new JsonObject { ["application/json"] = "{\"id\": \"$input.params('id')\", \"stage\": \"$context.stage\", \"env\": \"$stageVariables.env\", \"q\": \"$input.params('q')\"}" },
                    ["responseParameters"] = new JsonObject { ["method.response.header.X-Static"] = "'yes'", ["method.response.header.X-Id"] = "method.request.path.id" },
                },
                ["400"] = new JsonObject { ["statusCode"] = "400", ["selectionPattern"] = "4\\d{2}", ["responseTemplates"] = new JsonObject { ["application/json"] = "{\"error\": \"bad\"}" } },
            });
        var api = RestApi(method);

        var ok = await Dispatcher().DispatchAsync(api, Post("/prod/items/42", "{}", query: "q=x"), default);
        Assert.Equal(200, ok.StatusCode);
        Assert.Equal("{\"id\": \"42\", \"stage\": \"prod\", \"env\": \"production\", \"q\": \"x\"}", Text(ok));
        Assert.Equal("yes", ok.Header("X-Static"));
        Assert.Equal("42", ok.Header("X-Id"));
        Assert.Equal("application/json", ok.Header("Content-Type"));

        var bad = await Dispatcher().DispatchAsync(api, Post("/prod/items/42", "{\"fail\": true}"), default);
        Assert.Equal(400, bad.StatusCode);
        Assert.Equal("{\"error\": \"bad\"}", Text(bad));
    }

    [Theory]
    [InlineData("WHEN_NO_MATCH", "text/plain", 200)]
    [InlineData("WHEN_NO_TEMPLATES", "text/plain", 415)]
    [InlineData("NEVER", "text/plain", 415)]
    [InlineData("NEVER", "application/json", 200)]
    [InlineData("WHEN_NO_TEMPLATES", null, 200)]
    public async Task PassthroughBehavior_DecidesUnmatchedContentTypes(string behavior, string? contentType, int expected)
    {
        var method = Mock(
            new JsonObject { ["application/json"] = "{\"statusCode\": 200}" },
            new JsonObject { ["200"] = new JsonObject { ["statusCode"] = "200" } },
            behavior);
        var response = await Dispatcher().DispatchAsync(RestApi(method), Post("/prod/items/1", "hello", contentType), default);
        Assert.Equal(expected, response.StatusCode);
        if (expected == 415)
        {
            Assert.Equal("{\"message\":\"Unsupported Media Type\"}", Text(response));
        }
    }

    [Fact]
    public async Task Mock_WithoutMatchingIntegrationResponse_Is500()
    {
        var method = Mock(new JsonObject { ["application/json"] = "{\"statusCode\": 200}" }, []);
        var response = await Dispatcher().DispatchAsync(RestApi(method), Post("/prod/items/1", "{}"), default);
        Assert.Equal(500, response.StatusCode);
        Assert.Equal("{\"message\": \"Internal server error\"}", Text(response));
    }

    private static JsonObject LambdaMethod(JsonObject? requestParameters = null) => new()
    {
        ["httpMethod"] = "POST",
        ["authorizationType"] = "NONE",
        ["methodIntegration"] = new JsonObject
        {
            ["type"] = "AWS",
            ["httpMethod"] = "POST",
            ["uri"] = LambdaUri,
            ["passthroughBehavior"] = "WHEN_NO_TEMPLATES",
            ["requestParameters"] = requestParameters,
            ["requestTemplates"] = new JsonObject
            {
                ["application/json"] = "{\"a\": $input.json('$.a'), \"b\": $input.json('$.b'), \"op\": \"$input.params('op')\", \"id\": \"$input.params('id')\"}",
            },
            ["integrationResponses"] = new JsonObject
            {
                ["200"] = new JsonObject
                {
                    ["statusCode"] = "200",
                    ["responseTemplates"] = new JsonObject { ["application/json"] = "#set($r = $input.path('$'))\n{\"sum\": $r.result, \"n\": $r.items.size()}" },
                },
                ["400"] = new JsonObject
                {
                    ["statusCode"] = "400",
                    ["selectionPattern"] = "Invalid.*",
                    ["responseTemplates"] = new JsonObject { ["application/json"] = "{\"error\": \"$util.escapeJavaScript($input.path('$.errorMessage'))\"}" },
                    ["responseParameters"] = new JsonObject { ["method.response.header.X-Error-Type"] = "integration.response.body.errorType" },
                },
            },
        },
    };

    [Fact]
    public async Task LambdaNonProxy_MapsRequestAndResponse()
    {
        var invoker = new FakeInvoker(_ => new FunctionInvocationResult(200, "{\"result\": 7, \"items\": [1,2,3]}"u8.ToArray(), null, "$LATEST", null));
        var response = await Dispatcher(invoker).DispatchAsync(RestApi(LambdaMethod()), Post("/prod/items/9", "{\"a\": 3, \"b\": 4}", query: "op=add"), default);

        Assert.Equal(200, response.StatusCode);
        Assert.Equal("{\"sum\": 7, \"n\": 3}", Text(response));
        var call = Assert.Single(invoker.Calls);
        Assert.Equal("arn:aws:lambda:us-east-1:123456789012:function:calc", call.FunctionName);
        Assert.Equal(InvocationType.RequestResponse, call.Type);
        Assert.Equal("{\"a\": 3, \"b\": 4, \"op\": \"add\", \"id\": \"9\"}", Encoding.UTF8.GetString(call.Payload.Span));
    }

    [Fact]
    public async Task LambdaNonProxy_FunctionErrorSelectedByErrorMessage()
    {
        var invoker = new FakeInvoker(_ => new FunctionInvocationResult(200, "{\"errorMessage\":\"Invalid \\\"op\\\"\",\"errorType\":\"Error\",\"stackTrace\":[]}"u8.ToArray(), "Unhandled", "$LATEST", null));
        var response = await Dispatcher(invoker).DispatchAsync(RestApi(LambdaMethod()), Post("/prod/items/9", "{\"a\": 1, \"b\": 2}"), default);

        Assert.Equal(400, response.StatusCode);
        Assert.Equal("{\"error\": \"Invalid \\\"op\\\"\"}", Text(response));
        Assert.Equal("Error", response.Header("X-Error-Type"));
    }

    [Fact]
    public async Task LambdaNonProxy_UnmatchedErrorFallsToDefaultResponse()
    {
        var invoker = new FakeInvoker(_ => new FunctionInvocationResult(200, "{\"errorMessage\":\"boom\",\"errorType\":\"Error\"}"u8.ToArray(), "Unhandled", "$LATEST", null));
        var response = await Dispatcher(invoker).DispatchAsync(RestApi(LambdaMethod()), Post("/prod/items/9", "{}"), default);

        // The default (200) response takes the error, as on AWS.
        Assert.Equal(200, response.StatusCode);
    }

    [Fact]
    public async Task LambdaNonProxy_EventInvocationByMappedHeader()
    {
        var invoker = new FakeInvoker(_ => new FunctionInvocationResult(202, ReadOnlyMemory<byte>.Empty, null, null, null));
        var method = LambdaMethod(new JsonObject { ["integration.request.header.X-Amz-Invocation-Type"] = "'Event'" });
        var response = await Dispatcher(invoker).DispatchAsync(RestApi(method), Post("/prod/items/9", "{}"), default);
        Assert.Equal(InvocationType.Event, Assert.Single(invoker.Calls).Type);
        Assert.Equal(200, response.StatusCode);
    }

    [Fact]
    public async Task InvalidJsonBody_Is400CouldNotParse()
    {
        var invoker = new FakeInvoker(_ => throw new InvalidOperationException());
        var response = await Dispatcher(invoker).DispatchAsync(RestApi(LambdaMethod()), Post("/prod/items/9", "{nope"), default);
        Assert.Equal(400, response.StatusCode);
        Assert.StartsWith("{\"message\":\"Could not parse request body into json:", Text(response), StringComparison.Ordinal);
        Assert.Empty(invoker.Calls);
    }

    // ---- validation ----

    private const string PetSchema = """
        {"$schema":"http://json-schema.org/draft-04/schema#","type":"object","required":["name","price"],
         "properties":{"name":{"type":"string","minLength":1},"price":{"type":"number","minimum":0},"tags":{"type":"array","items":{"type":"string"}}}}
        """;

    private static ApiEntry ValidatedApi(string validator = "v1")
    {
        var method = Mock(
            new JsonObject { ["application/json"] = "{\"statusCode\": 200}" },
            new JsonObject { ["200"] = new JsonObject { ["statusCode"] = "200", ["responseTemplates"] = new JsonObject { ["application/json"] = "{\"ok\": true}" } } });
        method["requestValidatorId"] = validator;
        method["requestParameters"] = new JsonObject { ["method.request.querystring.q"] = true, ["method.request.header.X-Key"] = true, ["method.request.querystring.opt"] = false };
        method["requestModels"] = new JsonObject { ["application/json"] = "Pet" };
        return RestApi(method, new JsonObject
        {
            ["models"] = new JsonObject { ["Pet"] = new JsonObject { ["name"] = "Pet", ["contentType"] = "application/json", ["schema"] = PetSchema } },
            ["requestValidators"] = new JsonObject
            {
                ["v1"] = new JsonObject { ["id"] = "v1", ["name"] = "all", ["validateRequestBody"] = true, ["validateRequestParameters"] = true },
                ["v2"] = new JsonObject { ["id"] = "v2", ["name"] = "body", ["validateRequestBody"] = true, ["validateRequestParameters"] = false },
            },
            ["gatewayResponses"] = new JsonObject
            {
                ["BAD_REQUEST_BODY"] = new JsonObject
                {
                    ["responseType"] = "BAD_REQUEST_BODY",
                    ["statusCode"] = "422",
                    ["responseTemplates"] = new JsonObject { ["application/json"] = "{\"message\": $context.error.messageString, \"details\": \"$context.error.validationErrorString\"}" },
                    ["responseParameters"] = new JsonObject { ["gatewayresponse.header.X-Why"] = "'validation'" },
                },
            },
        });
    }

    [Fact]
    public async Task Validator_MissingParameters_Is400WithTheirNames()
    {
        var response = await Dispatcher().DispatchAsync(ValidatedApi(), Post("/prod/items/1", "{\"name\":\"x\",\"price\":1}"), default);
        Assert.Equal(400, response.StatusCode);
        Assert.Equal("{\"message\":\"Missing required request parameters: [q, X-Key]\"}", Text(response));
    }

    [Fact]
    public async Task Validator_ValidRequest_ReachesTheIntegration()
    {
        var response = await Dispatcher().DispatchAsync(ValidatedApi(), Post("/prod/items/1", "{\"name\":\"x\",\"price\":1,\"tags\":[\"a\"]}", query: "q=1", headers: ("X-Key", "k")), default);
        Assert.Equal(200, response.StatusCode);
        Assert.Equal("{\"ok\": true}", Text(response));
    }

    [Fact]
    public async Task Validator_InvalidBody_UsesTheCustomisedGatewayResponse()
    {
        var response = await Dispatcher().DispatchAsync(ValidatedApi("v2"), Post("/prod/items/1", "{\"price\":-1}"), default);
        Assert.Equal(422, response.StatusCode);
        Assert.Equal("validation", response.Header("X-Why"));
        var body = JsonNode.Parse(Text(response))!;
        Assert.Equal("Invalid request body", body["message"]!.GetValue<string>());
        Assert.Contains("object has missing required properties ([\"name\"])", body["details"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Contains("numeric instance is lower than the required minimum (minimum: 0, found: -1)", body["details"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task GatewayResponses_Default4xxCustomisesMissingAuthenticationToken()
    {
        var api = RestApi(Mock(null, new JsonObject { ["200"] = new JsonObject { ["statusCode"] = "200" } }), new JsonObject
        {
            ["gatewayResponses"] = new JsonObject
            {
                ["DEFAULT_4XX"] = new JsonObject
                {
                    ["responseType"] = "DEFAULT_4XX",
                    ["responseParameters"] = new JsonObject { ["gatewayresponse.header.Access-Control-Allow-Origin"] = "'*'", ["gatewayresponse.header.X-Req"] = "method.request.header.X-Trace" },
                    ["responseTemplates"] = new JsonObject { ["application/json"] = "{\"error\":{\"type\":\"$context.error.responseType\",\"text\":$context.error.messageString}}" },
                },
            },
        });
        var response = await Dispatcher().DispatchAsync(api, Post("/prod/nowhere", "", headers: ("X-Trace", "t-1")), default);
        Assert.Equal(403, response.StatusCode);
        Assert.Equal("*", response.Header("Access-Control-Allow-Origin"));
        Assert.Equal("t-1", response.Header("X-Req"));
        Assert.Equal("{\"error\":{\"type\":\"MISSING_AUTHENTICATION_TOKEN\",\"text\":\"Missing Authentication Token\"}}", Text(response));
    }

    [Fact]
    public async Task ContentHandling_ConvertToBinary_DecodesTheResponse()
    {
        var method = Mock(
            new JsonObject { ["application/json"] = "{\"statusCode\": 200}" },
            new JsonObject
            {
                ["200"] = new JsonObject
                {
                    ["statusCode"] = "200",
                    ["contentHandling"] = "CONVERT_TO_BINARY",
                    ["responseTemplates"] = new JsonObject { ["image/png"] = "$util.base64Encode('PNG!')" },
                },
            });
        var response = await Dispatcher().DispatchAsync(RestApi(method), Post("/prod/items/1", "{}", headers: ("Accept", "image/png")), default);
        Assert.Equal(200, response.StatusCode);
        Assert.Equal("image/png", response.Header("Content-Type"));
        Assert.Equal("PNG!", Text(response));
    }

    [Fact]
    public void Respond_DefaultBodiesAndStatuses()
    {
        var throttled = GatewayErrors.Respond("THROTTLED");
        Assert.Equal(429, throttled.StatusCode);
        Assert.Equal("{\"message\":\"Too Many Requests\"}", Text(throttled));
        Assert.Equal("THROTTLED", throttled.ErrorType);
        Assert.Equal(401, GatewayErrors.Respond("UNAUTHORIZED").StatusCode);
        Assert.Equal("{\"message\": \"Endpoint request timed out\"}", Text(GatewayErrors.Respond("INTEGRATION_TIMEOUT")));
        Assert.Equal("{\"message\":\"Limit Exceeded\"}", Text(GatewayErrors.Respond("QUOTA_EXCEEDED")));
    }

    [Fact]
    public async Task UncustomisedErrors_KeepTheirBytes()
    {
        var response = await Dispatcher().DispatchAsync(RestApi(Mock(null, [])), Post("/prod/nowhere", ""), default);
        Assert.Equal(403, response.StatusCode);
        Assert.Equal("{\"message\":\"Missing Authentication Token\"}", Text(response));
    }
}

/// <summary>REST stage canaries: a share of requests served by the canary deployment with overridden stage variables.</summary>
public sealed class StageCanaryTests
{
    private static JsonObject Resources(string answer) => new()
    {
        ["root"] = new JsonObject
        {
            ["id"] = "root", ["path"] = "/",
            ["resourceMethods"] = new JsonObject
            {
                ["GET"] = new JsonObject
                {
                    ["httpMethod"] = "GET",
                    ["methodIntegration"] = new JsonObject
                    {
                        ["type"] = "MOCK",
                        ["requestTemplates"] = new JsonObject { ["application/json"] = "{\"statusCode\": 200}" },
                        ["integrationResponses"] = new JsonObject
                        {
                            ["200"] = new JsonObject { ["statusCode"] = "200", ["responseTemplates"] = new JsonObject { ["application/json"] = answer + ":$stageVariables.color" } },
                        },
                    },
                },
            },
        },
    };

    private static ApiEntry Api(double percent)
    {
        var doc = new JsonObject
        {
            ["api"] = new JsonObject { ["name"] = "t" },
            ["snapshots"] = new JsonObject { ["d1"] = new JsonObject { ["resources"] = Resources("stable") }, ["d2"] = new JsonObject { ["resources"] = Resources("canary") } },
            ["stages"] = new JsonObject
            {
                ["prod"] = new JsonObject
                {
                    ["stageName"] = "prod", ["deploymentId"] = "d1", ["variables"] = new JsonObject { ["color"] = "blue" },
                    ["canarySettings"] = new JsonObject { ["deploymentId"] = "d2", ["percentTraffic"] = percent, ["stageVariableOverrides"] = new JsonObject { ["color"] = "green" } },
                },
            },
        };
        return StageCompiler.Publish(new ApiEntry("abc123defg", ApiKind.Rest, "123456789012", "us-east-1", doc));
    }

    private static async Task<string> Call(ApiEntry api)
    {
        var dispatcher = new InvokeDispatcher(new NoInvoker(), new HttpProxyForwarder(new HttpClient()), TimeProvider.System);
        var r = await dispatcher.DispatchAsync(api, new GatewayRequest("GET", "/prod/", "", [], ReadOnlyMemory<byte>.Empty, "1.1.1.1", "HTTP/1.1", "abc123defg.execute-api.localhost", 4566), default);
        return Encoding.UTF8.GetString(r.Body);
    }

    private sealed class NoInvoker : IFunctionInvoker
    {
        public ValueTask<FunctionInvocationResult> InvokeAsync(FunctionInvocation invocation, CancellationToken cancellationToken = default) => throw new InvalidOperationException();
    }

    [Fact]
    public async Task Canary_AllOrNothing()
    {
        Assert.Equal("canary:green", await Call(Api(100)));
        Assert.Equal("stable:blue", await Call(Api(0)));
    }

    [Fact]
    public async Task Canary_SplitsTraffic()
    {
        var api = Api(50);
        var answers = new List<string>();
        for (var i = 0; i < 200; i++)
        {
            answers.Add(await Call(api));
        }

        Assert.InRange(answers.Count(a => a == "canary:green"), 50, 150);
        Assert.Equal(200, answers.Count(a => a is "canary:green" or "stable:blue"));
    }
}
