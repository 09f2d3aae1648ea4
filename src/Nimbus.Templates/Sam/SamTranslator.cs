using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Nimbus.Templates.Parsing;

namespace Nimbus.Templates.Sam;

/// <summary>What the transform needs from its environment (the translator takes these from the boto session and callers).</summary>
public sealed record SamTranslatorOptions(string Region, string Partition, IReadOnlyDictionary<string, string> ParameterValues, IReadOnlyDictionary<string, string> ManagedPolicyMap)
{
    /// <summary>
    /// A new AWS Serverless Application Repository client for one transform; null where no repository is reachable
    /// (Nimbus): then every ApplicationId location is an application the transform "cannot access", and an
    /// AWS::Serverless::Application needs a template URL as its Location.
    /// </summary>
    public Func<IServerlessApplicationRepository>? ServerlessApplicationRepository { get; init; }

    /// <summary>The settings of upstream's tests/translator/test_translator.py (aws partition, ap-southeast-1).</summary>
    public static SamTranslatorOptions ConformanceHarness { get; } = new(
        "ap-southeast-1",
        "aws",
        new Dictionary<string, string> { ["param1"] = "value1", ["param2"] = "value2" },
        new Dictionary<string, string>
        {
            ["AWSLambdaBasicExecutionRole"] = "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole",
            ["AmazonDynamoDBFullAccess"] = "arn:aws:iam::aws:policy/AmazonDynamoDBFullAccess",
            ["AmazonDynamoDBReadOnlyAccess"] = "arn:aws:iam::aws:policy/AmazonDynamoDBReadOnlyAccess",
            ["AWSLambdaRole"] = "arn:aws:iam::aws:policy/service-role/AWSLambdaRole",
            ["AWSXrayWriteOnlyAccess"] = "arn:aws:iam::aws:policy/AWSXrayWriteOnlyAccess",
        })
    {
        // test_translator.py mocks the repository's calls (mock_sar_service_call).
        ServerlessApplicationRepository = () => new TranslatorTestApplicationRepository(),
    };

    public static SamTranslatorOptions For(string region, string partition = "aws") =>
        new(region, partition, new Dictionary<string, string>(), new Dictionary<string, string>());
}

/// <summary>
/// The SAM transform (AWS::Serverless-2016-10-31): turns AWS::Serverless::* resources into CloudFormation, matching the
/// SAM translator's output (logical ids, generated hashes, error messages). Errors of all resources are gathered in one pass.
/// </summary>
public static partial class SamTranslator
{
    public const string TransformName = "AWS::Serverless-2016-10-31";

    public static bool HasSamTransform(JsonObject template)
    {
        ArgumentNullException.ThrowIfNull(template);
        return template["Transform"] switch
        {
            JsonValue v when v.GetValueKind() == JsonValueKind.String => v.GetValue<string>() == TransformName,
            JsonArray a => a.Any(t => t is JsonValue v && v.GetValueKind() == JsonValueKind.String && v.GetValue<string>() == TransformName),
            _ => false,
        };
    }

    /// <summary>Transforms a template; throws <see cref="InvalidSamDocumentException"/> with every error found.</summary>
    public static JsonObject Transform(JsonObject input, SamTranslatorOptions options)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(options);
        var template = input.DeepClone().AsObject();
        var context = new TranslationContext(template, options);
        return context.Run();
    }

    internal static string Hash(JsonNode? data, int length = 10)
    {
        var text = data is JsonValue v && v.GetValueKind() == JsonValueKind.String ? v.GetValue<string>() : TemplateReader.ToPythonJson(data);
        if (text.Length == 0)
        {
            return "";
        }
        var bytes = SHA1.HashData(Encoding.UTF8.GetBytes(text));
        return Convert.ToHexStringLower(bytes)[..length];
    }

    [GeneratedRegex("^[A-Za-z0-9]+$")]
    internal static partial Regex AlphanumericPattern();
}

internal static class Json
{
    public static bool IsString(JsonNode? n) => n is JsonValue v && v.GetValueKind() == JsonValueKind.String;

    public static string? Str(JsonNode? n) => IsString(n) ? n!.GetValue<string>() : null;

    public static bool IsIntrinsic(JsonNode? n) =>
        n is JsonObject o && o.Count == 1 && o.First().Key is var k && (k == "Ref" || k == "Condition" || k.StartsWith("Fn::", StringComparison.Ordinal));

    public static JsonObject Ref(string id) => new() { ["Ref"] = id };

    public static JsonObject GetAtt(string id, string attr) => new() { ["Fn::GetAtt"] = new JsonArray(id, attr) };

    public static JsonObject Sub(string text) => new() { ["Fn::Sub"] = text };

    public static JsonNode? Clone(JsonNode? n) => n?.DeepClone();

    public static bool IsTruthy(JsonNode? n) => n switch
    {
        null => false,
        JsonValue v => v.GetValueKind() switch
        {
            JsonValueKind.False => false,
            JsonValueKind.String => v.GetValue<string>().Length > 0,
            JsonValueKind.Number => double.Parse(v.ToJsonString(), System.Globalization.CultureInfo.InvariantCulture) != 0,
            _ => true,
        },
        JsonObject o => o.Count > 0,
        JsonArray a => a.Count > 0,
        _ => true,
    };

    /// <summary>Python's <c>repr()</c> of a parsed JSON value (as the translator's messages print it).</summary>
    public static string PythonRepr(JsonNode? node) => node switch
    {
        null => "None",
        JsonArray a => "[" + string.Join(", ", a.Select(PythonRepr)) + "]",
        JsonObject o => "{" + string.Join(", ", o.Select(kv => Py27Hash.StrRepr(kv.Key) + ": " + PythonRepr(kv.Value))) + "}",
        JsonValue v => v.GetValueKind() switch
        {
            JsonValueKind.String => Py27Hash.StrRepr(v.GetValue<string>()),
            JsonValueKind.True => "True",
            JsonValueKind.False => "False",
            _ => v.ToJsonString(),
        },
        _ => "?",
    };

    public static string TypeName(JsonNode? n) => n switch
    {
        JsonObject => "map",
        JsonArray => "list",
        null => "null",
        JsonValue v => v.GetValueKind() switch { JsonValueKind.String => "string", JsonValueKind.Number => "number", _ => "boolean" },
        _ => "?",
    };
}
