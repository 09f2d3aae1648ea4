using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http;
using Nimbus.Core.Errors;
using Nimbus.Functions.Registry;

namespace Nimbus.Functions.Api;

/// <summary>PublishLayerVersion, GetLayerVersion, ListLayers, ListLayerVersions, DeleteLayerVersion.</summary>
internal static partial class LambdaApi
{
    [GeneratedRegex("^[a-zA-Z0-9-_]+$")]
    private static partial Regex LayerNamePattern();

    private static async Task PublishLayerVersion(HttpContext http, Api api)
    {
        var layer = LayerName(api);
        var body = await api.BodyAsync();
        var zip = body["Content"]?["ZipFile"]?.GetValue<string>()
            ?? throw LambdaErrors.InvalidParameter("Please provide a source for layer content: ZipFile.").ToException();
        byte[] bytes;
        try
        {
            bytes = Convert.FromBase64String(zip);
        }
        catch (FormatException)
        {
            throw LambdaErrors.InvalidParameter("Could not unzip uploaded file. Please check your file, then try to upload again.").ToException();
        }

        var (blob, _) = api.Code.StoreZip(bytes);
        var layerArn = $"arn:aws:lambda:{api.Caller.Region}:{api.Caller.AccountId}:layer:{layer}";
        var record = api.Registry.PublishLayer(api.Caller.AccountId, api.Caller.Region, layer, version => new LayerVersionRecord
        {
            Content = new LayerVersionContent(api.BlobUrl(blob.Hex), blob.Base64Sha256, blob.Size) { CodeHex = blob.Hex },
            LayerArn = layerArn,
            LayerVersionArn = $"{layerArn}:{version}",
            Description = body["Description"]?.GetValue<string>() ?? "",
            CreatedDate = LambdaTime.Format(api.Time.GetUtcNow()),
            Version = version,
            CompatibleRuntimes = (body["CompatibleRuntimes"] as JsonArray)?.Select(r => r!.GetValue<string>()).ToList(),
            LicenseInfo = body["LicenseInfo"]?.GetValue<string>(),
            CompatibleArchitectures = (body["CompatibleArchitectures"] as JsonArray)?.Select(r => r!.GetValue<string>()).ToList(),
        });
        api.Code.Unpacked(blob.Hex);
        await api.JsonAsync(201, ForApi(record), FunctionsJson.Api.LayerVersionRecord);
    }

    private static Task GetLayerVersion(HttpContext http, Api api)
    {
        var record = api.Registry.LayerVersion(api.Caller.AccountId, api.Caller.Region, LayerName(api), LayerVersionNumber(api))
            ?? throw LambdaErrors.LayerVersionNotFound().ToException();
        return api.JsonAsync(200, ForApi(record), FunctionsJson.Api.LayerVersionRecord);
    }

    private static Task DeleteLayerVersion(HttpContext http, Api api)
    {
        api.Registry.DeleteLayerVersion(api.Caller.AccountId, api.Caller.Region, LayerName(api), LayerVersionNumber(api));
        return api.EmptyAsync(204);
    }

    private static Task ListLayerVersions(HttpContext http, Api api)
    {
        var runtime = api.Query("CompatibleRuntime");
        var versions = api.Registry.LayerVersions(api.Caller.AccountId, api.Caller.Region, LayerName(api)).Values.Reverse()
            .Where(v => runtime is null || v.CompatibleRuntimes?.Contains(runtime) == true)
            .ToList();
        var (page, next) = Paginate(versions, api.Query("Marker"), api.Query("MaxItems"), v => v.LayerVersionArn);
        return api.JsonAsync(200, Page("LayerVersions", new JsonArray(page.Select(ListItem).ToArray()), next));
    }

    private static Task ListLayers(HttpContext http, Api api)
    {
        if (api.Query("find") == "LayerVersion")
        {
            return GetLayerVersionByArn(api);
        }

        var runtime = api.Query("CompatibleRuntime");
        var layers = api.Registry.Layers(api.Caller.AccountId, api.Caller.Region)
            .Select(l => (l.Layer, Latest: l.Versions.Values.Reverse().FirstOrDefault(v => runtime is null || v.CompatibleRuntimes?.Contains(runtime) == true)))
            .Where(l => l.Latest is not null)
            .ToList();
        var (page, next) = Paginate(layers, api.Query("Marker"), api.Query("MaxItems"), l => l.Layer);
        return api.JsonAsync(200, Page("Layers", new JsonArray(page.Select(l => (JsonNode)new JsonObject
            {
                ["LayerName"] = l.Layer,
                ["LayerArn"] = l.Latest!.LayerArn,
                ["LatestMatchingVersion"] = ListItem(l.Latest),
            }).ToArray()), next));
    }

    private static Task GetLayerVersionByArn(Api api)
    {
        var arn = api.Query("Arn") ?? "";
        var m = FunctionSettings.LayerVersionArn().Match(arn);
        if (!m.Success)
        {
            throw FunctionName.Validation(arn, "arn", "Member must satisfy regular expression pattern: arn:[a-zA-Z0-9-]+:lambda:[a-zA-Z0-9-]+:\\d{12}:layer:[a-zA-Z0-9-_]+:[0-9]+").ToException();
        }

        var record = api.Registry.LayerVersion(m.Groups["account"].Value, m.Groups["region"].Value, m.Groups["name"].Value, long.Parse(m.Groups["version"].Value, CultureInfo.InvariantCulture))
            ?? throw LambdaErrors.LayerVersionNotFound().ToException();
        return api.JsonAsync(200, ForApi(record), FunctionsJson.Api.LayerVersionRecord);
    }

    private static JsonNode ListItem(LayerVersionRecord v)
    {
        var node = JsonSerializer.SerializeToNode(ForApi(v), FunctionsJson.Api.LayerVersionRecord)!.AsObject();
        node.Remove("Content");
        node.Remove("LayerArn");
        return node;
    }

    private static LayerVersionRecord ForApi(LayerVersionRecord record) => record with { Content = record.Content with { CodeHex = null } };

    private static string LayerName(Api api)
    {
        var name = api.Route("layer");
        var colon = name.LastIndexOf(":layer:", StringComparison.Ordinal);
        if (colon >= 0)
        {
            name = name[(colon + 7)..];
        }

        if (name.Length is < 1 or > 140 || !LayerNamePattern().IsMatch(name))
        {
            throw FunctionName.Validation(name, "layerName", "Member must satisfy regular expression pattern: (arn:[a-zA-Z0-9-]+:lambda:[a-zA-Z0-9-]+:\\d{12}:layer:[a-zA-Z0-9-_]+)|[a-zA-Z0-9-_]+").ToException();
        }

        return name;
    }

    private static long LayerVersionNumber(Api api) =>
        long.TryParse(api.Route("version"), NumberStyles.None, CultureInfo.InvariantCulture, out var v) ? v : throw LambdaErrors.LayerVersionNotFound().ToException();
}
