using System.Collections.Immutable;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Nimbus.Core.Errors;
using Nimbus.Functions.Registry;
using Nimbus.Storage.Blobs;

namespace Nimbus.Functions.Api;

/// <summary>CreateFunction, GetFunction, ListFunctions, Update…, DeleteFunction.</summary>
internal static partial class LambdaApi
{
    private const string HotReloadBucket = "hot-reload";

    private static async Task CreateFunction(HttpContext http, Api api)
    {
        var body = await api.BodyAsync();
        var nameText = body["FunctionName"]?.GetValue<string>()
            ?? throw new AwsError("ValidationException", "1 validation error detected: Value null at 'functionName' failed to satisfy constraint: Member must not be null").ToException();
        var (key, qualifier) = FunctionName.Parse(nameText, api.Caller);
        if (qualifier is not null || key.Name.Contains('.', StringComparison.Ordinal))
        {
            throw FunctionName.Validation(nameText, "functionName", "Member must satisfy regular expression pattern: (arn:(aws[a-zA-Z-]*)?:lambda:)?([a-z]{2}(-gov)?-[a-z]+-\\d{1}:)?(\\d{12}:)?(function:)?([a-zA-Z0-9-_]+)").ToException();
        }

        if (api.Registry.Get(key) is not null)
        {
            throw LambdaErrors.Conflict($"Function already exist: {key.Name}").ToException();
        }

        var packageType = body["PackageType"]?.GetValue<string>() ?? "Zip";
        if (packageType == "Image")
        {
            throw LambdaErrors.InvalidParameter("PackageType Image is not supported by Nimbus yet: container images come with the containers work.").ToException();
        }

        var code = ReadCode(body["Code"] as JsonObject, api, "CreateFunction")
            ?? throw LambdaErrors.InvalidParameter("Please provide a source for function code.").ToException();
        var now = LambdaTime.Format(api.Time.GetUtcNow());
        var config = new FunctionConfig
        {
            FunctionName = key.Name,
            FunctionArn = key.UnqualifiedArn,
            LastModified = now,
            CodeSha256 = code.Sha256,
            CodeSize = code.Size,
            CodeHex = code.Hex,
            CodeDirectory = code.Directory,
            RevisionId = Guid.NewGuid().ToString(),
        };
        config = FunctionSettings.Apply(body, config, create: true, api.Registry, api.Caller);
        CheckUnzippedTotal(code.Unzipped, config);
        PrepareCode(api, config);

        var tags = (body["Tags"] as JsonObject)?.ToImmutableDictionary(p => p.Key, p => p.Value?.GetValue<string>() ?? "") ?? ImmutableDictionary<string, string>.Empty;
        var state = new FunctionState(key, config, ImmutableSortedDictionary<long, FunctionConfig>.Empty, ImmutableDictionary<string, AliasConfig>.Empty, null, tags, 0);
        var publish = body["Publish"]?.GetValue<bool>() == true;
        if (publish)
        {
            state = Publish(state, config.Description, api);
        }

        api.Registry.Create(state);

        // The response shows the function as AWS does right after the call: still Pending. The code is unpacked
        // already, so GetFunction reports it Active immediately afterwards.
        var shown = (publish ? state.Versions.Values.Last() : config) with
        {
            State = "Pending",
            StateReason = "The function is being created.",
            StateReasonCode = "Creating",
        };
        await api.JsonAsync(201, ForApi(shown), FunctionsJson.Api.FunctionConfig);
    }

    private static Task ListFunctions(HttpContext http, Api api)
    {
        var all = api.Query("FunctionVersion") == "ALL";
        var items = api.Registry.List(api.Caller.AccountId, api.Caller.Region)
            .SelectMany(f => all ? f.Versions.Values.Prepend(f.Latest) : [f.Latest])
            .ToList();
        var (page, next) = Paginate(items, api.Query("Marker"), api.Query("MaxItems"), c => c.FunctionArn + ":" + c.Version);
        return api.JsonAsync(200, Page("Functions", new JsonArray(page.Select(c => JsonSerializer.SerializeToNode(ForApi(c), FunctionsJson.Api.FunctionConfig)).ToArray()), next));
    }

    private static Task GetFunction(HttpContext http, Api api)
    {
        var (state, config) = Lookup(api);
        var result = new JsonObject
        {
            ["Configuration"] = JsonSerializer.SerializeToNode(ForApi(config), FunctionsJson.Api.FunctionConfig),
            ["Code"] = new JsonObject { ["RepositoryType"] = "S3", ["Location"] = api.BlobUrl(config.CodeHex) },
        };
        if (!state.Tags.IsEmpty)
        {
            result["Tags"] = new JsonObject(state.Tags.Select(t => KeyValuePair.Create(t.Key, (JsonNode?)t.Value)));
        }

        if (state.ReservedConcurrency is { } reserved)
        {
            result["Concurrency"] = new JsonObject { ["ReservedConcurrentExecutions"] = reserved };
        }

        return api.JsonAsync(200, result);
    }

    private static Task GetFunctionConfiguration(HttpContext http, Api api)
    {
        var (_, config) = Lookup(api);
        return api.JsonAsync(200, ForApi(config), FunctionsJson.Api.FunctionConfig);
    }

    private static async Task UpdateFunctionConfiguration(HttpContext http, Api api)
    {
        var (key, _) = api.Function();
        var body = await api.BodyAsync();
        var updated = api.Registry.Update(key, state =>
        {
            CheckRevision(body, state.Latest.RevisionId);
            var config = FunctionSettings.Apply(body, state.Latest, create: false, api.Registry, api.Caller) with
            {
                LastModified = LambdaTime.Format(api.Time.GetUtcNow()),
                RevisionId = Guid.NewGuid().ToString(),
            };
            PrepareCode(api, config);
            return state with { Latest = config };
        });
        await api.JsonAsync(200, ForApi(updated.Latest with { LastUpdateStatus = "InProgress", LastUpdateStatusReason = "The function is being created.", LastUpdateStatusReasonCode = "Creating" }), FunctionsJson.Api.FunctionConfig);
    }

    private static async Task UpdateFunctionCode(HttpContext http, Api api)
    {
        var (key, _) = api.Function();
        var body = await api.BodyAsync();
        var code = ReadCode(body, api, "UpdateFunctionCode")
            ?? throw LambdaErrors.InvalidParameter("Please provide a source for function code.").ToException();
        var publish = body["Publish"]?.GetValue<bool>() == true;
        var updated = api.Registry.Update(key, state =>
        {
            CheckRevision(body, state.Latest.RevisionId);
            var config = state.Latest with
            {
                CodeSha256 = code.Sha256,
                CodeSize = code.Size,
                CodeHex = code.Hex,
                CodeDirectory = code.Directory,
                LastModified = LambdaTime.Format(api.Time.GetUtcNow()),
                RevisionId = Guid.NewGuid().ToString(),
            };
            CheckUnzippedTotal(code.Unzipped, config);
            PrepareCode(api, config);
            var next = state with { Latest = config };
            return publish ? Publish(next, config.Description, api) : next;
        });
        var shown = publish ? updated.Versions.Values.Last() : updated.Latest with { LastUpdateStatus = "InProgress", LastUpdateStatusReason = "The function is being created.", LastUpdateStatusReasonCode = "Creating" };
        await api.JsonAsync(200, ForApi(shown), FunctionsJson.Api.FunctionConfig);
    }

    private static Task DeleteFunction(HttpContext http, Api api)
    {
        var (key, nameQualifier) = api.Function();
        var qualifier = api.Query("Qualifier") ?? nameQualifier;
        if (qualifier is null)
        {
            api.Registry.Delete(key);
            return api.EmptyAsync(204);
        }

        if (qualifier == "$LATEST")
        {
            throw LambdaErrors.InvalidParameter("$LATEST version cannot be deleted without deleting the function.").ToException();
        }

        if (!long.TryParse(qualifier, out var number))
        {
            throw LambdaErrors.InvalidParameter("Deletion of aliases is not supported.").ToException();
        }

        api.Registry.Update(key, state =>
        {
            if (!state.Versions.ContainsKey(number))
            {
                return state;
            }

            var users = state.Aliases.Values.Where(a => a.FunctionVersion == qualifier || a.RoutingConfig?.AdditionalVersionWeights?.ContainsKey(qualifier) == true).Select(a => a.Name).ToList();
            if (users.Count > 0)
            {
                throw LambdaErrors.Conflict($"Unable to delete version because the following aliases reference it: [{string.Join(", ", users)}]").ToException();
            }

            return state with { Versions = state.Versions.Remove(number), EventInvokeConfigs = state.EventInvokeConfigs.Remove(qualifier) };
        });
        return api.EmptyAsync(204);
    }

    /// <summary>The function and the configuration named by the path and <c>Qualifier</c> (a version or an alias).</summary>
    private static (FunctionState State, FunctionConfig Config) Lookup(Api api)
    {
        var (key, nameQualifier) = api.Function();
        var qualifier = api.Query("Qualifier") ?? nameQualifier;
        var state = api.Registry.Get(key) ?? throw LambdaErrors.FunctionNotFound(key.ArnFor(qualifier)).ToException();
        if (qualifier is not null && !char.IsAsciiDigit(qualifier[0]) && qualifier != "$LATEST")
        {
            qualifier = state.Aliases.TryGetValue(qualifier, out var alias) ? alias.FunctionVersion : throw LambdaErrors.FunctionNotFound(key.ArnFor(qualifier)).ToException();
        }

        var config = state.Version(qualifier ?? "$LATEST") ?? throw LambdaErrors.FunctionNotFound(key.ArnFor(qualifier)).ToException();
        return (state, config);
    }

    private static void CheckRevision(JsonObject body, string current)
    {
        if (body["RevisionId"]?.GetValue<string>() is { } revision && revision != current)
        {
            throw LambdaErrors.PreconditionFailed("The Revision Id provided does not match the latest Revision Id. Call the GetFunction/GetAlias API to retrieve the latest Revision Id").ToException();
        }
    }

    private static void CheckUnzippedTotal(long unzipped, FunctionConfig config)
    {
        if (unzipped + (config.Layers?.Sum(l => l.CodeSize) ?? 0) > Code.CodeStore.MaxUnzippedBytes && config.CodeDirectory is null)
        {
            throw LambdaErrors.InvalidParameter($"Function code combined with layers exceeds the maximum allowed size of {Code.CodeStore.MaxUnzippedBytes} bytes. The actual size is {unzipped} bytes.").ToException();
        }
    }

    /// <summary>Unpacks code and layers now, so the first invocation does not pay for it.</summary>
    private static void PrepareCode(Api api, FunctionConfig config)
    {
        if (config.CodeHex is not null)
        {
            api.Code.Unpacked(config.CodeHex);
        }

        api.Code.MergedLayers(config.Layers?.Select(l => l.CodeHex!).ToList() ?? []);
    }

    private sealed record CodeInput(string Sha256, long Size, long Unzipped, string? Hex, string? Directory);

    /// <summary>Reads <c>ZipFile</c> (base64), or the <c>hot-reload</c> bucket whose key is a local folder.</summary>
    private static CodeInput? ReadCode(JsonObject? code, Api api, string operation)
    {
        if (code is null)
        {
            return null;
        }

        if (code["ZipFile"]?.GetValue<string>() is { } zipBase64)
        {
            byte[] zip;
            try
            {
                zip = Convert.FromBase64String(zipBase64);
            }
            catch (FormatException)
            {
                throw LambdaErrors.InvalidParameter("Could not unzip uploaded file. Please check your file, then try to upload again.").ToException();
            }

            if (zip.Length > Code.CodeStore.MaxZippedBytes)
            {
                throw LambdaErrors.RequestTooLarge(Code.CodeStore.MaxZippedBytes, operation).ToException();
            }

            var (blob, unzipped) = api.Code.StoreZip(zip);
            return new CodeInput(blob.Base64Sha256, blob.Size, unzipped, blob.Hex, null);
        }

        if (code["S3Bucket"]?.GetValue<string>() == HotReloadBucket && code["S3Key"]?.GetValue<string>() is { } directory)
        {
            if (!Path.IsPathRooted(directory) || !Directory.Exists(directory))
            {
                throw LambdaErrors.InvalidParameter($"The hot-reload code folder {directory} does not exist or is not an absolute path.").ToException();
            }

            var digest = Convert.ToBase64String(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(directory)));
            return new CodeInput(digest, 0, 0, null, directory);
        }

        if (code["S3Bucket"] is not null)
        {
            throw LambdaErrors.InvalidParameter("Code from S3 buckets comes with the S3 service; use ZipFile, or S3Bucket 'hot-reload' with a local folder as S3Key.").ToException();
        }

        return null;
    }

    internal static FunctionConfig ForApi(FunctionConfig config) => config with
    {
        CodeHex = null,
        CodeDirectory = null,
        Layers = config.Layers?.Select(l => l with { CodeHex = null }).ToList(),
    };

    /// <summary>A list response: the page under <paramref name="member"/>, and <c>NextMarker</c> when there is more.</summary>
    private static JsonObject Page(string member, JsonArray items, string? next)
    {
        var result = new JsonObject { [member] = items };
        if (next is not null)
        {
            result["NextMarker"] = next;
        }

        return result;
    }

    /// <summary>Pages a list by an opaque marker (the key of the last item returned).</summary>
    private static (List<T> Page, string? Next) Paginate<T>(List<T> items, string? marker, string? maxItems, Func<T, string> keyOf)
    {
        var max = int.TryParse(maxItems, out var m) ? m : 50;
        if (max is < 1 or > 10000)
        {
            throw new AwsError("ValidationException", $"1 validation error detected: Value '{max}' at 'maxItems' failed to satisfy constraint: Member must have value {(max < 1 ? "greater than or equal to 1" : "less than or equal to 10000")}").ToException();
        }

        var start = 0;
        if (marker is not null)
        {
            var after = System.Text.Encoding.UTF8.GetString(Convert.FromBase64String(marker));
            start = items.FindIndex(i => keyOf(i) == after) + 1;
        }

        var page = items.Skip(start).Take(max).ToList();
        var next = start + page.Count < items.Count && page.Count > 0 ? Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes(keyOf(page[^1]))) : null;
        return (page, next);
    }

    /// <summary>Publishes $LATEST as a new version, unless it is unchanged since the last one (then that is returned).</summary>
    private static FunctionState Publish(FunctionState state, string description, Api api)
    {
        var latest = state.Latest;
        if (state.Versions.Count > 0)
        {
            var last = state.Versions.Values.Last();
            if (last.CodeSha256 == latest.CodeSha256 && SameSettings(last, latest))
            {
                return state;
            }
        }

        var number = state.LastVersion + 1;
        var version = latest with
        {
            Version = number.ToString(System.Globalization.CultureInfo.InvariantCulture),
            FunctionArn = state.Key.ArnFor(number.ToString(System.Globalization.CultureInfo.InvariantCulture)),
            Description = description,
            LastModified = LambdaTime.Format(api.Time.GetUtcNow()),
            RevisionId = Guid.NewGuid().ToString(),
            State = "Active",
        };
        return state with { Versions = state.Versions.Add(number, version), LastVersion = number };
    }

    private static bool SameSettings(FunctionConfig a, FunctionConfig b) =>
        JsonSerializer.Serialize(Normalise(a), FunctionsJson.Api.FunctionConfig) == JsonSerializer.Serialize(Normalise(b), FunctionsJson.Api.FunctionConfig);

    private static FunctionConfig Normalise(FunctionConfig c) =>
        c with { Version = "", FunctionArn = "", LastModified = "", RevisionId = "", Description = "" };
}
