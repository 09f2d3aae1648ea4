using System.Globalization;
using System.Text.Json.Nodes;

namespace Nimbus.Templates.Sam;

/// <summary>The two SAM types translated inline: <c>SimpleTable</c> (a DynamoDB table) and <c>LayerVersion</c> (a hashed Lambda layer version).</summary>
internal sealed partial class TranslationContext
{
    // ---- SimpleTable ----------------------------------------------------------------------------------------------

    private static readonly Dictionary<string, string> AttributeTypes = new(StringComparer.Ordinal) { ["String"] = "S", ["Number"] = "N", ["Binary"] = "B" };

    private List<(string, JsonObject)> TranslateSimpleTable(string id, JsonObject resource, JsonObject p)
    {
        CheckProperties(id, "AWS::Serverless::SimpleTable", p, "PrimaryKey", "ProvisionedThroughput", "TableName", "Tags", "SSESpecification", "PointInTimeRecoverySpecification");
        var props = new JsonObject();
        string keyName = "id", keyType = "S";
        JsonNode? keyNameNode = keyName;
        if (p["PrimaryKey"] is JsonObject pk)
        {
            if (pk["Name"] is null)
            {
                throw new InvalidResourceException(id, "Property 'PrimaryKey.Name' is required.");
            }
            keyNameNode = pk["Name"]!.DeepClone();
            var type = pk["Type"];
            if (Json.Str(type) is { } t)
            {
                if (!AttributeTypes.TryGetValue(t, out keyType!))
                {
                    throw new InvalidResourceException(id, $"Invalid 'Type' \"{t}\".");
                }
            }
            else if (type is null)
            {
                throw new InvalidResourceException(id, "Property 'PrimaryKey.Type' is required.");
            }
        }
        else if (p["PrimaryKey"] is not null)
        {
            throw new InvalidResourceException(id, "Property 'PrimaryKey' should be a map.");
        }
        props["AttributeDefinitions"] = new JsonArray(new JsonObject { ["AttributeName"] = keyNameNode?.DeepClone(), ["AttributeType"] = keyType });
        props["KeySchema"] = new JsonArray(new JsonObject { ["AttributeName"] = keyNameNode?.DeepClone(), ["KeyType"] = "HASH" });
        if (p["ProvisionedThroughput"] is { } pt)
        {
            props["ProvisionedThroughput"] = pt.DeepClone();
        }
        else
        {
            props["BillingMode"] = "PAY_PER_REQUEST";
        }
        foreach (var name in new[] { "SSESpecification", "TableName", "PointInTimeRecoverySpecification" })
        {
            if (p[name] is { } v)
            {
                props[name] = v.DeepClone();
            }
        }
        if (p["Tags"] is JsonObject tags && tags.Count > 0)
        {
            props["Tags"] = TagList(id, tags, samTag: false);
        }
        var table = NewResource("AWS::DynamoDB::Table", props, resource, "Condition", "DeletionPolicy", "UpdateReplacePolicy", "DependsOn", "Metadata");
        return [(id, table)];
    }

    // ---- LayerVersion ---------------------------------------------------------------------------------------------

    private List<(string, JsonObject)> TranslateLayer(string id, JsonObject resource, JsonObject p)
    {
        CheckProperties(id, "AWS::Serverless::LayerVersion", p, "LayerName", "Description", "ContentUri", "CompatibleArchitectures", "CompatibleRuntimes", "LicenseInfo", "RetentionPolicy", "PublishLambdaVersion");
        var resolved = (JsonObject)ResolveParameterRefs(p)!;
        var hashProperties = resolved.DeepClone().AsObject();
        foreach (var list in new[] { "CompatibleArchitectures", "CompatibleRuntimes" })
        {
            // The translator resolves parameters in the layer's string properties only: lists hash as written.
            if (p[list] is { } written)
            {
                hashProperties[list] = written.DeepClone();
            }
        }
        var hashSource = new JsonObject { ["Type"] = "AWS::Serverless::LayerVersion", ["Properties"] = hashProperties };
        foreach (var attr in new[] { "Condition", "DependsOn" })
        {
            if (resource[attr] is { } v)
            {
                hashSource[attr] = v.DeepClone();
            }
        }
        var newId = id + SamTranslator.Hash(new JsonObject { [id] = hashSource });
        var props = new JsonObject();
        props["Content"] = S3Location(id, "ContentUri", p["ContentUri"]);
        props["LayerName"] = resolved["LayerName"]?.DeepClone() ?? id;
        foreach (var name in new[] { "Description", "CompatibleRuntimes", "CompatibleArchitectures" })
        {
            if (p[name] is { } v)
            {
                props[name] = v.DeepClone();
            }
        }
        if (resolved["LicenseInfo"] is { } license)
        {
            props["LicenseInfo"] = license.DeepClone();
        }
        var layer = NewResource("AWS::Lambda::LayerVersion", props, resource, "Condition", "DependsOn", "Metadata", "UpdateReplacePolicy");
        var retention = resolved["RetentionPolicy"];
        string deletion = "Retain";
        if (retention is null)
        {
            deletion = Json.Str(resource["DeletionPolicy"]) ?? "Retain";
        }
        else if (Json.Str(retention) is { } r)
        {
            deletion = r.ToUpperInvariant() switch
            {
                "RETAIN" => "Retain",
                "DELETE" => "Delete",
                _ => throw new InvalidResourceException(id, "'RetentionPolicy' must be one of the following options: ['Retain', 'Delete']."),
            };
        }
        else
        {
            throw new InvalidResourceException(id, "'RetentionPolicy' does not accept intrinsic functions, please use one of the following options: ['Retain', 'Delete']");
        }
        layer["DeletionPolicy"] = deletion;
        _layerIds[id] = newId;
        return [(newId, layer)];
    }

    private readonly Dictionary<string, string> _layerIds = new(StringComparer.Ordinal);
}
