using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Nimbus.Core.Errors;
using Nimbus.Core.Functions;
using Nimbus.Functions.Registry;
using Nimbus.Functions.Urls;

namespace Nimbus.Functions.Api;

/// <summary>Create/Get/Update/Delete/ListFunctionUrlConfig(s): the HTTP endpoint of a function or one of its aliases.</summary>
/// <remarks>A URL belongs to the unqualified function, <c>$LATEST</c> or an alias; never a version number (the Smithy
/// pattern of <c>FunctionUrlQualifier</c> rejects digits-only qualifiers). Deleting the function or the alias deletes its URL.
/// <c>RESPONSE_STREAM</c> is accepted and stored; Nimbus serves such URLs buffered.</remarks>
internal static partial class LambdaApi
{
    private const string QualifierPattern = @"(^\$LATEST$)|((?!^[0-9]+$)([a-zA-Z0-9-_]+))";
    private static readonly string[] AuthTypes = ["NONE", "AWS_IAM"];
    private static readonly string[] InvokeModes = ["BUFFERED", "RESPONSE_STREAM"];

    [GeneratedRegex("^" + QualifierPattern + "$")]
    private static partial Regex UrlQualifierRegex();

    private static async Task CreateFunctionUrlConfig(HttpContext http, Api api)
    {
        var (key, qualifier) = UrlTarget(api);
        var body = await api.BodyAsync();
        var problems = new List<string>();
        var authType = Enum(body, "AuthType", "authType", AuthTypes, required: true, problems);
        var mode = Enum(body, "InvokeMode", "invokeMode", InvokeModes, required: false, problems);
        var cors = ReadCors(body, problems);
        ThrowIfInvalid(problems);

        var now = api.Time.GetUtcNow().ToUnixTimeMilliseconds();
        var state = api.Registry.Update(key, s =>
        {
            RequireUrlQualifier(s, qualifier);
            if (s.UrlConfigs.ContainsKey(qualifier ?? ""))
            {
                throw LambdaErrors.Conflict($"Failed to create function url config for [functionArn = {s.Key.ArnFor(qualifier)}]. Error message:  FunctionUrlConfig exists for this Lambda function").ToException();
            }

            var config = new FunctionUrlConfig(qualifier, FunctionUrlAddress.NewUrlId(), authType!, cors.Value, mode ?? "BUFFERED", now, now);
            return s with { UrlConfigs = s.UrlConfigs.SetItem(config.Slot, config) };
        });
        var created = UrlConfigJson(http, state, state.UrlConfigs[qualifier ?? ""]);
        created.Remove("LastModifiedTime");
        await api.JsonAsync(201, created);
    }

    private static Task GetFunctionUrlConfig(HttpContext http, Api api)
    {
        var (key, qualifier) = UrlTarget(api);
        var state = api.Registry.GetOrThrow(key);
        var config = state.UrlConfigs.GetValueOrDefault(qualifier ?? "") ?? throw NoUrlConfig();
        return api.JsonAsync(200, UrlConfigJson(http, state, config));
    }

    private static async Task UpdateFunctionUrlConfig(HttpContext http, Api api)
    {
        var (key, qualifier) = UrlTarget(api);
        var body = await api.BodyAsync();
        var problems = new List<string>();
        var authType = Enum(body, "AuthType", "authType", AuthTypes, required: false, problems);
        var mode = Enum(body, "InvokeMode", "invokeMode", InvokeModes, required: false, problems);
        var cors = ReadCors(body, problems);
        ThrowIfInvalid(problems);

        var now = api.Time.GetUtcNow().ToUnixTimeMilliseconds();
        var state = api.Registry.Update(key, s =>
        {
            var existing = s.UrlConfigs.GetValueOrDefault(qualifier ?? "") ?? throw NoUrlConfig();
            var config = existing with
            {
                AuthType = authType ?? existing.AuthType,
                InvokeMode = mode ?? existing.InvokeMode,
                Cors = cors.Present ? cors.Value : existing.Cors,
                LastModifiedTimeMs = now,
            };
            return s with { UrlConfigs = s.UrlConfigs.SetItem(config.Slot, config) };
        });
        await api.JsonAsync(200, UrlConfigJson(http, state, state.UrlConfigs[qualifier ?? ""]));
    }

    private static Task DeleteFunctionUrlConfig(HttpContext http, Api api)
    {
        var (key, qualifier) = UrlTarget(api);
        api.Registry.Update(key, s => s.UrlConfigs.ContainsKey(qualifier ?? "")
            ? s with { UrlConfigs = s.UrlConfigs.Remove(qualifier ?? "") }
            : throw NoUrlConfig());
        return api.EmptyAsync(204);
    }

    private static Task ListFunctionUrlConfigs(HttpContext http, Api api)
    {
        var (key, _) = api.Function();
        var state = api.Registry.GetOrThrow(key);
        var max = api.Query("MaxItems");
        if (max is not null && (!int.TryParse(max, NumberStyles.Integer, CultureInfo.InvariantCulture, out var m) || m is < 1 or > 50))
        {
            var constraint = int.TryParse(max, NumberStyles.Integer, CultureInfo.InvariantCulture, out var low) && low < 1
                ? "greater than or equal to 1" : "less than or equal to 50";
            throw FunctionName.Validation(max, "maxItems", $"Member must have value {constraint}").ToException();
        }

        var all = state.UrlConfigs.Values.OrderBy(c => c.Slot, StringComparer.Ordinal).ToList();
        var (page, next) = Paginate(all, api.Query("Marker"), max, c => c.UrlId);
        return api.JsonAsync(200, Page("FunctionUrlConfigs", [.. page.Select(c => (JsonNode)UrlConfigJson(http, state, c))], next));
    }

    /// <summary>The function and qualifier of a URL request: <c>?Qualifier=</c> or one in the name (they must agree).</summary>
    private static (FunctionKey Key, string? Qualifier) UrlTarget(Api api)
    {
        var (key, nameQualifier) = api.Function();
        var qualifier = api.Query("Qualifier");
        if (nameQualifier is not null && qualifier is not null && nameQualifier != qualifier)
        {
            throw LambdaErrors.InvalidParameter("The derived qualifier from the function name does not match the specified qualifier.").ToException();
        }

        qualifier ??= nameQualifier;
        if (qualifier is not null && (qualifier.Length > 128 || !UrlQualifierRegex().IsMatch(qualifier)))
        {
            throw FunctionName.Validation(qualifier, "qualifier", $"Member must satisfy regular expression pattern: {QualifierPattern}").ToException();
        }

        return (key, qualifier);
    }

    private static void RequireUrlQualifier(FunctionState state, string? qualifier)
    {
        if (qualifier is not null && qualifier != "$LATEST" && !state.Aliases.ContainsKey(qualifier))
        {
            throw LambdaErrors.FunctionNotFound(state.Key.ArnFor(qualifier)).ToException();
        }
    }

    private static AwsServiceException NoUrlConfig() =>
        new AwsError("ResourceNotFoundException", "The resource you requested does not exist.", 404).ToException();

    private static string? Enum(JsonObject body, string member, string field, string[] allowed, bool required, List<string> problems)
    {
        var node = body[member];
        if (node is null)
        {
            if (required)
            {
                problems.Add($"Value null at '{field}' failed to satisfy constraint: Member must not be null");
            }

            return null;
        }

        var value = node.ToString();
        if (!allowed.Contains(value))
        {
            problems.Add($"Value '{value}' at '{field}' failed to satisfy constraint: Member must satisfy enum value set: [{string.Join(", ", allowed)}]");
            return null;
        }

        return value;
    }

    /// <summary>Reads <c>Cors</c> with the Smithy model's constraints (list sizes, member lengths, <c>MaxAge</c> 0–86400).</summary>
    private static (bool Present, FunctionUrlCors? Value) ReadCors(JsonObject body, List<string> problems)
    {
        if (!body.TryGetPropertyValue("Cors", out var node) || node is null)
        {
            return (false, null);
        }

        if (node is not JsonObject cors)
        {
            throw LambdaErrors.InvalidParameter("Cors must be an object.").ToException();
        }

        if (cors.Count == 0)
        {
            return (true, null);
        }

        List<string> List(string member, string field, int maxItems, int minLength, int maxLength)
        {
            var items = cors[member] is JsonArray a ? a.Select(i => i?.ToString() ?? "").ToList() : [];
            if (items.Count > maxItems)
            {
                problems.Add($"Value '[{string.Join(", ", items)}]' at 'cors.{field}' failed to satisfy constraint: Member must have length less than or equal to {maxItems}");
            }
            else if (items.FirstOrDefault(i => i.Length < minLength || i.Length > maxLength) is { } bad)
            {
                var constraint = bad.Length < minLength ? $"greater than or equal to {minLength}" : $"less than or equal to {maxLength}";
                problems.Add($"Value '[{string.Join(", ", items)}]' at 'cors.{field}' failed to satisfy constraint: Member must satisfy constraint: [Member must have length {constraint}, Member must satisfy regular expression pattern: .*, Member must not be null]");
            }

            return items;
        }

        var allowHeaders = List("AllowHeaders", "allowHeaders", 100, 0, 1024);
        var allowMethods = List("AllowMethods", "allowMethods", 6, 0, 6);
        var allowOrigins = List("AllowOrigins", "allowOrigins", 100, 1, 253);
        var exposeHeaders = List("ExposeHeaders", "exposeHeaders", 100, 0, 1024);
        int? maxAge = null;
        if (cors["MaxAge"] is { } age)
        {
            maxAge = age.GetValue<int>();
            if (maxAge is < 0 or > 86400)
            {
                var constraint = maxAge < 0 ? "greater than or equal to 0" : "less than or equal to 86400";
                problems.Add($"Value '{maxAge.Value.ToString(CultureInfo.InvariantCulture)}' at 'cors.maxAge' failed to satisfy constraint: Member must have value {constraint}");
            }
        }

        var credentials = cors["AllowCredentials"] is { } c && c.GetValue<bool>();
        return (true, new FunctionUrlCors(credentials, allowHeaders, allowMethods, allowOrigins, exposeHeaders, maxAge));
    }

    private static void ThrowIfInvalid(List<string> problems)
    {
        if (problems.Count > 0)
        {
            var count = problems.Count == 1 ? "1 validation error detected" : $"{problems.Count.ToString(CultureInfo.InvariantCulture)} validation errors detected";
            throw new AwsError("ValidationException", $"{count}: {string.Join("; ", problems)}").ToException();
        }
    }

    private static JsonObject UrlConfigJson(HttpContext http, FunctionState state, FunctionUrlConfig config)
    {
        var o = new JsonObject
        {
            ["FunctionUrl"] = FunctionUrlAddress.Url(UrlEndpoint(http), config.UrlId),
            ["FunctionArn"] = state.Key.ArnFor(config.Qualifier),
            ["AuthType"] = config.AuthType,
        };
        if (config.Cors is { } cors)
        {
            static JsonArray Array(IReadOnlyList<string> items) => [.. items.Select(i => (JsonNode)i)];
            var c = new JsonObject
            {
                ["AllowCredentials"] = cors.AllowCredentials,
                ["AllowHeaders"] = Array(cors.AllowHeaders),
                ["AllowMethods"] = Array(cors.AllowMethods),
                ["AllowOrigins"] = Array(cors.AllowOrigins),
                ["ExposeHeaders"] = Array(cors.ExposeHeaders),
            };
            if (cors.MaxAge is { } age)
            {
                c["MaxAge"] = age;
            }

            o["Cors"] = c;
        }

        o["CreationTime"] = UrlTime(config.CreationTimeMs);
        o["LastModifiedTime"] = UrlTime(config.LastModifiedTimeMs);
        o["InvokeMode"] = config.InvokeMode;
        return o;
    }

    /// <summary>ISO-8601 with microseconds, as the function URL API writes its times (<c>2021-12-08T18:21:22.458000Z</c>).</summary>
    private static string UrlTime(long ms) =>
        DateTimeOffset.FromUnixTimeMilliseconds(ms).UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", CultureInfo.InvariantCulture);

    /// <summary>Where clients reach Nimbus: the configured endpoint, else the address this request came in on.</summary>
    private static string UrlEndpoint(HttpContext http) =>
        http.RequestServices.GetRequiredService<FunctionsOptions>().EndpointUrl ?? $"{http.Request.Scheme}://{http.Request.Host}";
}
