using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http;
using Nimbus.Core.Errors;
using Nimbus.Functions.Registry;

namespace Nimbus.Functions.Api;

/// <summary>PublishVersion, ListVersionsByFunction and the alias operations.</summary>
internal static partial class LambdaApi
{
    [GeneratedRegex("^(?!^[0-9]+$)([a-zA-Z0-9-_]+)$")]
    private static partial Regex AliasName();

    private static async Task PublishVersion(HttpContext http, Api api)
    {
        var (key, _) = api.Function();
        var body = await api.BodyAsync();
        var updated = api.Registry.Update(key, state =>
        {
            CheckRevision(body, state.Latest.RevisionId);
            if (body["CodeSha256"]?.GetValue<string>() is { } sha && sha != state.Latest.CodeSha256)
            {
                throw LambdaErrors.InvalidParameter($"CodeSHA256 ({sha}) is different from current CodeSHA256 in $LATEST ({state.Latest.CodeSha256}). Please try again with the CodeSHA256 in $LATEST.").ToException();
            }

            return Publish(state, body["Description"]?.GetValue<string>() ?? state.Latest.Description, api);
        });
        await api.JsonAsync(201, ForApi(updated.Versions.Values.Last()), FunctionsJson.Api.FunctionConfig);
    }

    private static Task ListVersionsByFunction(HttpContext http, Api api)
    {
        var (key, _) = api.Function();
        var state = api.Registry.GetOrThrow(key);
        var items = state.Versions.Values.Prepend(state.Latest).ToList();
        var (page, next) = Paginate(items, api.Query("Marker"), api.Query("MaxItems"), c => c.Version);
        return api.JsonAsync(200, Page("Versions", new JsonArray(page.Select(c => JsonSerializer.SerializeToNode(ForApi(c), FunctionsJson.Api.FunctionConfig)).ToArray()), next));
    }

    private static async Task CreateAlias(HttpContext http, Api api)
    {
        var (key, _) = api.Function();
        var body = await api.BodyAsync();
        var name = body["Name"]?.GetValue<string>() ?? "";
        if (name.Length is < 1 or > 128 || !AliasName().IsMatch(name))
        {
            throw FunctionName.Validation(name, "name", "Member must satisfy regular expression pattern: (?!^[0-9]+$)([a-zA-Z0-9-_]+)").ToException();
        }

        AliasConfig? alias = null;
        api.Registry.Update(key, state =>
        {
            if (state.Aliases.ContainsKey(name))
            {
                throw LambdaErrors.Conflict($"Alias already exists: {key.ArnFor(name)}").ToException();
            }

            alias = new AliasConfig(
                key.ArnFor(name), name,
                CheckVersion(state, body["FunctionVersion"]?.GetValue<string>()),
                body["Description"]?.GetValue<string>() ?? "",
                ReadRouting(state, body),
                Guid.NewGuid().ToString());
            return state with { Aliases = state.Aliases.Add(name, alias) };
        });
        await api.JsonAsync(201, alias!, FunctionsJson.Api.AliasConfig);
    }

    private static Task GetAlias(HttpContext http, Api api)
    {
        var (key, _) = api.Function();
        var name = api.Route("alias");
        var state = api.Registry.GetOrThrow(key);
        var alias = state.Aliases.TryGetValue(name, out var a) ? a : throw LambdaErrors.AliasNotFound(key.ArnFor(name)).ToException();
        return api.JsonAsync(200, alias, FunctionsJson.Api.AliasConfig);
    }

    private static Task ListAliases(HttpContext http, Api api)
    {
        var (key, _) = api.Function();
        var state = api.Registry.GetOrThrow(key);
        var version = api.Query("FunctionVersion");
        var items = state.Aliases.Values.Where(a => version is null || a.FunctionVersion == version).OrderBy(a => a.Name, StringComparer.Ordinal).ToList();
        var (page, next) = Paginate(items, api.Query("Marker"), api.Query("MaxItems"), a => a.Name);
        return api.JsonAsync(200, Page("Aliases", new JsonArray(page.Select(a => JsonSerializer.SerializeToNode(a, FunctionsJson.Api.AliasConfig)).ToArray()), next));
    }

    private static async Task UpdateAlias(HttpContext http, Api api)
    {
        var (key, _) = api.Function();
        var name = api.Route("alias");
        var body = await api.BodyAsync();
        AliasConfig? alias = null;
        api.Registry.Update(key, state =>
        {
            var current = state.Aliases.TryGetValue(name, out var a) ? a : throw LambdaErrors.AliasNotFound(key.ArnFor(name)).ToException();
            if (body["RevisionId"]?.GetValue<string>() is { } revision && revision != current.RevisionId)
            {
                throw LambdaErrors.PreconditionFailed("The Revision Id provided does not match the latest Revision Id. Call the GetFunction/GetAlias API to retrieve the latest Revision Id").ToException();
            }

            alias = current with
            {
                FunctionVersion = body["FunctionVersion"] is null ? current.FunctionVersion : CheckVersion(state, body["FunctionVersion"]!.GetValue<string>()),
                Description = body["Description"]?.GetValue<string>() ?? current.Description,
                RoutingConfig = body.ContainsKey("RoutingConfig") ? ReadRouting(state, body) : current.RoutingConfig,
                RevisionId = Guid.NewGuid().ToString(),
            };
            return state with { Aliases = state.Aliases.SetItem(name, alias) };
        });
        await api.JsonAsync(200, alias!, FunctionsJson.Api.AliasConfig);
    }

    private static Task DeleteAlias(HttpContext http, Api api)
    {
        var (key, _) = api.Function();
        var name = api.Route("alias");
        api.Registry.Update(key, state => state.Aliases.ContainsKey(name) ? state with { Aliases = state.Aliases.Remove(name), EventInvokeConfigs = state.EventInvokeConfigs.Remove(name), UrlConfigs = state.UrlConfigs.Remove(name) } : state);
        return api.EmptyAsync(204);
    }

    private static string CheckVersion(FunctionState state, string? version)
    {
        if (version is null)
        {
            throw new AwsError("ValidationException", "1 validation error detected: Value null at 'functionVersion' failed to satisfy constraint: Member must not be null").ToException();
        }

        if (state.Version(version) is null)
        {
            throw LambdaErrors.FunctionNotFound(state.Key.ArnFor(version)).ToException();
        }

        return version;
    }

    private static AliasRoutingConfig? ReadRouting(FunctionState state, JsonObject body)
    {
        if (body["RoutingConfig"]?["AdditionalVersionWeights"] is not JsonObject weights || weights.Count == 0)
        {
            return null;
        }

        if (weights.Count > 1)
        {
            throw LambdaErrors.InvalidParameter("Number of items in AdditionalVersionWeights cannot be greater than 1").ToException();
        }

        var result = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var (version, weightNode) in weights)
        {
            var weight = weightNode!.GetValue<double>();
            if (weight is < 0 or > 1 || double.IsNaN(weight))
            {
                throw FunctionName.Validation(weight.ToString(CultureInfo.InvariantCulture), "routingConfig.additionalVersionWeights", "Map value must satisfy constraint: [Member must have value less than or equal to 1.0, Member must have value greater than or equal to 0.0]").ToException();
            }

            if (version == "$LATEST" || state.Version(version) is null)
            {
                throw LambdaErrors.InvalidParameter(version == "$LATEST"
                    ? "$LATEST is not supported for an alias pointing to more than 1 version"
                    : $"Function not found: {state.Key.ArnFor(version)}").ToException();
            }

            result[version] = weight;
        }

        return new AliasRoutingConfig(result);
    }
}
