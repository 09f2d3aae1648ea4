using System.Globalization;
using System.Net;
using System.Numerics;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Nimbus.Templates.Intrinsics;

/// <summary>A template error CloudFormation reports while resolving intrinsics ("Template error: ...").</summary>
public sealed class IntrinsicException(string message) : Exception(message);

/// <summary>Resolves what only the stack engine knows: Refs and GetAtts of resources, and Fn::ImportValue.</summary>
public interface IResourceResolver
{
    /// <summary>The value of Ref to a resource (its physical id); null when the resource is unknown.</summary>
    JsonNode? Ref(string logicalId);

    /// <summary>The value of Fn::GetAtt; null when the resource or attribute is unknown.</summary>
    JsonNode? GetAtt(string logicalId, string attribute);

    /// <summary>The value of an export; null when nothing exports that name.</summary>
    JsonNode? ImportValue(string exportName) => null;
}

/// <summary>The stack-level inputs of intrinsic resolution.</summary>
public sealed class IntrinsicContext
{
    public string Region { get; init; } = "us-east-1";
    public string AccountId { get; init; } = "000000000000";
    public string StackName { get; init; } = "stack";
    public string? StackId { get; init; }
    public string Partition { get; init; } = "aws";
    public string UrlSuffix { get; init; } = "amazonaws.com";

    /// <summary>Parameter values (after defaults and overrides); CommaDelimitedList/List&lt;&gt; parameters are arrays.</summary>
    public IReadOnlyDictionary<string, JsonNode?> Parameters { get; init; } = new Dictionary<string, JsonNode?>();

    public JsonObject? Mappings { get; init; }
    public JsonObject? Conditions { get; init; }
    public IResourceResolver? Resources { get; init; }

    /// <summary>Availability zones returned by Fn::GetAZs (default: the region's a, b, c).</summary>
    public IReadOnlyList<string>? AvailabilityZones { get; init; }
}

/// <summary>
/// Evaluates CloudFormation intrinsic functions: Ref (parameters, pseudo parameters, resources via the callback),
/// Fn::GetAtt, Fn::Sub (both forms), Fn::Join, Fn::Select, Fn::Split, Fn::If with Conditions, Fn::Equals/And/Or/Not,
/// Fn::FindInMap, Fn::Base64, Fn::GetAZs, Fn::Cidr, Fn::Length, Fn::ToJsonString, Fn::ImportValue; AWS::NoValue
/// removes the property or list item that holds it.
/// </summary>
public sealed class IntrinsicEvaluator(IntrinsicContext context)
{
    private readonly Dictionary<string, bool> _conditionCache = new(StringComparer.Ordinal);
    private readonly HashSet<string> _evaluatingConditions = new(StringComparer.Ordinal);

    /// <summary>The marker for Ref AWS::NoValue (removed by the enclosing object or array).</summary>
    private static readonly JsonObject NoValueMarker = new() { ["__NoValue__"] = true };

    public IntrinsicContext Context => context;

    /// <summary>Evaluates every intrinsic in a value; returns a new tree (the input is not changed).</summary>
    public JsonNode? Evaluate(JsonNode? node)
    {
        var result = Eval(node);
        return ReferenceEquals(result, NoValueMarker) ? null : result;
    }

    /// <summary>The value of a named condition of the template.</summary>
    public bool EvaluateCondition(string name)
    {
        if (_conditionCache.TryGetValue(name, out var cached))
        {
            return cached;
        }
        var definition = context.Conditions?[name];
        if (context.Conditions is null || !context.Conditions.ContainsKey(name))
        {
            throw new IntrinsicException($"Template format error: Unresolved dependencies [{name}]. Cannot reference resources in the Conditions block of the template");
        }
        if (!_evaluatingConditions.Add(name))
        {
            throw new IntrinsicException($"Template error: circular condition dependency on {name}");
        }
        try
        {
            var value = AsBool(Eval(definition), $"Condition {name}");
            _conditionCache[name] = value;
            return value;
        }
        finally
        {
            _evaluatingConditions.Remove(name);
        }
    }

    private JsonNode? Eval(JsonNode? node)
    {
        switch (node)
        {
            case JsonObject o when o.Count == 1 && IsFunctionKey(o.First().Key):
                var (key, arg) = o.First();
                return Apply(key, arg);
            case JsonObject o:
                var obj = new JsonObject();
                foreach (var (k, v) in o)
                {
                    var r = Eval(v);
                    if (!ReferenceEquals(r, NoValueMarker))
                    {
                        obj[k] = r;
                    }
                }
                return obj;
            case JsonArray a:
                var arr = new JsonArray();
                foreach (var item in a)
                {
                    var r = Eval(item);
                    if (!ReferenceEquals(r, NoValueMarker))
                    {
                        arr.Add(r);
                    }
                }
                return arr;
            default:
                return node?.DeepClone();
        }
    }

    private static bool IsFunctionKey(string key) => key == "Ref" || key == "Condition" || key.StartsWith("Fn::", StringComparison.Ordinal);

    private JsonNode? Apply(string fn, JsonNode? arg)
    {
        switch (fn)
        {
            case "Ref":
                return Ref(RequireString(Eval(arg), "Ref"));
            case "Condition":
                return JsonValue.Create(EvaluateCondition(RequireString(arg, "Condition")));
            case "Fn::GetAtt":
                return GetAtt(arg);
            case "Fn::Sub":
                return JsonValue.Create(Sub(arg));
            case "Fn::Join":
                {
                    var args = RequireList(arg, fn, 2);
                    var delimiter = RequireString(Eval(args[0]), fn);
                    var items = RequireList(Eval(args[1]), fn);
                    return JsonValue.Create(string.Join(delimiter, items.Select(i => Scalar(i, fn))));
                }
            case "Fn::Select":
                {
                    var args = RequireList(arg, fn, 2);
                    var indexNode = Eval(args[0]);
                    if (!int.TryParse(Scalar(indexNode, fn), NumberStyles.Integer, CultureInfo.InvariantCulture, out var index))
                    {
                        throw new IntrinsicException("Template error: Fn::Select requires an integer index");
                    }
                    var list = RequireList(Eval(args[1]), fn);
                    if (index < 0 || index >= list.Count)
                    {
                        throw new IntrinsicException("Template error: Fn::Select cannot select nonexistent value at index " + index.ToString(CultureInfo.InvariantCulture));
                    }
                    return list[index]?.DeepClone();
                }
            case "Fn::Split":
                {
                    var args = RequireList(arg, fn, 2);
                    var delimiter = RequireString(Eval(args[0]), fn);
                    var source = RequireString(Eval(args[1]), fn);
                    var result = new JsonArray();
                    foreach (var part in source.Split(delimiter))
                    {
                        result.Add(part);
                    }
                    return result;
                }
            case "Fn::If":
                {
                    var args = RequireList(arg, fn, 3);
                    var condition = RequireString(args[0], fn);
                    return Eval(EvaluateCondition(condition) ? args[1] : args[2]);
                }
            case "Fn::Equals":
                {
                    var args = RequireList(arg, fn, 2);
                    return JsonValue.Create(Comparable(Eval(args[0])) == Comparable(Eval(args[1])));
                }
            case "Fn::And":
            case "Fn::Or":
                {
                    var args = RequireList(arg, fn);
                    if (args.Count < 2 || args.Count > 10)
                    {
                        throw new IntrinsicException($"Template error: every {fn} object requires a list of at least 2 and at most 10 boolean parameters.");
                    }
                    var values = args.Select(a => AsBool(Eval(a), fn)).ToList();
                    return JsonValue.Create(fn == "Fn::And" ? values.All(v => v) : values.Any(v => v));
                }
            case "Fn::Not":
                {
                    var args = RequireList(arg, fn, 1);
                    return JsonValue.Create(!AsBool(Eval(args[0]), fn));
                }
            case "Fn::FindInMap":
                return FindInMap(arg);
            case "Fn::Base64":
                return JsonValue.Create(Convert.ToBase64String(Encoding.UTF8.GetBytes(RequireString(Eval(arg), fn))));
            case "Fn::GetAZs":
                {
                    var region = Eval(arg) is { } r ? RequireString(r, fn) : "";
                    if (region.Length == 0)
                    {
                        region = context.Region;
                    }
                    var zones = region == context.Region && context.AvailabilityZones is { } azs ? azs : ["a", "b", "c"];
                    var result = new JsonArray();
                    foreach (var z in zones)
                    {
                        result.Add(z.Length == 1 ? region + z : z);
                    }
                    return result;
                }
            case "Fn::ImportValue":
                {
                    var name = RequireString(Eval(arg), fn);
                    return context.Resources?.ImportValue(name)?.DeepClone()
                        ?? throw new IntrinsicException($"No export named {name} found.");
                }
            case "Fn::Cidr":
                {
                    var args = RequireList(arg, fn, 3);
                    return Cidr(RequireString(Eval(args[0]), fn), ToInt(Eval(args[1]), fn), ToInt(Eval(args[2]), fn));
                }
            case "Fn::Length":
                {
                    var value = Eval(arg);
                    return JsonValue.Create(RequireList(value, fn).Count);
                }
            case "Fn::ToJsonString":
                {
                    var value = Eval(arg);
                    if (value is not (JsonObject or JsonArray))
                    {
                        throw new IntrinsicException("Template error: Fn::ToJsonString requires an object or a list");
                    }
                    return JsonValue.Create(value.ToJsonString(new JsonSerializerOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }));
                }
            default:
                throw new IntrinsicException($"Template format error: Unrecognized function {fn}");
        }
    }

    private JsonNode? Ref(string name)
    {
        switch (name)
        {
            case "AWS::Region": return context.Region;
            case "AWS::AccountId": return context.AccountId;
            case "AWS::StackName": return context.StackName;
            case "AWS::StackId": return context.StackId ?? $"arn:{context.Partition}:cloudformation:{context.Region}:{context.AccountId}:stack/{context.StackName}/00000000-0000-0000-0000-000000000000";
            case "AWS::Partition": return context.Partition;
            case "AWS::URLSuffix": return context.UrlSuffix;
            case "AWS::NoValue": return NoValueMarker;
            case "AWS::NotificationARNs": return new JsonArray();
        }
        if (context.Parameters.TryGetValue(name, out var value))
        {
            return value?.DeepClone();
        }
        return context.Resources?.Ref(name)?.DeepClone()
            ?? throw new IntrinsicException($"Template format error: Unresolved resource dependencies [{name}] in the Resources block of the template");
    }

    private JsonNode? GetAtt(JsonNode? arg)
    {
        string resource, attribute;
        if (arg is JsonArray list && list.Count == 2)
        {
            resource = RequireString(list[0], "Fn::GetAtt");
            attribute = RequireString(Eval(list[1]), "Fn::GetAtt");
        }
        else if (arg is JsonValue v && v.GetValueKind() == JsonValueKind.String && v.GetValue<string>().Split('.', 2) is [var r, var a])
        {
            resource = r;
            attribute = a;
        }
        else
        {
            throw new IntrinsicException("Template error: every Fn::GetAtt object requires two non-empty parameters, the resource name and the resource attribute");
        }
        return context.Resources?.GetAtt(resource, attribute)?.DeepClone()
            ?? throw new IntrinsicException($"Template error: resource {resource} does not support attribute type {attribute} in Fn::GetAtt");
    }

    private string Sub(JsonNode? arg)
    {
        string text;
        var variables = new Dictionary<string, JsonNode?>(StringComparer.Ordinal);
        if (arg is JsonArray list)
        {
            if (list.Count != 2 || list[1] is not JsonObject map)
            {
                throw new IntrinsicException("Template error: One or more Fn::Sub intrinsic functions don't specify expected arguments. Specify a string as first argument, and an optional second argument to specify a mapping of values to replace in the string");
            }
            text = RequireString(list[0], "Fn::Sub");
            foreach (var (k, v) in map)
            {
                variables[k] = Eval(v);
            }
        }
        else
        {
            text = RequireString(arg, "Fn::Sub");
        }
        var sb = new StringBuilder();
        var i = 0;
        while (i < text.Length)
        {
            var start = text.IndexOf("${", i, StringComparison.Ordinal);
            if (start < 0)
            {
                sb.Append(text, i, text.Length - i);
                break;
            }
            sb.Append(text, i, start - i);
            var end = text.IndexOf('}', start + 2);
            if (end < 0)
            {
                sb.Append(text, start, text.Length - start);
                break;
            }
            var name = text[(start + 2)..end];
            if (name.StartsWith('!'))
            {
                sb.Append("${").Append(name[1..]).Append('}');
            }
            else
            {
                name = name.Trim();
                JsonNode? value;
                if (variables.TryGetValue(name, out var v))
                {
                    value = v;
                }
                else if (name.Contains('.', StringComparison.Ordinal) && !name.StartsWith("AWS::", StringComparison.Ordinal))
                {
                    var parts = name.Split('.', 2);
                    value = GetAtt(new JsonArray(parts[0], parts[1]));
                }
                else
                {
                    value = Ref(name);
                }
                sb.Append(Scalar(value, "Fn::Sub"));
            }
            i = end + 1;
        }
        return sb.ToString();
    }

    private JsonNode? FindInMap(JsonNode? arg)
    {
        var args = RequireList(arg, "Fn::FindInMap");
        if (args.Count is not (3 or 4))
        {
            throw new IntrinsicException("Template error: every Fn::FindInMap object requires three parameters, the map name, map key and the attribute for return value");
        }
        var mapName = RequireString(Eval(args[0]), "Fn::FindInMap");
        var topKey = Scalar(Eval(args[1]), "Fn::FindInMap");
        var secondKey = Scalar(Eval(args[2]), "Fn::FindInMap");
        if (context.Mappings?[mapName] is not JsonObject map)
        {
            throw new IntrinsicException($"Template error: Unable to get mapping for {mapName}::{topKey}::{secondKey}");
        }
        if (map[topKey] is JsonObject second && second.ContainsKey(secondKey))
        {
            return second[secondKey]?.DeepClone();
        }
        if (args.Count == 4 && args[3] is JsonObject options && options.ContainsKey("DefaultValue"))
        {
            return Eval(options["DefaultValue"]);
        }
        throw new IntrinsicException($"Template error: Unable to get mapping for {mapName}::{topKey}::{secondKey}");
    }

    private static JsonArray Cidr(string block, int count, int bits)
    {
        var slash = block.IndexOf('/', StringComparison.Ordinal);
        if (slash < 0 || !IPAddress.TryParse(block[..slash], out var address) || !int.TryParse(block[(slash + 1)..], NumberStyles.Integer, CultureInfo.InvariantCulture, out var prefix))
        {
            throw new IntrinsicException($"Template error: Fn::Cidr: invalid ipBlock {block}");
        }
        var totalBits = address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 ? 128 : 32;
        var subnetPrefix = totalBits - bits;
        if (count < 1 || count > 256 || bits < 0 || subnetPrefix < prefix)
        {
            throw new IntrinsicException("Template error: Fn::Cidr: cidrBits or count is out of range for the ipBlock");
        }
        var bytes = address.GetAddressBytes();
        var value = new BigInteger(bytes, isUnsigned: true, isBigEndian: true);
        var hostMask = (BigInteger.One << (totalBits - prefix)) - 1;
        value &= ~hostMask & ((BigInteger.One << totalBits) - 1);
        var available = BigInteger.One << (subnetPrefix - prefix);
        if (count > available)
        {
            throw new IntrinsicException("Template error: Fn::Cidr: the ipBlock cannot be split into that many subnets");
        }
        var result = new JsonArray();
        for (var i = 0; i < count; i++)
        {
            var subnet = value + (new BigInteger(i) << bits);
            var subnetBytes = subnet.ToByteArray(isUnsigned: true, isBigEndian: true);
            var padded = new byte[totalBits / 8];
            Array.Copy(subnetBytes, 0, padded, padded.Length - subnetBytes.Length, subnetBytes.Length);
            result.Add($"{new IPAddress(padded)}/{subnetPrefix}");
        }
        return result;
    }

    private static string? Comparable(JsonNode? node) => node switch
    {
        null => null,
        JsonValue v when v.GetValueKind() == JsonValueKind.String => v.GetValue<string>(),
        JsonValue v when v.GetValueKind() == JsonValueKind.True => "true",
        JsonValue v when v.GetValueKind() == JsonValueKind.False => "false",
        _ => node.ToJsonString(),
    };

    private static bool AsBool(JsonNode? node, string where) => node switch
    {
        JsonValue v when v.GetValueKind() == JsonValueKind.True => true,
        JsonValue v when v.GetValueKind() == JsonValueKind.False => false,
        JsonValue v when v.GetValueKind() == JsonValueKind.String && bool.TryParse(v.GetValue<string>(), out var b) => b,
        _ => throw new IntrinsicException($"Template error: {where} must evaluate to a boolean"),
    };

    private static string Scalar(JsonNode? node, string fn) => node switch
    {
        JsonValue v when v.GetValueKind() == JsonValueKind.String => v.GetValue<string>(),
        JsonValue v when v.GetValueKind() == JsonValueKind.True => "true",
        JsonValue v when v.GetValueKind() == JsonValueKind.False => "false",
        JsonValue v => v.ToJsonString(),
        _ => throw new IntrinsicException($"Template error: {fn} requires string values, got {node?.ToJsonString() ?? "null"}"),
    };

    private static int ToInt(JsonNode? node, string fn) =>
        int.TryParse(Scalar(node, fn), NumberStyles.Integer, CultureInfo.InvariantCulture, out var i) ? i
        : throw new IntrinsicException($"Template error: {fn} requires integer parameters");

    private static string RequireString(JsonNode? node, string fn) =>
        node is JsonValue v && v.GetValueKind() == JsonValueKind.String ? v.GetValue<string>()
        : throw new IntrinsicException($"Template error: {fn} requires a string parameter, got {node?.ToJsonString() ?? "null"}");

    private static JsonArray RequireList(JsonNode? node, string fn, int count = -1)
    {
        if (node is not JsonArray list || (count >= 0 && list.Count != count))
        {
            throw new IntrinsicException(count >= 0
                ? $"Template error: every {fn} object requires a list of {count} parameter(s)"
                : $"Template error: {fn} requires a list");
        }
        return list;
    }
}
