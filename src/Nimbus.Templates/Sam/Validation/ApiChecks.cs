using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Nimbus.Templates.Sam.Validation;

/// <summary>
/// The translator's API generator checks that come before Auth: the REST API's OpenApiVersion format and
/// MergeDefinitions with DefinitionUri, and an HTTP API's Cors and Tags, which need an inline OpenAPI body.
/// </summary>
internal static partial class ApiChecks
{
    public static void Check(string id, string type, JsonObject p)
    {
        if (type == "AWS::Serverless::Api")
        {
            if (Json.Str(p["OpenApiVersion"]) is { } version && !SupportedOpenApiVersion().IsMatch(version))
            {
                Fail(id, "The OpenApiVersion value must be of the format '3.0.0'.");
            }
            if (p["DefinitionUri"] is not null && p["MergeDefinitions"] is JsonValue merge && Json.IsTruthy(merge))
            {
                Fail(id, "Cannot set 'MergeDefinitions' to True when using `DefinitionUri`.");
            }
            return;
        }
        if (type != "AWS::Serverless::HttpApi")
        {
            return;
        }
        // Without DefinitionUri, an API without DefinitionBody gets a generated (valid) one.
        var body = p["DefinitionBody"];
        var hasBody = body is not null || p["DefinitionUri"] is null;
        var validBody = body is null ? p["DefinitionUri"] is null : body is JsonObject o && IsValidOpenApi(o);
        if (Json.IsTruthy(p["CorsConfiguration"]))
        {
            if (!hasBody)
            {
                Fail(id, "Cors works only with inline OpenApi specified in 'DefinitionBody' property.");
            }
            if (!validBody)
            {
                Fail(id, "Unable to add Cors configuration because 'DefinitionBody' does not contain a valid OpenApi definition.");
            }
        }
        if (Json.IsTruthy(p["Tags"]))
        {
            if (!hasBody)
            {
                Fail(id, "Tags works only with inline OpenApi specified in the 'DefinitionBody' property.");
            }
            if (!validBody)
            {
                Fail(id, "Unable to add `Tags` because 'DefinitionBody' does not contain a valid OpenApi definition.");
            }
        }
    }

    /// <summary>The OpenAPI editor's is_valid: a map with an OpenAPI 3 version and a paths map.</summary>
    public static bool IsValidOpenApi(JsonObject body) =>
        body["paths"] is JsonObject && Json.Str(body["openapi"]) is { } v && OpenApi3().IsMatch(v);

    private static void Fail(string id, string message) => throw new InvalidResourceException(id, message);

    [GeneratedRegex(@"^[2-3](\.\d)(\.\d)?$")]
    private static partial Regex SupportedOpenApiVersion();

    [GeneratedRegex(@"^3(\.\d+){1,2}$")]
    private static partial Regex OpenApi3();
}
