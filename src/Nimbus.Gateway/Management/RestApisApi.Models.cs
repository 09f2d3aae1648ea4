using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;
using Nimbus.Gateway.Mapping;
using static Nimbus.Gateway.Management.JsonFields;
using static Nimbus.Gateway.Management.ManagementCall;

namespace Nimbus.Gateway.Management;

/// <summary>Models, request validators, gateway responses and the PATCH of method/integration responses.</summary>
internal static partial class RestApisApi
{
    public static void MapModelsAndResponses(IEndpointRouteBuilder app)
    {
        const string R = "/restapis/{restApiId}";
        const string M = R + "/resources/{resourceId}/methods/{httpMethod}";
        app.MapPost(R + "/models", Handle(CreateModel));
        app.MapGet(R + "/models", Handle(GetModels));
        app.MapGet(R + "/models/{modelName}", Handle(GetModel));
        app.MapPatch(R + "/models/{modelName}", Handle(UpdateModel));
        app.MapDelete(R + "/models/{modelName}", Handle(DeleteModel));
        app.MapGet(R + "/models/{modelName}/default_template", Handle(GetModelTemplate));
        app.MapPost(R + "/requestvalidators", Handle(CreateRequestValidator));
        app.MapGet(R + "/requestvalidators", Handle(GetRequestValidators));
        app.MapGet(R + "/requestvalidators/{requestValidatorId}", Handle(GetRequestValidator));
        app.MapPatch(R + "/requestvalidators/{requestValidatorId}", Handle(UpdateRequestValidator));
        app.MapDelete(R + "/requestvalidators/{requestValidatorId}", Handle(DeleteRequestValidator));
        app.MapPut(R + "/gatewayresponses/{responseType}", Handle(PutGatewayResponse));
        app.MapGet(R + "/gatewayresponses", Handle(GetGatewayResponses));
        app.MapGet(R + "/gatewayresponses/{responseType}", Handle(GetGatewayResponse));
        app.MapPatch(R + "/gatewayresponses/{responseType}", Handle(UpdateGatewayResponse));
        app.MapDelete(R + "/gatewayresponses/{responseType}", Handle(DeleteGatewayResponse));
        app.MapPatch(M + "/responses/{statusCode}", Handle(UpdateMethodResponse));
        app.MapPatch(M + "/integration/responses/{statusCode}", Handle(UpdateIntegrationResponse));
    }

    // ---- models ----

    private static async Task CreateModel(ManagementCall call)
    {
        var body = await call.BodyAsync();
        var name = Required(body, "name");
        var contentType = Required(body, "contentType");
        if (!name.All(char.IsAsciiLetterOrDigit))
        {
            throw GatewayErrors.BadRequest("Model name must be alphanumeric: " + name);
        }

        ValidateSchema(String(body, "schema"));
        var model = call.Store.Update(ApiId(call), ApiKind.Rest, call.Caller, doc =>
        {
            var models = RestApiSettings.ModelsOf(doc).DeepClone().AsObject();
            if (models.ContainsKey(name))
            {
                throw GatewayErrors.Conflict("Model name already exists for this REST API");
            }

            var model = new JsonObject { ["id"] = GatewayIds.Child(6), ["name"] = name, ["contentType"] = contentType };
            Copy(body, model, "description", "schema");
            models[name] = model;
            doc["models"] = models;
            return model.DeepClone();
        });
        await call.JsonAsync(201, model);
    }

    private static async Task GetModels(ManagementCall call)
    {
        var doc = call.Store.Get(ApiId(call), ApiKind.Rest, call.Caller).Doc;
        var all = RestApiSettings.ModelsOf(doc).Select(kv => kv.Value!).OrderBy(m => m["name"]!.GetValue<string>(), StringComparer.Ordinal);
        await call.JsonAsync(200, call.Page(all, "item", "position", "limit"));
    }

    private static async Task GetModel(ManagementCall call)
    {
        var doc = call.Store.Get(ApiId(call), ApiKind.Rest, call.Caller).Doc;
        await call.JsonAsync(200, FindModel(RestApiSettings.ModelsOf(doc), call.Route("modelName")).DeepClone());
    }

    private static async Task GetModelTemplate(ManagementCall call)
    {
        var doc = call.Store.Get(ApiId(call), ApiKind.Rest, call.Caller).Doc;
        var model = FindModel(RestApiSettings.ModelsOf(doc), call.Route("modelName"));
        var schema = model["schema"] is JsonValue s ? JsonNode.Parse(s.GetValue<string>()) : null;
        await call.JsonAsync(200, new JsonObject { ["value"] = ModelTemplate(schema, "$input.path('$')", 0) });
    }

    /// <summary>A response template skeleton from a schema, like the console's "Generate template".</summary>
    private static string ModelTemplate(JsonNode? schema, string path, int depth)
    {
        if (depth > 8 || schema is not JsonObject o)
        {
            return "{}";
        }

        if (o["type"]?.ToString() == "array")
        {
            return $"[\n#foreach($elem in {path})\n {ModelTemplate(o["items"], "$elem", depth + 1)}#if($foreach.hasNext),#end\n#end\n]";
        }

        if (o["properties"] is JsonObject props)
        {
            var parts = props.Select(kv => kv.Value?["type"]?.ToString() switch
            {
                "object" or "array" => $"  \"{kv.Key}\" : {ModelTemplate(kv.Value, path + "." + kv.Key, depth + 1)}",
                "string" => $"  \"{kv.Key}\" : \"{path}.{kv.Key}\"",
                _ => $"  \"{kv.Key}\" : {path}.{kv.Key}",
            });
            return "#set($inputRoot = $input.path('$'))\n{\n" + string.Join(",\n", parts) + "\n}";
        }

        return "{}";
    }

    private static async Task UpdateModel(ManagementCall call)
    {
        var body = await call.BodyAsync();
        var name = call.Route("modelName");
        var model = call.Store.Update(ApiId(call), ApiKind.Rest, call.Caller, doc =>
        {
            var models = RestApiSettings.ModelsOf(doc).DeepClone().AsObject();
            var model = FindModel(models, name);
            PatchOperations.Apply(model, body, "schema", "description");
            ValidateSchema(String(model, "schema"));
            doc["models"] = models;
            return model.DeepClone();
        });
        await call.JsonAsync(200, model);
    }

    private static async Task DeleteModel(ManagementCall call)
    {
        var name = call.Route("modelName");
        call.Store.Update(ApiId(call), ApiKind.Rest, call.Caller, doc =>
        {
            var models = RestApiSettings.ModelsOf(doc).DeepClone().AsObject();
            FindModel(models, name);
            foreach (var (_, resource) in doc["resources"] as JsonObject ?? [])
            {
                foreach (var (verb, method) in resource?["resourceMethods"] as JsonObject ?? [])
                {
                    if ((method?["requestModels"] as JsonObject ?? []).Any(kv => kv.Value?.GetValue<string>() == name))
                    {
                        throw GatewayErrors.Conflict($"Cannot delete model '{name}', is referenced in method request: {resource!["path"]}/{verb}");
                    }
                }
            }

            models.Remove(name);
            doc["models"] = models;
            return 0;
        });
        await call.EmptyAsync(202);
    }

    private static void ValidateSchema(string? schema)
    {
        if (schema is null)
        {
            return;
        }

        try
        {
            if (JsonNode.Parse(schema) is not JsonObject)
            {
                throw GatewayErrors.BadRequest("Invalid model specified: Validation Result: warnings : [], errors : [Invalid model schema specified]");
            }
        }
        catch (JsonException)
        {
            throw GatewayErrors.BadRequest("Invalid model specified: Validation Result: warnings : [], errors : [Invalid model schema specified]");
        }
    }

    private static JsonObject FindModel(JsonObject models, string name) =>
        models[name] as JsonObject ?? throw GatewayErrors.NotFound("Invalid model name specified: " + name);

    // ---- request validators ----

    private static async Task CreateRequestValidator(ManagementCall call)
    {
        var body = await call.BodyAsync();
        var validator = call.Store.Update(ApiId(call), ApiKind.Rest, call.Caller, doc =>
        {
            var id = GatewayIds.Child(6);
            var validator = new JsonObject
            {
                ["id"] = id,
                ["name"] = String(body, "name") ?? id,
                ["validateRequestBody"] = Bool(body, "validateRequestBody") ?? false,
                ["validateRequestParameters"] = Bool(body, "validateRequestParameters") ?? false,
            };
            Section(doc, "requestValidators")[id] = validator;
            return validator.DeepClone();
        });
        await call.JsonAsync(201, validator);
    }

    private static async Task GetRequestValidators(ManagementCall call)
    {
        var doc = call.Store.Get(ApiId(call), ApiKind.Rest, call.Caller).Doc;
        await call.JsonAsync(200, call.Page((doc["requestValidators"] as JsonObject ?? []).Select(kv => kv.Value!), "item", "position", "limit"));
    }

    private static async Task GetRequestValidator(ManagementCall call)
    {
        var doc = call.Store.Get(ApiId(call), ApiKind.Rest, call.Caller).Doc;
        await call.JsonAsync(200, FindValidator(doc, call.Route("requestValidatorId")).DeepClone());
    }

    private static async Task UpdateRequestValidator(ManagementCall call)
    {
        var body = await call.BodyAsync();
        var validator = call.Store.Update(ApiId(call), ApiKind.Rest, call.Caller, doc =>
        {
            var validator = FindValidator(doc, call.Route("requestValidatorId"));
            PatchOperations.Apply(validator, body, "name", "validateRequestBody", "validateRequestParameters");
            return validator.DeepClone();
        });
        await call.JsonAsync(200, validator);
    }

    private static async Task DeleteRequestValidator(ManagementCall call)
    {
        var id = call.Route("requestValidatorId");
        call.Store.Update(ApiId(call), ApiKind.Rest, call.Caller, doc =>
        {
            FindValidator(doc, id);
            doc["requestValidators"]!.AsObject().Remove(id);
            return 0;
        });
        await call.EmptyAsync(202);
    }

    private static JsonObject FindValidator(JsonObject doc, string id) =>
        doc["requestValidators"]?[id] as JsonObject ?? throw GatewayErrors.NotFound("Invalid Request Validator identifier specified");

    // ---- gateway responses ----

    private static string ResponseType(ManagementCall call)
    {
        var type = call.Route("responseType");
        return GatewayErrors.Types.ContainsKey(type)
            ? type
            : throw GatewayErrors.BadRequest($"1 validation error detected: Value '{type}' at 'responseType' failed to satisfy constraint: Member must satisfy enum value set: [{string.Join(", ", GatewayErrors.Types.Keys)}]");
    }

    private static async Task PutGatewayResponse(ManagementCall call)
    {
        var body = await call.BodyAsync();
        var type = ResponseType(call);
        var status = String(body, "statusCode");
        if (status is not null && !(status.Length == 3 && status.All(char.IsAsciiDigit)))
        {
            throw GatewayErrors.BadRequest("Invalid status code: " + status);
        }

        ValidateGatewayParameters(body["responseParameters"] as JsonObject);
        var response = call.Store.Update(ApiId(call), ApiKind.Rest, call.Caller, doc =>
        {
            var stored = new JsonObject { ["responseType"] = type };
            Copy(body, stored, "statusCode", "responseParameters", "responseTemplates");
            Section(doc, "gatewayResponses")[type] = stored;
            return GatewayErrors.Describe(type, stored);
        });
        await call.JsonAsync(201, response);
    }

    private static void ValidateGatewayParameters(JsonObject? parameters)
    {
        foreach (var (k, _) in parameters ?? [])
        {
            if (!k.StartsWith("gatewayresponse.header.", StringComparison.Ordinal))
            {
                throw GatewayErrors.BadRequest($"Invalid mapping expression specified: Validation Result: warnings : [], errors : [Invalid mapping expression specified: {k}]");
            }
        }
    }

    private static async Task GetGatewayResponses(ManagementCall call)
    {
        var doc = call.Store.Get(ApiId(call), ApiKind.Rest, call.Caller).Doc;
        var stored = doc["gatewayResponses"] as JsonObject;
        var all = GatewayErrors.Types.Keys.Order(StringComparer.Ordinal).Select(t => (JsonNode)GatewayErrors.Describe(t, stored?[t] as JsonObject));
        await call.JsonAsync(200, call.Page(all, "item", "position", "limit"));
    }

    private static async Task GetGatewayResponse(ManagementCall call)
    {
        var type = ResponseType(call);
        var doc = call.Store.Get(ApiId(call), ApiKind.Rest, call.Caller).Doc;
        await call.JsonAsync(200, GatewayErrors.Describe(type, doc["gatewayResponses"]?[type] as JsonObject));
    }

    private static async Task UpdateGatewayResponse(ManagementCall call)
    {
        var body = await call.BodyAsync();
        var type = ResponseType(call);
        var response = call.Store.Update(ApiId(call), ApiKind.Rest, call.Caller, doc =>
        {
            var responses = Section(doc, "gatewayResponses");
            if (responses[type] is not JsonObject stored)
            {
                stored = new JsonObject { ["responseType"] = type };
                responses[type] = stored;
            }

            stored["responseParameters"] ??= new JsonObject();
            stored["responseTemplates"] ??= new JsonObject();
            PatchOperations.Apply(stored, body, "statusCode", "responseParameters", "responseTemplates");
            ValidateGatewayParameters(stored["responseParameters"] as JsonObject);
            return GatewayErrors.Describe(type, stored);
        });
        await call.JsonAsync(200, response);
    }

    private static async Task DeleteGatewayResponse(ManagementCall call)
    {
        var type = ResponseType(call);
        call.Store.Update(ApiId(call), ApiKind.Rest, call.Caller, doc =>
        {
            if ((doc["gatewayResponses"] as JsonObject)?.Remove(type) != true)
            {
                throw GatewayErrors.NotFound("Invalid Gateway Response specified");
            }

            return 0;
        });
        await call.EmptyAsync(202);
    }

    // ---- PATCH of method and integration responses ----

    /// <summary>Patch values arrive as strings; maps of booleans (method request/response parameters) keep booleans.</summary>
    internal static void BooleanValues(JsonObject? map)
    {
        foreach (var key in (map ?? []).Select(kv => kv.Key).ToList())
        {
            if (map![key] is JsonValue v && v.GetValueKind() == JsonValueKind.String && bool.TryParse(v.GetValue<string>(), out var b))
            {
                map[key] = b;
            }
        }
    }

    private static async Task UpdateMethodResponse(ManagementCall call)
    {
        var body = await call.BodyAsync();
        var response = Mutate(call, resource =>
        {
            var response = FindMethod(resource, Verb(call))["methodResponses"]?[StatusCode(call)] as JsonObject
                ?? throw GatewayErrors.NotFound("Invalid Response status code specified");
            response["responseParameters"] ??= new JsonObject();
            response["responseModels"] ??= new JsonObject();
            PatchOperations.Apply(response, body, "responseParameters", "responseModels");
            BooleanValues(response["responseParameters"] as JsonObject);
            return response;
        });
        await call.JsonAsync(200, response);
    }

    private static async Task UpdateIntegrationResponse(ManagementCall call)
    {
        var body = await call.BodyAsync();
        var response = Mutate(call, resource =>
        {
            var response = FindIntegration(resource, Verb(call))["integrationResponses"]?[StatusCode(call)] as JsonObject
                ?? throw GatewayErrors.NotFound("Invalid Response status code specified");
            response["responseParameters"] ??= new JsonObject();
            response["responseTemplates"] ??= new JsonObject();
            PatchOperations.Apply(response, body, "selectionPattern", "responseParameters", "responseTemplates", "contentHandling");
            return response;
        });
        await call.JsonAsync(200, response);
    }
}
