using System.Text.Json.Nodes;
using static Nimbus.Gateway.Management.JsonFields;

namespace Nimbus.Gateway.Management;

internal static partial class HttpApisApi
{
    private static readonly string[] IntegrationFields =
    [
        "integrationType", "integrationUri", "integrationMethod", "integrationSubtype", "payloadFormatVersion", "timeoutInMillis",
        "connectionType", "connectionId", "credentialsArn", "description", "requestParameters", "responseParameters",
        "requestTemplates", "templateSelectionExpression", "passthroughBehavior", "contentHandlingStrategy", "tlsConfig",
    ];

    private static async Task CreateIntegration(ManagementCall call)
    {
        var body = await call.BodyAsync();
        Required(body, "integrationType");
        var integration = call.Store.Update(call.Route("apiId"), ApiKind.Http, call.Caller, doc =>
        {
            var id = GatewayIds.Child();
            var integration = new JsonObject
            {
                ["connectionType"] = "INTERNET",
                ["integrationId"] = id,
                ["timeoutInMillis"] = IsWebSocket(doc) ? 29000 : 30000,
            };
            Copy(body, integration, IntegrationFields);
            Normalise(integration, IsWebSocket(doc));
            Section(doc, "integrations")[id] = integration;
            AutoDeploy(call, doc);
            return integration.DeepClone();
        });
        await call.JsonAsync(201, integration);
    }

    private static async Task UpdateIntegration(ManagementCall call)
    {
        var body = await call.BodyAsync();
        var integrationId = call.Route("integrationId");
        var integration = call.Store.Update(call.Route("apiId"), ApiKind.Http, call.Caller, doc =>
        {
            var integration = FindIntegration(doc, integrationId);
            Copy(body, integration, IntegrationFields);
            Normalise(integration, IsWebSocket(doc));
            AutoDeploy(call, doc);
            return integration.DeepClone();
        });
        await call.JsonAsync(200, integration);
    }

    private static async Task GetIntegrations(ManagementCall call)
    {
        var doc = call.Store.Get(call.Route("apiId"), ApiKind.Http, call.Caller).Doc;
        await call.JsonAsync(200, call.Page((doc["integrations"] as JsonObject ?? []).Select(kv => kv.Value!)));
    }

    private static async Task GetIntegration(ManagementCall call)
    {
        var doc = call.Store.Get(call.Route("apiId"), ApiKind.Http, call.Caller).Doc;
        await call.JsonAsync(200, FindIntegration(doc, call.Route("integrationId")).DeepClone());
    }

    private static async Task DeleteIntegration(ManagementCall call)
    {
        var integrationId = call.Route("integrationId");
        call.Store.Update(call.Route("apiId"), ApiKind.Http, call.Caller, doc =>
        {
            FindIntegration(doc, integrationId);
            var users = (doc["routes"] as JsonObject ?? []).Where(kv => kv.Value?["target"]?.GetValue<string>() == $"integrations/{integrationId}").ToList();
            if (users.Count > 0)
            {
                throw GatewayErrors.Conflict($"Cannot delete integration {integrationId}: it is the target of route {users[0].Key}");
            }

            doc["integrations"]!.AsObject().Remove(integrationId);
            AutoDeploy(call, doc);
            return 0;
        });
        await call.EmptyAsync();
    }

    private static JsonObject FindIntegration(JsonObject doc, string integrationId) =>
        doc["integrations"]?[integrationId] as JsonObject ?? throw GatewayErrors.NotFound($"Invalid Integration identifier specified {integrationId}", "Integration");

    /// <summary>Validates an HTTP API integration and fills AWS's defaults.</summary>
    private static void Normalise(JsonObject integration, bool webSocket = false)
    {
        if (webSocket)
        {
            NormaliseWebSocket(integration);
            return;
        }

        var type = Required(integration, "integrationType");
        var uri = String(integration, "integrationUri");
        Mapping.HttpParameterMapping.Validate(integration);
        switch (type)
        {
            case "AWS_PROXY":
                if (uri is null && String(integration, "integrationSubtype") is null)
                {
                    throw GatewayErrors.BadRequest("IntegrationUri is required for AWS_PROXY integrations");
                }

                integration["integrationMethod"] ??= "POST";
                integration["payloadFormatVersion"] ??= "2.0";
                if (String(integration, "payloadFormatVersion") is not ("1.0" or "2.0"))
                {
                    throw GatewayErrors.BadRequest("PayloadFormatVersion must be 1.0 or 2.0 for AWS_PROXY integrations");
                }

                break;
            case "HTTP_PROXY":
                if (uri is null || !Uri.TryCreate(uri, UriKind.Absolute, out var u) || (u.Scheme != "http" && u.Scheme != "https"))
                {
                    throw GatewayErrors.BadRequest("IntegrationUri must be an absolute http(s) URL for HTTP_PROXY integrations");
                }

                integration["integrationMethod"] ??= "ANY";
                integration["payloadFormatVersion"] ??= "1.0";
                if (String(integration, "payloadFormatVersion") != "1.0")
                {
                    throw GatewayErrors.BadRequest("PayloadFormatVersion must be 1.0 for HTTP_PROXY integrations");
                }

                break;
            case "AWS" or "HTTP" or "MOCK":
                throw GatewayErrors.BadRequest($"Integration type {type} is not supported for HTTP APIs");
            default:
                throw GatewayErrors.BadRequest($"Invalid integrationType {type}. Valid values are AWS, AWS_PROXY, HTTP, HTTP_PROXY, MOCK");
        }

        if (integration["timeoutInMillis"] is JsonValue t && (t.GetValue<int>() < 50 || t.GetValue<int>() > 30000))
        {
            throw GatewayErrors.BadRequest("TimeoutInMillis must be between 50 and 30000");
        }
    }
}
