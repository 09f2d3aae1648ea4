using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;
using Nimbus.Gateway.Protection;
using static Nimbus.Gateway.Management.JsonFields;
using static Nimbus.Gateway.Management.ManagementCall;

namespace Nimbus.Gateway.Management;

/// <summary>HTTP API authorizers (<c>/v2/apis/{id}/authorizers</c>): Lambda <c>REQUEST</c> and <c>JWT</c>.</summary>
/// <remarks>Stored in the API's document under <c>authorizers</c>; they apply without a redeployment (routes, which
/// reference them, are deployed as usual).</remarks>
internal static partial class HttpApisApi
{
    private static readonly string[] AuthorizerFields =
    [
        "name", "authorizerType", "authorizerUri", "authorizerCredentialsArn", "authorizerPayloadFormatVersion",
        "authorizerResultTtlInSeconds", "enableSimpleResponses", "identitySource", "identityValidationExpression", "jwtConfiguration",
    ];

    public static void MapProtection(IEndpointRouteBuilder app)
    {
        const string A = "/v2/apis/{apiId}/authorizers";
        app.MapPost(A, Handle(CreateAuthorizer));
        app.MapGet(A, Handle(GetAuthorizers));
        app.MapGet(A + "/{authorizerId}", Handle(GetAuthorizer));
        app.MapPatch(A + "/{authorizerId}", Handle(UpdateAuthorizer));
        app.MapDelete(A + "/{authorizerId}", Handle(DeleteAuthorizer));
    }

    private static async Task CreateAuthorizer(ManagementCall call)
    {
        var body = await call.BodyAsync();
        Required(body, "name");
        Required(body, "authorizerType");
        var authorizer = call.Store.Update(call.Route("apiId"), ApiKind.Http, call.Caller, doc =>
        {
            var id = GatewayIds.Child();
            var authorizer = new JsonObject { ["authorizerId"] = id };
            Copy(body, authorizer, AuthorizerFields);
            if (String(authorizer, "authorizerType") == "REQUEST")
            {
                authorizer["authorizerResultTtlInSeconds"] ??= 0;
                authorizer["enableSimpleResponses"] ??= false;
            }

            ValidateAuthorizer(authorizer);
            Section(doc, "authorizers")[id] = authorizer;
            return authorizer.DeepClone();
        });
        await call.JsonAsync(201, authorizer);
    }

    private static void ValidateAuthorizer(JsonObject a)
    {
        var type = String(a, "authorizerType");
        var sources = LambdaAuthorizers.Sources(a["identitySource"]);
        switch (type)
        {
            case "JWT":
                if (a["jwtConfiguration"] is not JsonObject jwt || String(jwt, "issuer") is null)
                {
                    throw GatewayErrors.BadRequest("JwtConfiguration with an Issuer is required for a JWT authorizer");
                }

                if (jwt["audience"] is not JsonArray { Count: > 0 })
                {
                    throw GatewayErrors.BadRequest("JwtConfiguration must contain at least one Audience");
                }

                if (sources.Count != 1)
                {
                    throw GatewayErrors.BadRequest("A JWT authorizer needs exactly one identity source, such as $request.header.Authorization");
                }

                break;
            case "REQUEST":
                if (String(a, "authorizerUri") is null)
                {
                    throw GatewayErrors.BadRequest("AuthorizerUri is required for a REQUEST authorizer");
                }

                var version = String(a, "authorizerPayloadFormatVersion");
                if (version is not ("1.0" or "2.0"))
                {
                    throw GatewayErrors.BadRequest("AuthorizerPayloadFormatVersion must be 1.0 or 2.0 for a REQUEST authorizer");
                }

                if (Bool(a, "enableSimpleResponses") == true && version != "2.0")
                {
                    throw GatewayErrors.BadRequest("EnableSimpleResponses is only supported with authorizerPayloadFormatVersion 2.0");
                }

                if (ApiProtection.Number(a["authorizerResultTtlInSeconds"]) > 0 && sources.Count == 0)
                {
                    throw GatewayErrors.BadRequest("Identity source is required when authorizer caching is enabled");
                }

                break;
            default:
                throw GatewayErrors.BadRequest($"Invalid authorizerType {type}: valid values are REQUEST, JWT");
        }

        if (ApiProtection.Number(a["authorizerResultTtlInSeconds"]) is < 0 or > 3600)
        {
            throw GatewayErrors.BadRequest("AuthorizerResultTtlInSeconds must be between 0 and 3600");
        }

        foreach (var s in sources)
        {
            if (!(s.StartsWith("$request.header.", StringComparison.Ordinal) || s.StartsWith("$request.querystring.", StringComparison.Ordinal)
                || s.StartsWith("$context.", StringComparison.Ordinal) || s.StartsWith("$stageVariables.", StringComparison.Ordinal)))
            {
                throw GatewayErrors.BadRequest($"Invalid identity source {s}");
            }
        }
    }

    private static async Task GetAuthorizers(ManagementCall call)
    {
        var doc = call.Store.Get(call.Route("apiId"), ApiKind.Http, call.Caller).Doc;
        await call.JsonAsync(200, call.Page((doc["authorizers"] as JsonObject ?? []).Select(kv => kv.Value!)));
    }

    private static async Task GetAuthorizer(ManagementCall call)
    {
        var doc = call.Store.Get(call.Route("apiId"), ApiKind.Http, call.Caller).Doc;
        await call.JsonAsync(200, FindAuthorizer(doc, call.Route("authorizerId")).DeepClone());
    }

    private static async Task UpdateAuthorizer(ManagementCall call)
    {
        var body = await call.BodyAsync();
        var id = call.Route("authorizerId");
        var authorizer = call.Store.Update(call.Route("apiId"), ApiKind.Http, call.Caller, doc =>
        {
            var authorizer = FindAuthorizer(doc, id);
            Copy(body, authorizer, AuthorizerFields);
            ValidateAuthorizer(authorizer);
            return authorizer.DeepClone();
        });
        await call.JsonAsync(200, authorizer);
    }

    private static async Task DeleteAuthorizer(ManagementCall call)
    {
        var id = call.Route("authorizerId");
        call.Store.Update(call.Route("apiId"), ApiKind.Http, call.Caller, doc =>
        {
            FindAuthorizer(doc, id);
            if ((doc["routes"] as JsonObject ?? []).Any(kv => kv.Value?["authorizerId"]?.GetValue<string>() == id))
            {
                throw GatewayErrors.Conflict($"Cannot delete authorizer {id}: routes still reference it");
            }

            doc["authorizers"]!.AsObject().Remove(id);
            return 0;
        });
        await call.EmptyAsync();
    }

    private static JsonObject FindAuthorizer(JsonObject doc, string id) =>
        doc["authorizers"]?[id] as JsonObject ?? throw GatewayErrors.NotFound($"Invalid Authorizer identifier specified {id}", "Authorizer");
}
