using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Nimbus.Gateway.Protection;
using static Nimbus.Gateway.Management.JsonFields;
using static Nimbus.Gateway.Management.ManagementCall;

namespace Nimbus.Gateway.Management;

/// <summary>REST API authorizers (<c>/restapis/{id}/authorizers</c>), TestInvokeAuthorizer and the stage cache flushes.</summary>
/// <remarks>Authorizers are stored in the API's document under <c>authorizers</c> and take effect without a redeployment
/// (methods, which name them, are deployed as usual).</remarks>
internal static partial class RestApisApi
{
    private static readonly string[] AuthorizerFields =
    [
        "name", "type", "providerARNs", "authType", "authorizerUri", "authorizerCredentials", "identitySource",
        "identityValidationExpression", "authorizerResultTtlInSeconds",
    ];

    public static void MapProtection(IEndpointRouteBuilder app)
    {
        const string A = "/restapis/{restApiId}/authorizers";
        app.MapPost(A, Handle(CreateAuthorizer));
        app.MapGet(A, Handle(GetAuthorizers));
        app.MapGet(A + "/{authorizerId}", Handle(GetAuthorizer));
        app.MapPatch(A + "/{authorizerId}", Handle(UpdateAuthorizer));
        app.MapDelete(A + "/{authorizerId}", Handle(DeleteAuthorizer));
        app.MapPost(A + "/{authorizerId}", Handle(TestInvokeAuthorizer));
        app.MapDelete("/restapis/{restApiId}/stages/{stageName}/cache/authorizers", Handle(FlushStageAuthorizersCache));
        app.MapDelete("/restapis/{restApiId}/stages/{stageName}/cache/data", Handle(FlushStageCache));
    }

    private static async Task CreateAuthorizer(ManagementCall call)
    {
        var body = await call.BodyAsync();
        Required(body, "name");
        Required(body, "type");
        var authorizer = call.Store.Update(ApiId(call), ApiKind.Rest, call.Caller, doc =>
        {
            var id = GatewayIds.Child(6);
            var authorizer = new JsonObject { ["id"] = id };
            Copy(body, authorizer, AuthorizerFields);
            if (String(authorizer, "type") is "TOKEN" or "REQUEST" && authorizer["authorizerResultTtlInSeconds"] is null)
            {
                authorizer["authorizerResultTtlInSeconds"] = 300;
            }

            ValidateAuthorizer(authorizer);
            Section(doc, "authorizers")[id] = authorizer;
            return authorizer.DeepClone();
        });
        await call.JsonAsync(201, authorizer);
    }

    private static void ValidateAuthorizer(JsonObject a)
    {
        var type = String(a, "type");
        if (type is not ("TOKEN" or "REQUEST" or "COGNITO_USER_POOLS"))
        {
            throw GatewayErrors.BadRequest($"Invalid authorizer type {type}: valid values are TOKEN, REQUEST, COGNITO_USER_POOLS");
        }

        if (type == "COGNITO_USER_POOLS")
        {
            if (a["providerARNs"] is not JsonArray { Count: > 0 })
            {
                throw GatewayErrors.BadRequest("ProviderARNs need to be specified for a COGNITO_USER_POOLS authorizer");
            }
        }
        else if (String(a, "authorizerUri") is null)
        {
            throw GatewayErrors.BadRequest("Authorizer URI must be specified for a TOKEN or REQUEST authorizer");
        }

        var ttl = ApiProtection.Number(a["authorizerResultTtlInSeconds"]);
        if (ttl is < 0 or > 3600)
        {
            throw GatewayErrors.BadRequest("Authorizer result TTL must be between 0 and 3600 seconds");
        }

        var sources = String(a, "identitySource");
        if (type is "TOKEN" or "COGNITO_USER_POOLS")
        {
            if (sources is null || !sources.StartsWith("method.request.header.", StringComparison.Ordinal) || sources.Contains(',', StringComparison.Ordinal))
            {
                throw GatewayErrors.BadRequest("Invalid identity source: a TOKEN authorizer needs one method.request.header.{name}");
            }
        }
        else if (type == "REQUEST")
        {
            var list = LambdaAuthorizers.Sources(a["identitySource"]);
            if (ttl > 0 && list.Count == 0)
            {
                throw GatewayErrors.BadRequest("Identity source must be specified when caching is enabled for a REQUEST authorizer");
            }

            foreach (var s in list)
            {
                if (!(s.StartsWith("method.request.header.", StringComparison.Ordinal) || s.StartsWith("method.request.querystring.", StringComparison.Ordinal)
                    || s.StartsWith("stageVariables.", StringComparison.Ordinal) || s.StartsWith("context.", StringComparison.Ordinal)))
                {
                    throw GatewayErrors.BadRequest($"Invalid identity source: {s}");
                }
            }
        }

        if (String(a, "identityValidationExpression") is { } pattern)
        {
            try
            {
                _ = new System.Text.RegularExpressions.Regex(pattern, System.Text.RegularExpressions.RegexOptions.None, TimeSpan.FromSeconds(1));
            }
            catch (ArgumentException)
            {
                throw GatewayErrors.BadRequest($"Invalid identity validation expression: {pattern}");
            }
        }
    }

    private static async Task GetAuthorizers(ManagementCall call)
    {
        var doc = call.Store.Get(ApiId(call), ApiKind.Rest, call.Caller).Doc;
        await call.JsonAsync(200, call.Page((doc["authorizers"] as JsonObject ?? []).Select(kv => kv.Value!), "item", "position", "limit"));
    }

    private static async Task GetAuthorizer(ManagementCall call)
    {
        var doc = call.Store.Get(ApiId(call), ApiKind.Rest, call.Caller).Doc;
        await call.JsonAsync(200, FindAuthorizer(doc, call.Route("authorizerId")).DeepClone());
    }

    private static async Task UpdateAuthorizer(ManagementCall call)
    {
        var body = await call.BodyAsync();
        var id = call.Route("authorizerId");
        var authorizer = call.Store.Update(ApiId(call), ApiKind.Rest, call.Caller, doc =>
        {
            var authorizer = FindAuthorizer(doc, id);
            authorizer["providerARNs"] ??= authorizer["type"]?.GetValue<string>() == "COGNITO_USER_POOLS" ? new JsonArray() : null;
            PatchOperations.Apply(authorizer, body, AuthorizerFields);
            if (authorizer["providerARNs"] is JsonArray { Count: 0 } && String(authorizer, "type") != "COGNITO_USER_POOLS")
            {
                authorizer.Remove("providerARNs");
            }

            if (authorizer["authorizerResultTtlInSeconds"] is JsonValue v && v.TryGetValue<string>(out var text))
            {
                authorizer["authorizerResultTtlInSeconds"] = int.TryParse(text, System.Globalization.CultureInfo.InvariantCulture, out var n) ? n : throw GatewayErrors.BadRequest($"Invalid TTL {text}");
            }

            ValidateAuthorizer(authorizer);
            return authorizer.DeepClone();
        });
        await call.JsonAsync(200, authorizer);
    }

    private static async Task DeleteAuthorizer(ManagementCall call)
    {
        var id = call.Route("authorizerId");
        call.Store.Update(ApiId(call), ApiKind.Rest, call.Caller, doc =>
        {
            FindAuthorizer(doc, id);
            foreach (var (_, resource) in doc["resources"] as JsonObject ?? [])
            {
                foreach (var (verb, method) in resource?["resourceMethods"] as JsonObject ?? [])
                {
                    if (method?["authorizerId"]?.GetValue<string>() == id && method["authorizationType"]?.GetValue<string>() is "CUSTOM" or "COGNITO_USER_POOLS")
                    {
                        throw GatewayErrors.Conflict($"Cannot delete authorizer '{id}', is referenced in method: {verb}{resource!["path"]}");
                    }
                }
            }

            doc["authorizers"]!.AsObject().Remove(id);
            return 0;
        });
        await call.EmptyAsync(202);
    }

    /// <summary>TestInvokeAuthorizer: runs the authorizer on a synthetic request to the given path.</summary>
    private static async Task TestInvokeAuthorizer(ManagementCall call)
    {
        var body = await call.BodyAsync();
        var entry = call.Store.Get(ApiId(call), ApiKind.Rest, call.Caller);
        var authorizer = FindAuthorizer(entry.Doc, call.Route("authorizerId"));
        var tester = call.Http.RequestServices.GetRequiredService<AuthorizerTester>();
        await call.JsonAsync(200, await tester.TestAsync(entry, authorizer, body, call.Http.RequestAborted));
    }

    private static async Task FlushStageAuthorizersCache(ManagementCall call)
    {
        var doc = call.Store.Get(ApiId(call), ApiKind.Rest, call.Caller).Doc;
        var stage = call.Route("stageName");
        FindStage(doc, stage);
        call.Http.RequestServices.GetRequiredService<AuthorizerCache>().Flush(ApiId(call), stage);
        await call.EmptyAsync(202);
    }

    private static async Task FlushStageCache(ManagementCall call)
    {
        var doc = call.Store.Get(ApiId(call), ApiKind.Rest, call.Caller).Doc;
        var stage = call.Route("stageName");
        FindStage(doc, stage);
        call.Http.RequestServices.GetRequiredService<ResponseCache>().Flush($"{ApiId(call)}/{stage}");
        await call.EmptyAsync(202);
    }

    private static JsonObject FindAuthorizer(JsonObject doc, string id) =>
        doc["authorizers"]?[id] as JsonObject ?? throw GatewayErrors.NotFound("Invalid Authorizer identifier specified");
}
