using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;
using static Nimbus.Gateway.Management.JsonFields;
using static Nimbus.Gateway.Management.ManagementCall;

namespace Nimbus.Gateway.Management;

/// <summary>API Gateway v1 management for REST APIs (REST-JSON, <c>/restapis…</c>), as @aws-sdk/client-api-gateway calls it.</summary>
/// <remarks>Updates use <c>patchOperations</c> (see <see cref="PatchOperations"/>). Lists are <c>{"item": […], "position": …}</c>.
/// Authorizers (RestApisApi.Authorizers.cs), models, validators and gateway responses (RestApisApi.Models.cs), API keys and
/// usage plans (ApiKeysApi.cs), export (RestApisApi.Export.cs) and ImportRestApi/PutRestApi (RestApisApi.Import.cs,
/// <see cref="RestApiImporter"/>) live in their own partial files.</remarks>
internal static partial class RestApisApi
{
    public static void Map(IEndpointRouteBuilder app)
    {
        const string R = "/restapis";
        const string Res = R + "/{restApiId}/resources/{resourceId}";
        const string M = Res + "/methods/{httpMethod}";
        app.MapPost(R, Handle(CreateOrImportRestApi));
        app.MapGet(R, Handle(GetRestApis));
        app.MapGet(R + "/{restApiId}", Handle(GetRestApi));
        app.MapPatch(R + "/{restApiId}", Handle(UpdateRestApi));
        app.MapPut(R + "/{restApiId}", Handle(PutRestApi));
        app.MapDelete(R + "/{restApiId}", Handle(DeleteRestApi));
        app.MapGet(R + "/{restApiId}/resources", Handle(GetResources));
        app.MapPost(Res, Handle(CreateResource));
        app.MapGet(Res, Handle(GetResource));
        app.MapPatch(Res, Handle(UpdateResource));
        app.MapDelete(Res, Handle(DeleteResource));
        app.MapPut(M, Handle(PutMethod));
        app.MapGet(M, Handle(GetMethod));
        app.MapPatch(M, Handle(UpdateMethod));
        app.MapDelete(M, Handle(DeleteMethod));
        app.MapPut(M + "/responses/{statusCode}", Handle(PutMethodResponse));
        app.MapGet(M + "/responses/{statusCode}", Handle(GetMethodResponse));
        app.MapDelete(M + "/responses/{statusCode}", Handle(DeleteMethodResponse));
        app.MapPut(M + "/integration", Handle(PutIntegration));
        app.MapGet(M + "/integration", Handle(GetIntegration));
        app.MapPatch(M + "/integration", Handle(UpdateIntegration));
        app.MapDelete(M + "/integration", Handle(DeleteIntegration));
        app.MapPut(M + "/integration/responses/{statusCode}", Handle(PutIntegrationResponse));
        app.MapGet(M + "/integration/responses/{statusCode}", Handle(GetIntegrationResponse));
        app.MapDelete(M + "/integration/responses/{statusCode}", Handle(DeleteIntegrationResponse));
        app.MapPost(R + "/{restApiId}/deployments", Handle(CreateDeployment));
        app.MapGet(R + "/{restApiId}/deployments", Handle(GetDeployments));
        app.MapGet(R + "/{restApiId}/deployments/{deploymentId}", Handle(GetDeployment));
        app.MapDelete(R + "/{restApiId}/deployments/{deploymentId}", Handle(DeleteDeployment));
        app.MapPost(R + "/{restApiId}/stages", Handle(CreateStage));
        app.MapGet(R + "/{restApiId}/stages", Handle(GetStages));
        app.MapGet(R + "/{restApiId}/stages/{stageName}", Handle(GetStage));
        app.MapPatch(R + "/{restApiId}/stages/{stageName}", Handle(UpdateStage));
        app.MapDelete(R + "/{restApiId}/stages/{stageName}", Handle(DeleteStage));
        MapExport(app);
    }

    private static string ApiId(ManagementCall call) => call.Route("restApiId");

    private static async Task CreateRestApi(ManagementCall call)
    {
        var body = await call.BodyAsync();
        var name = Required(body, "name");
        var entry = call.Store.Create(ApiKind.Rest, call.Caller, (id, doc) =>
        {
            var rootId = GatewayIds.Child(10);
            var api = new JsonObject
            {
                ["id"] = id,
                ["name"] = name,
                ["createdDate"] = call.Store.Time.GetUtcNow().ToUnixTimeSeconds(),
                ["apiKeySource"] = "HEADER",
                ["endpointConfiguration"] = new JsonObject { ["types"] = new JsonArray("EDGE") },
                ["disableExecuteApiEndpoint"] = false,
                ["rootResourceId"] = rootId,
                ["tags"] = new JsonObject(),
            };
            Copy(body, api, "description", "version", "binaryMediaTypes", "minimumCompressionSize", "apiKeySource", "endpointConfiguration", "policy", "tags", "disableExecuteApiEndpoint");
            doc["api"] = api;
            Section(doc, "resources")[rootId] = new JsonObject { ["id"] = rootId, ["path"] = "/" };
        });
        await call.JsonAsync(201, entry.Doc["api"]!);
    }

    private static async Task GetRestApis(ManagementCall call) =>
        await call.JsonAsync(200, call.Page(call.Store.List(ApiKind.Rest, call.Caller).Select(e => e.Doc["api"]!), "item", "position", "limit"));

    private static async Task GetRestApi(ManagementCall call) =>
        await call.JsonAsync(200, call.Store.Get(ApiId(call), ApiKind.Rest, call.Caller).Doc["api"]!.DeepClone());

    private static async Task UpdateRestApi(ManagementCall call)
    {
        var body = await call.BodyAsync();
        var api = call.Store.Update(ApiId(call), ApiKind.Rest, call.Caller, doc =>
        {
            var api = doc["api"]!.AsObject();
            api["binaryMediaTypes"] ??= new JsonArray();
            PatchOperations.Apply(api, body, "name", "description", "version", "binaryMediaTypes", "minimumCompressionSize", "apiKeySource", "policy", "disableExecuteApiEndpoint");
            if (String(api, "name") is null or "")
            {
                throw GatewayErrors.BadRequest("name must not be empty");
            }

            return api.DeepClone();
        });
        await call.JsonAsync(200, api);
    }

    private static async Task DeleteRestApi(ManagementCall call)
    {
        call.Store.Delete(ApiId(call), ApiKind.Rest, call.Caller);
        await call.EmptyAsync(202);
    }
}
