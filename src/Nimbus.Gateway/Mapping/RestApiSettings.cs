using System.Collections.Frozen;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Nimbus.Gateway.Mapping;

/// <summary>What a REST API deployment serves besides its resources: models (parsed JSON schemas), request validators
/// and customised gateway responses. Captured into the deployment snapshot, so edits need a redeployment, as on AWS.</summary>
internal sealed record RestApiSettings(
    FrozenDictionary<string, JsonNode?> Models,
    FrozenDictionary<string, JsonObject> Validators,
    FrozenDictionary<string, JsonObject> GatewayResponses)
{
    public static readonly RestApiSettings Empty = new(
        FrozenDictionary<string, JsonNode?>.Empty, FrozenDictionary<string, JsonObject>.Empty, FrozenDictionary<string, JsonObject>.Empty);

    /// <summary>The models a REST API has before any CreateModel: <c>Empty</c> and <c>Error</c>, as AWS creates them.</summary>
    public static JsonObject DefaultModels() => new()
    {
        ["Empty"] = new JsonObject
        {
            ["id"] = "empty0",
            ["name"] = "Empty",
            ["description"] = "This is a default empty schema model",
            ["schema"] = "{\n  \"$schema\": \"http://json-schema.org/draft-04/schema#\",\n  \"title\" : \"Empty Schema\",\n  \"type\" : \"object\"\n}",
            ["contentType"] = "application/json",
        },
        ["Error"] = new JsonObject
        {
            ["id"] = "error0",
            ["name"] = "Error",
            ["description"] = "This is a default error schema model",
            ["schema"] = "{\n  \"$schema\" : \"http://json-schema.org/draft-04/schema#\",\n  \"title\" : \"Error Schema\",\n  \"type\" : \"object\",\n  \"properties\" : {\n    \"message\" : { \"type\" : \"string\" }\n  }\n}",
            ["contentType"] = "application/json",
        },
    };

    /// <summary>The API's models (the defaults when none was ever created).</summary>
    public static JsonObject ModelsOf(JsonObject doc) => doc["models"] as JsonObject ?? DefaultModels();

    /// <summary>Copies the API's current models, validators and gateway responses into a deployment snapshot.</summary>
    public static void Capture(JsonObject doc, JsonObject snapshot)
    {
        snapshot["models"] = ModelsOf(doc).DeepClone();
        snapshot["requestValidators"] = doc["requestValidators"]?.DeepClone() ?? new JsonObject();
        snapshot["gatewayResponses"] = doc["gatewayResponses"]?.DeepClone() ?? new JsonObject();
    }

    public static RestApiSettings From(JsonObject snapshot)
    {
        if (snapshot["models"] is null && snapshot["requestValidators"] is null && snapshot["gatewayResponses"] is null)
        {
            return Empty;
        }

        var models = new Dictionary<string, JsonNode?>(StringComparer.Ordinal);
        foreach (var (name, model) in snapshot["models"] as JsonObject ?? [])
        {
            try
            {
                models[name] = model?["schema"] is JsonValue s ? JsonNode.Parse(s.GetValue<string>()) : null;
            }
            catch (JsonException)
            {
                models[name] = null;
            }
        }

        static FrozenDictionary<string, JsonObject> Objects(JsonNode? section) =>
            (section as JsonObject ?? []).Where(kv => kv.Value is JsonObject).ToFrozenDictionary(kv => kv.Key, kv => kv.Value!.AsObject(), StringComparer.Ordinal);

        return new RestApiSettings(
            models.ToFrozenDictionary(StringComparer.Ordinal),
            Objects(snapshot["requestValidators"]),
            Objects(snapshot["gatewayResponses"]));
    }
}
