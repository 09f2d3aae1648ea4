using System.Text.Json.Nodes;
using Nimbus.Core.Errors;
using Nimbus.Core.Identity;
using Nimbus.Core.Provisioning;

namespace Nimbus.Gateway.Provisioning;

/// <summary>Calls the API Gateway management APIs in-process, and converts CloudFormation property names to theirs.</summary>
internal sealed class GatewayCalls(IServiceProvider services)
{
    /// <summary>Properties whose values are maps with user keys (kept as they are when converting names).</summary>
    private static readonly HashSet<string> Maps =
    [
        "Tags", "StageVariables", "Variables", "RequestParameters", "ResponseParameters", "RequestTemplates", "ResponseTemplates",
        "RequestModels", "ResponseModels", "TlsConfig",
    ];

    public Task<JsonNode?> CallAsync(string method, string path, JsonNode? body, AwsRequestContext caller) =>
        InProcessApi.RestJsonAsync(services, "apigateway", method, path, body, caller);

    public async Task DeleteAsync(string path, AwsRequestContext caller)
    {
        try
        {
            await CallAsync("DELETE", path, null, caller);
        }
        catch (AwsServiceException e) when (e.Error.Code == "NotFoundException")
        {
        }
    }

    /// <summary>CloudFormation's PascalCase names as the API's camelCase ones, for the listed properties only.</summary>
    public static JsonObject Camel(JsonObject properties, IEnumerable<string> names)
    {
        var result = new JsonObject();
        foreach (var name in names.Where(n => properties[n] is not null))
        {
            result[Lower(name)] = Maps.Contains(name) ? properties[name]!.DeepClone() : Camel(properties[name]);
        }

        return result;
    }

    public static JsonNode? Camel(JsonNode? node) => node switch
    {
        JsonObject o => new JsonObject(o.Select(kv => KeyValuePair.Create(Lower(kv.Key), Maps.Contains(kv.Key) ? kv.Value?.DeepClone() : Camel(kv.Value)))),
        JsonArray a => new JsonArray(a.Select(Camel).ToArray()),
        _ => node?.DeepClone(),
    };

    private static string Lower(string name) => char.ToLowerInvariant(name[0]) + name[1..];
}
