using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Nimbus.Templates.Sam.Validation;

/// <summary>
/// The translator's API generator checks that come before Auth: the REST API's OpenApiVersion format and
/// MergeDefinitions with DefinitionUri, and an HTTP API's Cors and Tags, which need an inline OpenAPI body.
/// </summary>
internal static partial class ApiChecks
{
    private static readonly string[] CorsProperties = ["AllowMethods", "AllowHeaders", "AllowOrigin", "MaxAge", "AllowCredentials"];

    /// <param name="hasPaths">Whether the API's body will have paths (its own, or from events) for Cors to be added to.</param>
    public static void Check(string id, string type, JsonObject p, bool hasPaths)
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
            CheckRestCors(id, p, hasPaths);
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

    private static void CheckRestCors(string id, JsonObject p, bool hasPaths)
    {
        if (p["Cors"] is not JsonObject cors || Json.IsIntrinsic(cors))
        {
            return;
        }
        foreach (var (key, _) in cors)
        {
            if (!CorsProperties.Contains(key))
            {
                Fail(id, $"Invalid key '{key}' for 'Cors' property.");
            }
        }
        var origin = cors.ContainsKey("AllowOrigin") ? cors["AllowOrigin"] : "'*'";
        if (cors["AllowCredentials"] is JsonValue credentials && credentials.GetValueKind() == System.Text.Json.JsonValueKind.True && Json.Str(origin) == "'*'")
        {
            Fail(id, "Unable to add Cors configuration because 'AllowCredentials' can not be true when 'AllowOrigin' is \"'*'\" or not set");
        }
        if (hasPaths && !Json.IsTruthy(origin))
        {
            Fail(id, "Structure of the SAM template is invalid. Invalid input. Value for AllowedOrigins is required");
        }
    }

    private static readonly string[] GatewayResponseProperties = ["ResponseParameters", "ResponseTemplates", "StatusCode"];

    private static readonly string[] GatewayResponseParameters = ["Headers", "Paths", "QueryStrings"];

    /// <summary>A REST API's GatewayResponses (checked after Cors and Auth, as the generator adds them in that order).</summary>
    public static void CheckGatewayResponses(string id, string type, JsonObject p)
    {
        if (type != "AWS::Serverless::Api" || p["GatewayResponses"] is not JsonObject responses || Json.IsIntrinsic(responses))
        {
            return;
        }
        foreach (var (name, value) in responses)
        {
            if (value is not JsonObject response)
            {
                Fail(id, $"Invalid property type '{PythonTypeName(value)}' for GatewayResponses. Expected an object of type 'GatewayResponse'.");
                return;
            }
            foreach (var (key, _) in response)
            {
                if (!GatewayResponseProperties.Contains(key))
                {
                    Fail(id, $"Invalid property '{key}' in 'GatewayResponses' property '{name}'.");
                }
            }
        }
        foreach (var (_, value) in responses)
        {
            if (value!["ResponseParameters"] is JsonObject parameters)
            {
                foreach (var (key, _) in parameters)
                {
                    if (!GatewayResponseParameters.Contains(key))
                    {
                        Fail(id, $"Invalid gateway response parameter '{key}'");
                    }
                }
            }
        }
    }

    private static string PythonTypeName(JsonNode? value) => value switch
    {
        null => "NoneType",
        JsonArray => "list",
        JsonValue v when Json.IsString(v) => "str",
        JsonValue v when v.GetValueKind() is System.Text.Json.JsonValueKind.True or System.Text.Json.JsonValueKind.False => "bool",
        JsonValue v when PropertyTypes.Matches(PropertyKind.Integer, v) => "int",
        _ => "float",
    };

    /// <summary>The OpenAPI editor's is_valid: a map with an OpenAPI 3 version and a paths map.</summary>
    public static bool IsValidOpenApi(JsonObject body) =>
        body["paths"] is JsonObject && Json.Str(body["openapi"]) is { } v && OpenApi3().IsMatch(v);

    private static void Fail(string id, string message) => throw new InvalidResourceException(id, message);

    [GeneratedRegex(@"^[2-3](\.\d)(\.\d)?$")]
    private static partial Regex SupportedOpenApiVersion();

    [GeneratedRegex(@"^3(\.\d+){1,2}$")]
    private static partial Regex OpenApi3();
}
