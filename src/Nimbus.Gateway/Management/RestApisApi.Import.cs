using System.Text.Json.Nodes;
using static Nimbus.Gateway.Management.JsonFields;

namespace Nimbus.Gateway.Management;

/// <summary>ImportRestApi (<c>POST /restapis?mode=import</c>) and PutRestApi (<c>PUT /restapis/{id}?mode=overwrite|merge</c>).</summary>
/// <remarks>The body is the raw OpenAPI/Swagger document (JSON or YAML); see <see cref="RestApiImporter"/>. Query:
/// <c>failonwarnings</c>, and the <c>parameters</c> map (<c>endpointConfigurationTypes</c>; <c>ignore</c> and
/// <c>basepath</c> are accepted and have no effect). The returned RestApi carries the import's <c>warnings</c>.</remarks>
internal static partial class RestApisApi
{
    private static Task CreateOrImportRestApi(ManagementCall call) =>
        call.Query("mode") == "import" ? ImportRestApi(call) : CreateRestApi(call);

    private static async Task ImportRestApi(ManagementCall call)
    {
        var definition = RestApiImporter.Parse(await RawBodyAsync(call));
        var warnings = new List<string>();
        var entry = call.Store.Create(ApiKind.Rest, call.Caller, (id, doc) =>
        {
            var rootId = GatewayIds.Child(10);
            doc["api"] = new JsonObject
            {
                ["id"] = id,
                ["name"] = "",
                ["createdDate"] = call.Store.Time.GetUtcNow().ToUnixTimeSeconds(),
                ["apiKeySource"] = "HEADER",
                ["endpointConfiguration"] = new JsonObject { ["types"] = new JsonArray("EDGE") },
                ["disableExecuteApiEndpoint"] = false,
                ["rootResourceId"] = rootId,
                ["tags"] = new JsonObject(),
            };
            Section(doc, "resources")[rootId] = new JsonObject { ["id"] = rootId, ["path"] = "/" };
            RestApiImporter.Apply(doc, definition, merge: false, ImportParameters(call), warnings, FailOnWarnings(call));
        });
        await call.JsonAsync(201, WithWarnings(entry.Doc["api"]!, warnings));
    }

    private static async Task PutRestApi(ManagementCall call)
    {
        var mode = call.Query("mode") ?? "merge";
        if (mode is not ("merge" or "overwrite"))
        {
            throw GatewayErrors.BadRequest($"Invalid mode {mode}: valid values are merge, overwrite");
        }

        var definition = RestApiImporter.Parse(await RawBodyAsync(call));
        var warnings = new List<string>();
        var api = call.Store.Update(ApiId(call), ApiKind.Rest, call.Caller, doc =>
        {
            RestApiImporter.Apply(doc, definition, merge: mode == "merge", ImportParameters(call), warnings, FailOnWarnings(call));
            return doc["api"]!.DeepClone();
        });
        await call.JsonAsync(200, WithWarnings(api, warnings));
    }

    private static async Task<string> RawBodyAsync(ManagementCall call)
    {
        using var reader = new StreamReader(call.Http.Request.Body);
        return await reader.ReadToEndAsync(call.Http.RequestAborted);
    }

    private static bool FailOnWarnings(ManagementCall call) =>
        string.Equals(call.Query("failonwarnings"), "true", StringComparison.OrdinalIgnoreCase);

    /// <summary>The <c>parameters</c> map: the SDK sends each entry as its own query parameter.</summary>
    private static Dictionary<string, string> ImportParameters(ManagementCall call) =>
        call.Http.Request.Query.Where(q => q.Key is not ("mode" or "failonwarnings"))
            .ToDictionary(q => q.Key, q => q.Value.ToString(), StringComparer.Ordinal);

    private static JsonNode WithWarnings(JsonNode api, List<string> warnings)
    {
        var result = api.DeepClone();
        if (warnings.Count > 0)
        {
            result["warnings"] = new JsonArray([.. warnings.Select(w => (JsonNode)w)]);
        }

        return result;
    }
}
