using System.Collections.Frozen;
using System.Diagnostics;
using System.Text;
using System.Text.Json.Nodes;
using Nimbus.Gateway.Management;
using Nimbus.Gateway.Serving;

namespace Nimbus.Gateway.Protection;

/// <summary>TestInvokeAuthorizer: runs a REST API Lambda authorizer on a described request, without its cache.</summary>
internal sealed class AuthorizerTester(LambdaAuthorizers lambdas, TimeProvider time)
{
    public async Task<JsonObject> TestAsync(ApiEntry api, JsonObject authorizer, JsonObject body, CancellationToken cancellationToken)
    {
        var headers = new List<KeyValuePair<string, string>>();
        foreach (var (k, v) in body["headers"] as JsonObject ?? [])
        {
            headers.Add(new(k, v?.GetValue<string>() ?? ""));
        }

        foreach (var (k, v) in body["multiValueHeaders"] as JsonObject ?? [])
        {
            foreach (var item in v as JsonArray ?? [])
            {
                headers.Add(new(k, item?.GetValue<string>() ?? ""));
            }
        }

        var target = body["pathWithQueryString"]?.GetValue<string>() ?? "/";
        var q = target.IndexOf('?', StringComparison.Ordinal);
        var path = q < 0 ? target : target[..q];
        var query = q < 0 ? "" : target[(q + 1)..];
        var domain = $"{api.ApiId}.execute-api.localhost";
        var request = new GatewayRequest("GET", path.StartsWith('/') ? path : "/" + path, query, headers,
            Encoding.UTF8.GetBytes(body["body"]?.GetValue<string>() ?? ""), "127.0.0.1", "HTTP/1.1", domain, 443);
        var variables = (body["stageVariables"] as JsonObject ?? []).ToFrozenDictionary(kv => kv.Key, kv => kv.Value?.GetValue<string>() ?? "", StringComparer.Ordinal);
        var now = time.GetUtcNow();
        const string Stage = "test-invoke-stage";
        var ctx = new EventContext(api.Account, api.ApiId, Stage, "/" + Stage, request.RawPath, "test-invoke-resource", new Dictionary<string, string>(), variables,
            Core.Identity.RequestIds.New(), GatewayIds.Extended(), GatewayIds.TraceId(now.ToUnixTimeSeconds()), now);
        var methodArn = $"arn:aws:execute-api:{api.Region}:{api.Account}:{api.ApiId}/{Stage}/GET{request.RawPath}";
        var watch = Stopwatch.StartNew();
        var outcome = await lambdas.RestAsync(api, authorizer, request, ctx, methodArn, cancellationToken, useCache: false);
        var result = new JsonObject
        {
            ["clientStatus"] = outcome.Deny?.StatusCode ?? 200,
            ["log"] = $"Execution log for request {ctx.RequestId}\nEndpoint request URI: {authorizer["authorizerUri"]}\nMethod ARN: {methodArn}\n",
            ["latency"] = watch.ElapsedMilliseconds,
            ["authorization"] = new JsonObject(),
            ["claims"] = new JsonObject(),
        };
        if (outcome.Answer is { } answer)
        {
            result["principalId"] = answer.PrincipalId;
            result["policy"] = answer.Policy?.ToJsonString();
        }

        return result;
    }
}
