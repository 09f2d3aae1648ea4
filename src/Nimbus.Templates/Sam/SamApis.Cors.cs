using System.Text.Json.Nodes;

namespace Nimbus.Templates.Sam;

/// <summary>
/// REST API <c>Cors</c>: an OPTIONS mock integration on every path answering the preflight with the configured
/// Access-Control-* headers, as the translator's SwaggerEditor.add_cors writes it.
/// </summary>
internal sealed partial class SamApis
{
    private static readonly string[] CorsProperties = ["AllowMethods", "AllowHeaders", "AllowOrigin", "MaxAge", "AllowCredentials"];

    private void AddCors(string id, JsonObject body, JsonNode cors)
    {
        JsonNode? origin;
        JsonNode? headers = null, methods = null, maxAge = null;
        var credentials = false;
        if (Json.IsString(cors) || Json.IsIntrinsic(cors))
        {
            // Just the origin; the other settings are the defaults.
            origin = cors;
        }
        else if (cors is JsonObject c)
        {
            foreach (var (key, _) in c)
            {
                if (!CorsProperties.Contains(key))
                {
                    throw new InvalidResourceException(id, $"Invalid key '{key}' for 'Cors' property.");
                }
            }

            // The translator's CorsProperties default the origin to '*'.
            origin = c.ContainsKey("AllowOrigin") ? c["AllowOrigin"] : JsonValue.Create("'*'");
            headers = c["AllowHeaders"];
            methods = c["AllowMethods"];
            maxAge = c["MaxAge"];
            credentials = c["AllowCredentials"] is JsonValue v && v.TryGetValue<bool>(out var b) && b;
            if (credentials && Json.Str(origin) == "'*'")
            {
                throw new InvalidResourceException(id, "Unable to add Cors configuration because 'AllowCredentials' can not be true when 'AllowOrigin' is \"'*'\" or not set");
            }
        }
        else
        {
            throw new InvalidResourceException(id, "Invalid value for 'Cors' property");
        }

        if (body["paths"] is not JsonObject paths)
        {
            return;
        }

        foreach (var path in paths.SelectMany(kv => Branches(kv.Value)).ToList())
        {
            if (path.ContainsKey("options"))
            {
                continue;
            }

            if (!Json.IsTruthy(origin))
            {
                throw new InvalidResourceException(id, "Invalid input. Value for AllowedOrigins is required");
            }

            // Given AllowMethods go in as they are; computed ones are quoted ("'GET,OPTIONS'") as APIGW expects.
            var allowed = Json.IsTruthy(methods)
                ? methods!.DeepClone()
                : "'" + string.Join(",", path.Select(kv => kv.Key).Where(k => k != "parameters").Select(k => k == "x-amazon-apigateway-any-method" ? "DELETE,GET,HEAD,OPTIONS,PATCH,POST,PUT" : k.ToUpperInvariant()).Append("OPTIONS").SelectMany(m => m.Split(',')).Distinct().Order(StringComparer.Ordinal)) + "'";
            var responseParameters = new JsonObject
            {
                ["method.response.header.Access-Control-Allow-Origin"] = origin is JsonObject originIntrinsic
                    ? SamDeploymentHash.FromTemplate(originIntrinsic.DeepClone())
                    : origin!.DeepClone(),
            };
            if (Json.IsTruthy(headers))
            {
                responseParameters["method.response.header.Access-Control-Allow-Headers"] = headers!.DeepClone();
            }

            responseParameters["method.response.header.Access-Control-Allow-Methods"] = allowed;
            if (maxAge is not null)
            {
                responseParameters["method.response.header.Access-Control-Max-Age"] = maxAge.DeepClone();
            }

            if (credentials)
            {
                responseParameters["method.response.header.Access-Control-Allow-Credentials"] = "'true'";
            }

            var responseHeaders = new JsonObject();
            foreach (var (name, _) in responseParameters)
            {
                var header = name["method.response.header.".Length..];
                responseHeaders[header] = new JsonObject { ["type"] = header == "Access-Control-Max-Age" ? "integer" : "string" };
            }

            path["options"] = new JsonObject
            {
                ["summary"] = "CORS support",
                ["consumes"] = new JsonArray("application/json"),
                ["produces"] = new JsonArray("application/json"),
                ["x-amazon-apigateway-integration"] = new JsonObject
                {
                    ["type"] = "mock",
                    ["requestTemplates"] = new JsonObject { ["application/json"] = "{\n  \"statusCode\" : 200\n}\n" },
                    ["responses"] = new JsonObject
                    {
                        ["default"] = new JsonObject
                        {
                            ["statusCode"] = "200",
                            ["responseParameters"] = responseParameters,
                            ["responseTemplates"] = new JsonObject { ["application/json"] = "{}\n" },
                        },
                    },
                },
                ["responses"] = new JsonObject
                {
                    ["200"] = new JsonObject { ["description"] = "Default response for CORS method", ["headers"] = responseHeaders },
                },
            };
            SamDeploymentHash.InsertedInPass(path, "options", _pass);
        }
    }
}
