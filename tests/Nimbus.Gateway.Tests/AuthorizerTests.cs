using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Nimbus.Gateway.Protection;
using static Nimbus.Gateway.Tests.ProtectionHarness;

namespace Nimbus.Gateway.Tests;

public sealed class AuthorizerTests : IDisposable
{
    private readonly ProtectionHarness _h = new();

    public void Dispose() => _h.Dispose();

    private static string Policy(string effect, string resource, string principal = "user-1", string context = "{\"tier\":\"gold\",\"n\":3,\"ok\":true}") =>
        $"{{\"principalId\":\"{principal}\",\"policyDocument\":{{\"Version\":\"2012-10-17\",\"Statement\":[{{\"Action\":\"execute-api:Invoke\",\"Effect\":\"{effect}\",\"Resource\":\"{resource}\"}}]}},\"context\":{context}}}";

    private static JsonObject TokenAuthorizer(int ttl = 300, string? validation = null) => new()
    {
        ["auth1"] = new JsonObject
        {
            ["id"] = "auth1", ["name"] = "tok", ["type"] = "TOKEN", ["identitySource"] = "method.request.header.Authorization",
            ["authorizerUri"] = "arn:aws:apigateway:eu-west-1:lambda:path/2015-03-31/functions/arn:aws:lambda:eu-west-1:123456789012:function:authz/invocations",
            ["authorizerResultTtlInSeconds"] = ttl, ["identityValidationExpression"] = validation,
        },
    };

    private static JsonObject Custom(string authorizerId = "auth1") => new() { ["authorizationType"] = "CUSTOM", ["authorizerId"] = authorizerId };

    [Theory]
    [InlineData("arn:aws:execute-api:eu-west-1:1:api/prod/GET/items/7", "arn:aws:execute-api:eu-west-1:1:api/prod/GET/items/7", true)]
    [InlineData("arn:aws:execute-api:eu-west-1:1:api/*/GET/*", "arn:aws:execute-api:eu-west-1:1:api/prod/GET/items/7", true)]
    [InlineData("arn:aws:execute-api:eu-west-1:1:api/prod/POST/*", "arn:aws:execute-api:eu-west-1:1:api/prod/GET/items/7", false)]
    [InlineData("arn:aws:execute-api:eu-west-1:1:api/prod/GET/items/?", "arn:aws:execute-api:eu-west-1:1:api/prod/GET/items/7", true)]
    [InlineData("*", "arn:aws:execute-api:eu-west-1:1:api/prod/GET/", true)]
    public void Policy_ResourceWildcards(string pattern, string arn, bool allowed)
    {
        var policy = JsonNode.Parse($"{{\"Statement\":[{{\"Action\":[\"execute-api:Invoke\"],\"Effect\":\"Allow\",\"Resource\":[\"{pattern}\"]}}]}}");
        Assert.Equal(allowed ? PolicyEvaluator.Decision.Allow : PolicyEvaluator.Decision.ImplicitDeny, PolicyEvaluator.Evaluate(policy, arn));
    }

    [Fact]
    public void Policy_ExplicitDenyWins_AndMalformedThrows()
    {
        var policy = JsonNode.Parse("""{"Statement":[{"Action":"*","Effect":"Allow","Resource":"*"},{"Action":"execute-api:*","Effect":"Deny","Resource":"arn:*/DELETE/*"}]}""");
        Assert.Equal(PolicyEvaluator.Decision.ExplicitDeny, PolicyEvaluator.Evaluate(policy, "arn:x/prod/DELETE/items"));
        Assert.Equal(PolicyEvaluator.Decision.Allow, PolicyEvaluator.Evaluate(policy, "arn:x/prod/GET/items"));
        Assert.Throws<FormatException>(() => PolicyEvaluator.Evaluate(JsonNode.Parse("{\"Version\":\"2012-10-17\"}"), "arn"));
    }

    [Fact]
    public async Task Token_MissingHeader_Is401WithoutCallingTheAuthorizer()
    {
        var api = RestApi(Custom(), TokenAuthorizer());
        var r = await _h.Dispatcher.DispatchAsync(api, Request("GET", "/prod/items/7"), default);

        Assert.Equal(401, r.StatusCode);
        Assert.Equal("{\"message\":\"Unauthorized\"}", Body(r));
        Assert.Equal("UnauthorizedException", r.Header("x-amzn-ErrorType"));
        Assert.Empty(_h.Invoker.Calls);
    }

    [Fact]
    public async Task Token_Allow_PassesPrincipalAndContextToTheIntegration_AndCaches()
    {
        _h.Invoker.Answers["arn:aws:lambda:eu-west-1:123456789012:function:authz"] = ev =>
        {
            Assert.Equal("TOKEN", ev["type"]!.GetValue<string>());
            Assert.Equal("Bearer abc", ev["authorizationToken"]!.GetValue<string>());
            Assert.StartsWith("arn:aws:execute-api:eu-west-1:123456789012:restapi001/prod/GET/items/", ev["methodArn"]!.GetValue<string>(), StringComparison.Ordinal);
            return Policy("Allow", "arn:aws:execute-api:eu-west-1:123456789012:restapi001/prod/GET/items/*");
        };
        var api = RestApi(Custom(), TokenAuthorizer());

        var r = await _h.Dispatcher.DispatchAsync(api, Request("GET", "/prod/items/7", ("Authorization", "Bearer abc")), default);
        Assert.Equal(200, r.StatusCode);
        var authorizer = _h.LastBackendEvent()["requestContext"]!["authorizer"]!;
        Assert.Equal("user-1", authorizer["principalId"]!.GetValue<string>());
        Assert.Equal("gold", authorizer["tier"]!.GetValue<string>());
        Assert.Equal(3, authorizer["n"]!.GetValue<int>());
        Assert.True(authorizer["ok"]!.GetValue<bool>());
        Assert.NotNull(authorizer["integrationLatency"]);

        // Same token: the cached policy is used (and evaluated against the new ARN).
        Assert.Equal(200, (await _h.Dispatcher.DispatchAsync(api, Request("GET", "/prod/items/8", ("Authorization", "Bearer abc")), default)).StatusCode);
        var denied = await _h.Dispatcher.DispatchAsync(api, Request("POST", "/prod/items/8", ("Authorization", "Bearer abc")), default);
        Assert.Equal(403, denied.StatusCode);
        Assert.Equal("{\"message\":\"User is not authorized to access this resource\"}", Body(denied));
        Assert.Equal("AccessDeniedException", denied.Header("x-amzn-ErrorType"));
        Assert.Equal(1, _h.Calls("arn:aws:lambda:eu-west-1:123456789012:function:authz"));

        // A flush forgets the cached result.
        _h.AuthorizerCache.Flush("restapi001", "prod");
        await _h.Dispatcher.DispatchAsync(api, Request("GET", "/prod/items/8", ("Authorization", "Bearer abc")), default);
        Assert.Equal(2, _h.Calls("arn:aws:lambda:eu-west-1:123456789012:function:authz"));
    }

    [Fact]
    public async Task Token_ExplicitDeny_IsTheCapitalMessage_AndTtlZeroCallsEveryTime()
    {
        _h.Invoker.Answers["arn:aws:lambda:eu-west-1:123456789012:function:authz"] = _ => Policy("Deny", "*");
        var api = RestApi(Custom(), TokenAuthorizer(ttl: 0));
        for (var i = 0; i < 2; i++)
        {
            var r = await _h.Dispatcher.DispatchAsync(api, Request("GET", "/prod/items/7", ("Authorization", "t")), default);
            Assert.Equal(403, r.StatusCode);
            Assert.Equal("{\"Message\":\"User is not authorized to access this resource with an explicit deny\"}", Body(r));
        }

        Assert.Equal(2, _h.Calls("arn:aws:lambda:eu-west-1:123456789012:function:authz"));
        Assert.Equal(0, _h.Calls("backend"));
    }

    [Fact]
    public async Task Token_ValidationExpression_AndUnauthorizedError_Are401()
    {
        _h.Invoker.Answers["arn:aws:lambda:eu-west-1:123456789012:function:authz"] = _ => "{\"errorMessage\":\"Unauthorized\",\"errorType\":\"Error\"}";
        _h.Invoker.Failing.Add("arn:aws:lambda:eu-west-1:123456789012:function:authz");
        var api = RestApi(Custom(), TokenAuthorizer(validation: "^Bearer [a-z]+$"));

        Assert.Equal(401, (await _h.Dispatcher.DispatchAsync(api, Request("GET", "/prod/items/7", ("Authorization", "Basic 123")), default)).StatusCode);
        Assert.Empty(_h.Invoker.Calls);
        Assert.Equal(401, (await _h.Dispatcher.DispatchAsync(api, Request("GET", "/prod/items/7", ("Authorization", "Bearer abc")), default)).StatusCode);
        Assert.Single(_h.Invoker.Calls);
    }

    [Fact]
    public async Task Authorizer_OtherFailure_Is500AuthorizerConfiguration()
    {
        _h.Invoker.Answers["arn:aws:lambda:eu-west-1:123456789012:function:authz"] = _ => "{\"principalId\":\"x\"}";
        var r = await _h.Dispatcher.DispatchAsync(RestApi(Custom(), TokenAuthorizer()), Request("GET", "/prod/items/7", ("Authorization", "t")), default);
        Assert.Equal(500, r.StatusCode);
        Assert.Equal("AuthorizerConfigurationException", r.Header("x-amzn-ErrorType"));
    }

    [Fact]
    public async Task Request_Authorizer_GetsTheRequestEvent_AndNeedsEveryIdentitySource()
    {
        var authorizers = new JsonObject
        {
            ["auth2"] = new JsonObject
            {
                ["id"] = "auth2", ["type"] = "REQUEST", ["identitySource"] = "method.request.header.X-Who, method.request.querystring.tenant",
                ["authorizerUri"] = "authz", ["authorizerResultTtlInSeconds"] = 300,
            },
        };
        JsonObject? seen = null;
        _h.Invoker.Answers["authz"] = ev =>
        {
            seen = ev;
            return Policy("Allow", "*", principal: ev["headers"]!["X-Who"]!.GetValue<string>());
        };
        var api = RestApi(Custom("auth2"), authorizers);

        Assert.Equal(401, (await _h.Dispatcher.DispatchAsync(api, Request("GET", "/prod/items/7", ("X-Who", "ann")), default)).StatusCode);
        var ok = await _h.Dispatcher.DispatchAsync(api, Request("GET", "/prod/items/7?tenant=t1", ("X-Who", "ann")), default);
        Assert.Equal(200, ok.StatusCode);
        Assert.Equal("REQUEST", seen!["type"]!.GetValue<string>());
        Assert.Equal("/items/{id}", seen["resource"]!.GetValue<string>());
        Assert.Equal("t1", seen["queryStringParameters"]!["tenant"]!.GetValue<string>());
        Assert.Equal("7", seen["pathParameters"]!["id"]!.GetValue<string>());
        Assert.Equal("1", seen["stageVariables"]!["v"]!.GetValue<string>());
        Assert.Equal("prod", seen["requestContext"]!["stage"]!.GetValue<string>());
        Assert.False(seen.ContainsKey("body"));
        Assert.Equal("ann", _h.LastBackendEvent()["requestContext"]!["authorizer"]!["principalId"]!.GetValue<string>());

        // Another identity value is another cache entry.
        await _h.Dispatcher.DispatchAsync(api, Request("GET", "/prod/items/7?tenant=t1", ("X-Who", "bob")), default);
        await _h.Dispatcher.DispatchAsync(api, Request("GET", "/prod/items/7?tenant=t1", ("X-Who", "ann")), default);
        Assert.Equal(2, _h.Calls("authz"));
    }

    private static JsonObject HttpLambdaAuthorizer(string version, bool simple) => new()
    {
        ["a1"] = new JsonObject
        {
            ["authorizerId"] = "a1", ["authorizerType"] = "REQUEST", ["authorizerUri"] = "authz", ["authorizerPayloadFormatVersion"] = version,
            ["enableSimpleResponses"] = simple, ["identitySource"] = new JsonArray("$request.header.Authorization"), ["authorizerResultTtlInSeconds"] = 0,
        },
    };

    [Fact]
    public async Task Http_SimpleResponses_AllowAndDeny()
    {
        _h.Invoker.Answers["authz"] = ev =>
        {
            Assert.Equal("2.0", ev["version"]!.GetValue<string>());
            Assert.Equal("REQUEST", ev["type"]!.GetValue<string>());
            Assert.Equal("arn:aws:execute-api:eu-west-1:123456789012:httpapi001/$default/GET/items/5", ev["routeArn"]!.GetValue<string>());
            var token = ev["identitySource"]![0]!.GetValue<string>();
            return $"{{\"isAuthorized\":{(token == "good" ? "true" : "false")},\"context\":{{\"user\":\"u1\",\"n\":1}}}}";
        };
        var api = HttpApi(new JsonObject { ["authorizationType"] = "CUSTOM", ["authorizerId"] = "a1" }, HttpLambdaAuthorizer("2.0", simple: true));

        var missing = await _h.Dispatcher.DispatchAsync(api, Request("GET", "/items/5"), default);
        Assert.Equal(401, missing.StatusCode);
        Assert.Equal("{\"message\":\"Unauthorized\"}", Body(missing));
        var denied = await _h.Dispatcher.DispatchAsync(api, Request("GET", "/items/5", ("Authorization", "bad")), default);
        Assert.Equal(403, denied.StatusCode);
        Assert.Equal("{\"message\":\"Forbidden\"}", Body(denied));
        var ok = await _h.Dispatcher.DispatchAsync(api, Request("GET", "/items/5", ("Authorization", "good")), default);
        Assert.Equal(200, ok.StatusCode);
        var lambda = _h.LastBackendEvent()["requestContext"]!["authorizer"]!["lambda"]!;
        Assert.Equal("u1", lambda["user"]!.GetValue<string>());
        Assert.Equal(1, lambda["n"]!.GetValue<int>());
    }

    [Fact]
    public async Task Http_Payload10_IamPolicyResponse()
    {
        _h.Invoker.Answers["authz"] = ev =>
        {
            Assert.Equal("1.0", ev["version"]!.GetValue<string>());
            Assert.Equal("tok", ev["authorizationToken"]!.GetValue<string>());
            Assert.Equal("tok", ev["identitySource"]!.GetValue<string>());
            return Policy("Allow", ev["methodArn"]!.GetValue<string>());
        };
        var api = HttpApi(new JsonObject { ["authorizationType"] = "CUSTOM", ["authorizerId"] = "a1" }, HttpLambdaAuthorizer("1.0", simple: false), version: "1.0");
        var ok = await _h.Dispatcher.DispatchAsync(api, Request("GET", "/items/5", ("Authorization", "tok")), default);
        Assert.Equal(200, ok.StatusCode);
        var lambda = _h.LastBackendEvent()["requestContext"]!["authorizer"]!["lambda"]!;
        Assert.Equal("gold", lambda["tier"]!.GetValue<string>());
        Assert.Equal("user-1", lambda["principalId"]!.GetValue<string>());
    }

    private sealed class Issuer : IDisposable
    {
        public Issuer()
        {
            Dir = Path.Combine(Path.GetTempPath(), "nimbus-jwks-" + Guid.NewGuid().ToString("N"));
            Directory.CreateDirectory(Dir);
            var p = Rsa.ExportParameters(false);
            var path = Path.Combine(Dir, "jwks.json");
            File.WriteAllText(path, new JsonObject
            {
                ["keys"] = new JsonArray(new JsonObject { ["kty"] = "RSA", ["kid"] = "k1", ["alg"] = "RS256", ["use"] = "sig", ["n"] = JwtValidator.ToBase64Url(p.Modulus!), ["e"] = JwtValidator.ToBase64Url(p.Exponent!) }),
            }.ToJsonString());
            Url = new Uri(path).AbsoluteUri;
        }

        public RSA Rsa { get; } = RSA.Create(2048);

        public string Dir { get; }

        public string Url { get; }

        public string Token(JsonObject claims, string kid = "k1")
        {
            var header = JwtValidator.ToBase64Url(Encoding.UTF8.GetBytes($"{{\"alg\":\"RS256\",\"typ\":\"JWT\",\"kid\":\"{kid}\"}}"));
            var body = JwtValidator.ToBase64Url(Encoding.UTF8.GetBytes(claims.ToJsonString()));
            var sig = Rsa.SignData(Encoding.ASCII.GetBytes(header + "." + body), HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
            return $"{header}.{body}.{JwtValidator.ToBase64Url(sig)}";
        }

        public void Dispose()
        {
            Rsa.Dispose();
            Directory.Delete(Dir, recursive: true);
        }
    }

    [Fact]
    public async Task Jwt_ValidatesSignatureIssuerAudienceExpiryAndScopes()
    {
        using var issuer = new Issuer();
        var authorizers = new JsonObject
        {
            ["j1"] = new JsonObject
            {
                ["authorizerId"] = "j1", ["authorizerType"] = "JWT", ["identitySource"] = new JsonArray("$request.header.Authorization"),
                ["jwtConfiguration"] = new JsonObject { ["issuer"] = issuer.Url, ["audience"] = new JsonArray("my-app") },
            },
        };
        var api = HttpApi(new JsonObject { ["authorizationType"] = "JWT", ["authorizerId"] = "j1", ["authorizationScopes"] = new JsonArray("read") }, authorizers);
        var exp = DateTimeOffset.UtcNow.AddHours(1).ToUnixTimeSeconds();
        JsonObject Claims(string aud = "my-app", long? expiry = null, string scope = "read write") =>
            new() { ["iss"] = issuer.Url, ["sub"] = "alice", ["aud"] = aud, ["exp"] = expiry ?? exp, ["scope"] = scope, ["groups"] = new JsonArray("a", "b") };

        var ok = await _h.Dispatcher.DispatchAsync(api, Request("GET", "/items/1", ("Authorization", "Bearer " + issuer.Token(Claims()))), default);
        Assert.Equal(200, ok.StatusCode);
        var jwt = _h.LastBackendEvent()["requestContext"]!["authorizer"]!["jwt"]!;
        Assert.Equal("alice", jwt["claims"]!["sub"]!.GetValue<string>());
        Assert.Equal(exp.ToString(System.Globalization.CultureInfo.InvariantCulture), jwt["claims"]!["exp"]!.GetValue<string>());
        Assert.Equal("[a b]", jwt["claims"]!["groups"]!.GetValue<string>());
        Assert.Equal(["read", "write"], jwt["scopes"]!.AsArray().Select(s => s!.GetValue<string>()));

        var expired = await _h.Dispatcher.DispatchAsync(api, Request("GET", "/items/1", ("Authorization", issuer.Token(Claims(expiry: 1000)))), default);
        Assert.Equal(401, expired.StatusCode);
        Assert.Contains("error=\"invalid_token\"", expired.Header("www-authenticate"), StringComparison.Ordinal);
        Assert.Contains("expired", expired.Header("www-authenticate"), StringComparison.Ordinal);
        Assert.Equal(401, (await _h.Dispatcher.DispatchAsync(api, Request("GET", "/items/1", ("Authorization", issuer.Token(Claims(aud: "other")))), default)).StatusCode);
        Assert.Equal(401, (await _h.Dispatcher.DispatchAsync(api, Request("GET", "/items/1", ("Authorization", issuer.Token(Claims(), kid: "nope"))), default)).StatusCode);
        var tampered = issuer.Token(Claims());
        tampered = tampered[..^4] + (tampered[^4] == 'A' ? "B" : "A") + tampered[^3..];
        Assert.Equal(401, (await _h.Dispatcher.DispatchAsync(api, Request("GET", "/items/1", ("Authorization", tampered)), default)).StatusCode);
        Assert.Equal(401, (await _h.Dispatcher.DispatchAsync(api, Request("GET", "/items/1"), default)).StatusCode);
        var noScope = await _h.Dispatcher.DispatchAsync(api, Request("GET", "/items/1", ("Authorization", issuer.Token(Claims(scope: "write")))), default);
        Assert.Equal(403, noScope.StatusCode);
        Assert.Contains("insufficient_scope", noScope.Header("www-authenticate"), StringComparison.Ordinal);
        Assert.Equal(1, _h.Calls("backend"));
    }

    /// <summary>Signs a GET the way SigV4 does (secret "test"), for the AWS_IAM tests.</summary>
    internal static (string Name, string Value)[] Sign(string path, string host, DateTime now, string accessKey = "AKIDEXAMPLE", string service = "execute-api")
    {
        var date = now.ToString("yyyyMMdd'T'HHmmss'Z'", System.Globalization.CultureInfo.InvariantCulture);
        var day = date[..8];
        var payloadHash = Convert.ToHexStringLower(SHA256.HashData([]));
        var canonical = $"GET\n{path}\n\nhost:{host}\nx-amz-date:{date}\n\nhost;x-amz-date\n{payloadHash}";
        var scope = $"{day}/eu-west-1/{service}/aws4_request";
        var toSign = $"AWS4-HMAC-SHA256\n{date}\n{scope}\n{Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(canonical)))}";
        var key = Encoding.UTF8.GetBytes("AWS4test");
        foreach (var part in (string[])[day, "eu-west-1", service, "aws4_request"])
        {
            key = HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(part));
        }

        var signature = Convert.ToHexStringLower(HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(toSign)));
        return [("X-Amz-Date", date), ("Authorization", $"AWS4-HMAC-SHA256 Credential={accessKey}/{scope}, SignedHeaders=host;x-amz-date, Signature={signature}")];
    }

    private static Serving.GatewayRequest Signed(string addressed, string stripped, (string, string)[] auth, string host = "x.execute-api.localhost")
    {
        var r = Request("GET", stripped, auth);
        return r with { Headers = [.. r.Headers.Where(h => h.Key != "Host"), new("Host", host)] };
    }

    [Fact]
    public async Task Iam_VerifiesTheSignature_AndFillsTheIdentity()
    {
        var api = RestApi(new JsonObject { ["authorizationType"] = "AWS_IAM" });
        var now = DateTime.UtcNow;

        var unsigned = await _h.Dispatcher.DispatchAsync(api, Request("GET", "/prod/items/7"), default);
        Assert.Equal(403, unsigned.StatusCode);
        Assert.Equal("{\"message\":\"Missing Authentication Token\"}", Body(unsigned));

        var ok = await _h.Dispatcher.DispatchAsync(api, Signed("/prod/items/7", "/prod/items/7", Sign("/prod/items/7", "x.execute-api.localhost", now, "111122223333")), default);
        Assert.Equal(200, ok.StatusCode);
        var identity = _h.LastBackendEvent()["requestContext"]!["identity"]!;
        Assert.Equal("111122223333", identity["accessKey"]!.GetValue<string>());
        Assert.Equal("111122223333", identity["accountId"]!.GetValue<string>());
        Assert.Equal("arn:aws:iam::111122223333:root", identity["userArn"]!.GetValue<string>());

        // Path form: the client signed /_api/{apiId}/prod/items/7 on host 127.0.0.1:4566.
        var pathForm = Signed("/_api/restapi001/prod/items/7", "/prod/items/7", Sign("/_api/restapi001/prod/items/7", "127.0.0.1:4566", now), host: "127.0.0.1:4566");
        Assert.Equal(200, (await _h.Dispatcher.DispatchAsync(api, pathForm, default)).StatusCode);

        var wrongPath = await _h.Dispatcher.DispatchAsync(api, Signed("/prod/items/7", "/prod/items/7", Sign("/prod/items/8", "x.execute-api.localhost", now)), default);
        Assert.Equal(403, wrongPath.StatusCode);
        Assert.Contains("signature we calculated does not match", Body(wrongPath), StringComparison.Ordinal);
        Assert.Equal("InvalidSignatureException", wrongPath.Header("x-amzn-ErrorType"));

        var stale = await _h.Dispatcher.DispatchAsync(api, Signed("/prod/items/7", "/prod/items/7", Sign("/prod/items/7", "x.execute-api.localhost", now.AddHours(-1))), default);
        Assert.Contains("Signature expired", Body(stale), StringComparison.Ordinal);
        var service = await _h.Dispatcher.DispatchAsync(api, Signed("/prod/items/7", "/prod/items/7", Sign("/prod/items/7", "x.execute-api.localhost", now, service: "lambda")), default);
        Assert.Contains("execute-api", Body(service), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Iam_HttpApiPayload20_WritesAuthorizerIam()
    {
        var api = HttpApi(new JsonObject { ["authorizationType"] = "AWS_IAM" });
        var ok = await _h.Dispatcher.DispatchAsync(api, Signed("/items/3", "/items/3", Sign("/items/3", "x.execute-api.localhost", DateTime.UtcNow, "AKIDEXAMPLE")), default);
        Assert.Equal(200, ok.StatusCode);
        var iam = _h.LastBackendEvent()["requestContext"]!["authorizer"]!["iam"]!;
        Assert.Equal("AKIDEXAMPLE", iam["accessKey"]!.GetValue<string>());
        Assert.Equal("000000000000", iam["accountId"]!.GetValue<string>());
        Assert.Equal(403, (await _h.Dispatcher.DispatchAsync(api, Request("GET", "/items/3"), default)).StatusCode);
    }
}
