using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Nimbus.Templates.Sam.Validation;

/// <summary>
/// The structural checks the translator's Swagger/OpenAPI editors make on an API's inline <c>DefinitionBody</c> when SAM
/// has to edit it (events, Auth, Cors, gateway responses, models, OpenAPI 3 conversion). A failure ends the whole
/// transform with that one error ("Structure of the SAM template is invalid. ..."), as the editors raise it.
/// </summary>
internal static partial class SwaggerChecks
{
    private static readonly string[] NonMethodKeys = ["parameters", "summary", "description", "servers", "$ref"];

    public static void Check(string apiId, string type, JsonObject properties, IReadOnlyList<ApiEvent> events)
    {
        CheckEdits(apiId, type, properties, events);
        if (type == "AWS::Serverless::Api")
        {
            CheckEndpointExtension(properties);
            CheckOpenApi3Options(properties);
        }
        else if (properties["DefinitionBody"] is JsonObject body && IsValid(body))
        {
            CheckHttpDefaultAuthorizerMethods(body, properties["Auth"]);
            if (body["tags"] is { } tags && tags is not JsonArray)
            {
                // The OpenAPI editor adds the API's tags (SAM's own at least) to the body's tag list.
                Fail($"Tags in OpenApi DefinitionBody needs to be a list. {Json.PythonRepr(tags)} is a {PythonTypeName(tags)} not a list.");
            }
        }
    }

    /// <summary>
    /// An HTTP API's DefaultAuthorizer goes on every method of every path: each method key, normalized (lower case,
    /// "any" as x-amazon-apigateway-any-method), must be in the path as it is written.
    /// </summary>
    private static void CheckHttpDefaultAuthorizerMethods(JsonObject body, JsonNode? auth)
    {
        if (auth is not JsonObject a || !Json.IsTruthy(a["DefaultAuthorizer"]) || body["paths"] is not JsonObject paths)
        {
            return;
        }
        foreach (var (path, item) in paths)
        {
            foreach (var pathItem in ConditionalContents(item).OfType<JsonObject>())
            {
                CheckMethodKeys(path, pathItem);
            }
        }
    }

    private static void CheckMethodKeys(string path, JsonObject pathItem)
    {
        foreach (var (method, _) in pathItem)
        {
            if (method == "parameters")
            {
                continue;
            }
            var normalized = method.ToLowerInvariant() is var lower && lower == "any" ? "x-amazon-apigateway-any-method" : method.ToLowerInvariant();
            if (!pathItem.ContainsKey(normalized))
            {
                Fail($"Could not find {normalized} in {path} within DefinitionBody.");
            }
        }
    }

    private static string PythonTypeName(JsonNode node) => node switch
    {
        JsonObject => "dict",
        JsonArray => "list",
        JsonValue v when Json.IsString(v) => "str",
        JsonValue v when v.GetValueKind() is JsonValueKind.True or JsonValueKind.False => "bool",
        JsonValue v when v.TryGetValue<long>(out _) => "int",
        _ => "float",
    };

    /// <summary>
    /// DisableExecuteApiEndpoint goes into the body's x-amazon-apigateway-endpoint-configuration: the body must be a
    /// Swagger/OpenAPI document written out in the template, and that extension a map.
    /// </summary>
    private static void CheckEndpointExtension(JsonObject properties)
    {
        if (properties["DisableExecuteApiEndpoint"] is null || properties["DefinitionBody"] is not { } definition || !Json.IsTruthy(definition))
        {
            return;
        }
        if (definition is not JsonObject body || !IsValid(body))
        {
            Fail("Invalid Swagger document or the Swagger document is not explicitly defined in 'DefinitionBody'.");
            return;
        }
        if (body["x-amazon-apigateway-endpoint-configuration"] is { } configuration && configuration is not JsonObject)
        {
            Fail("Invalid OpenAPI definition: The value of 'x-amazon-apigateway-endpoint-configuration' should be a map.");
        }
    }

    /// <summary>The OpenAPI 3 post-processing rewrites each path's options responses: they must be maps, their headers too.</summary>
    private static void CheckOpenApi3Options(JsonObject properties)
    {
        if (properties["DefinitionBody"] is not JsonObject body || body["swagger"] is not null || body["paths"] is not JsonObject paths)
        {
            return;
        }
        var version = Json.Str(properties["OpenApiVersion"]) ?? Json.Str(body["openapi"]);
        if (version is null || !OpenApi3().IsMatch(version))
        {
            return;
        }
        foreach (var (path, item) in paths)
        {
            if (item is not JsonObject pathItem || pathItem["options"] is not JsonObject options || !options.ContainsKey("responses"))
            {
                continue;
            }
            if (options["responses"] is not JsonObject responses)
            {
                Fail($"Invalid responses in options method for path {path}: It should be a map.");
                return;
            }
            if (responses["200"] is JsonObject ok && Json.IsTruthy(ok["headers"]) && ok["headers"] is not JsonObject)
            {
                Fail($"Value of response's headers in options method for path {path} must be a dictionary according to Swagger spec.");
            }
        }
    }

    private static void CheckEdits(string apiId, string type, JsonObject properties, IReadOnlyList<ApiEvent> events)
    {
        var http = type == "AWS::Serverless::HttpApi";
        if (properties["DefinitionBody"] is not JsonObject body || !IsValid(body))
        {
            return;
        }
        var auth = properties["Auth"] as JsonObject;
        var hasEvents = events.Any(e => e.Http == http && e.ApiId == apiId);
        var openApi3 = Json.Str(properties["OpenApiVersion"]) is { } v && OpenApi3().IsMatch(v);
        var edited = hasEvents || auth is not null || properties["Cors"] is not null || properties["CorsConfiguration"] is not null
            || properties["GatewayResponses"] is not null || properties["Models"] is not null || openApi3;
        if (!edited)
        {
            return;
        }

        var paths = (JsonObject)body["paths"]!;
        foreach (var (path, item) in paths)
        {
            foreach (var content in ConditionalContents(item))
            {
                if (content is not JsonObject)
                {
                    Fail($"Value of '{path}' path must be a dictionary according to Swagger spec.");
                }
            }
        }

        if (auth is null)
        {
            return;
        }
        var defaultAuthorizer = auth["DefaultAuthorizer"];
        var apiKeyRequired = !http && Json.IsTruthy(auth["ApiKeyRequired"]);
        var hasAuthorizers = auth["Authorizers"] is JsonObject { Count: > 0 };
        if ((hasAuthorizers || apiKeyRequired) && !http && body.ContainsKey("securityDefinitions") && body["securityDefinitions"] is not JsonObject)
        {
            Fail("securityDefinitions must be a dictionary.");
        }
        if (defaultAuthorizer is null && !apiKeyRequired)
        {
            return;
        }
        foreach (var (path, item) in paths)
        {
            foreach (var content in ConditionalContents(item))
            {
                foreach (var (method, definition) in (JsonObject)content!)
                {
                    if (NonMethodKeys.Contains(method) || method.StartsWith("x-", StringComparison.Ordinal) && method != "x-amazon-apigateway-any-method")
                    {
                        continue;
                    }
                    foreach (var methodDefinition in ConditionalContents(definition))
                    {
                        if (methodDefinition is not JsonObject m)
                        {
                            Fail($"Definition of method '{method}' for path '{path}' should be a map.");
                            continue;
                        }
                        if (http || !m.ContainsKey("security"))
                        {
                            continue;
                        }
                        if (m["security"] is not JsonArray security)
                        {
                            Fail($"Type of security for path {path} method {method} must be a list");
                            continue;
                        }
                        foreach (var entry in security)
                        {
                            if (entry is not JsonObject)
                            {
                                Fail($"{PythonRepr(entry)} in Security for path {path} method {method} is not a valid dictionary.");
                            }
                        }
                    }
                }
            }
        }
    }

    /// <summary>The editors' is_valid: a map whose paths is a map, with a truthy swagger or an OpenAPI 3 version.</summary>
    public static bool IsValid(JsonObject body)
    {
        if (body["paths"] is not JsonObject)
        {
            return false;
        }
        if (Json.IsTruthy(body["swagger"]))
        {
            return true;
        }
        return Json.Str(body["openapi"]) is { } v && OpenApi3().IsMatch(v);
    }

    /// <summary>The values an Fn::If (possibly nested) can take, without AWS::NoValue; the value itself otherwise.</summary>
    private static IEnumerable<JsonNode?> ConditionalContents(JsonNode? item)
    {
        if (item is JsonObject o && o.Count == 1 && o.ContainsKey("Fn::If"))
        {
            if (o["Fn::If"] is not JsonArray args)
            {
                Fail("Value of Fn::If must be a list.");
                yield break;
            }
            foreach (var branch in args.Skip(1))
            {
                if (branch is JsonObject b && b.Count == 1 && Json.Str(b["Ref"]) == "AWS::NoValue")
                {
                    continue;
                }
                foreach (var inner in ConditionalContents(branch))
                {
                    yield return inner;
                }
            }
            yield break;
        }
        yield return item;
    }

    private static void Fail(string message) =>
        throw new InvalidSamDocumentException(["Structure of the SAM template is invalid. " + message]);

    private static string PythonRepr(JsonNode? node) => node switch
    {
        null => "None",
        JsonArray a => "[" + string.Join(", ", a.Select(PythonRepr)) + "]",
        JsonObject o => "{" + string.Join(", ", o.Select(kv => "'" + kv.Key + "': " + PythonRepr(kv.Value))) + "}",
        JsonValue v when v.GetValueKind() == JsonValueKind.String => "'" + v.GetValue<string>() + "'",
        JsonValue v when v.GetValueKind() == JsonValueKind.True => "True",
        JsonValue v when v.GetValueKind() == JsonValueKind.False => "False",
        _ => Convert.ToString(node.ToJsonString(), CultureInfo.InvariantCulture),
    };

    [GeneratedRegex(@"^3(\.\d+){1,2}$")]
    private static partial Regex OpenApi3();
}
