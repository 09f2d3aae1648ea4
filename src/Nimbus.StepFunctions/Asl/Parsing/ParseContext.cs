using System.Text.Json;
using System.Text.Json.Nodes;
using Nimbus.StepFunctions.Asl.Intrinsics;
using Nimbus.StepFunctions.Asl.Model;
using Nimbus.StepFunctions.Asl.Paths;
using Nimbus.StepFunctions.Asl.Payload;
using Nimbus.StepFunctions.Asl.Validation;
using Nimbus.StepFunctions.Json;

namespace Nimbus.StepFunctions.Asl.Parsing;

/// <summary>Collects diagnostics and offers typed field readers that report instead of throwing.</summary>
internal sealed class ParseContext
{
    private readonly List<AslDiagnostic> _diagnostics = [];

    public IReadOnlyList<AslDiagnostic> Diagnostics => _diagnostics;

    public bool HasErrors => _diagnostics.Any(d => d.Severity == DiagnosticSeverity.Error);

    public void Error(string location, string message, string code = AslDiagnostic.SchemaValidationFailed) =>
        _diagnostics.Add(new AslDiagnostic(code, message, location.Length == 0 ? "/" : location));

    public void CheckAllowed(JsonObject obj, string location, IReadOnlySet<string> allowed, string what, IReadOnlySet<string>? reportedElsewhere = null)
    {
        foreach (var (key, _) in obj)
        {
            if (!allowed.Contains(key) && reportedElsewhere?.Contains(key) != true)
            {
                Error(location + "/" + key, $"Field \"{key}\" is not supported by {what}");
            }
        }
    }

    public string? String(JsonNode? node, string location, string field)
    {
        if (JsonText.IsString(node))
        {
            return node!.GetValue<string>();
        }

        Error(location, $"Field \"{field}\" should be a String");
        return null;
    }

    public string? RequiredString(JsonObject obj, string field, string location)
    {
        if (!obj.TryGetPropertyValue(field, out var node))
        {
            Error(location.Length == 0 ? "/" : location, $"Missing required field \"{field}\"");
            return null;
        }

        return String(node, location + "/" + field, field);
    }

    public string? OptString(JsonObject obj, string field, string location) =>
        obj.TryGetPropertyValue(field, out var node) ? String(node, location + "/" + field, field) : null;

    public bool? OptBool(JsonObject obj, string field, string location)
    {
        if (!obj.TryGetPropertyValue(field, out var node))
        {
            return null;
        }

        if (JsonText.IsBoolean(node))
        {
            return node!.GetValue<bool>();
        }

        Error(location + "/" + field, $"Field \"{field}\" should be a Boolean");
        return null;
    }

    public int? NonNegativeInt(JsonNode? node, string location, string field, int floor = 0)
    {
        if (!JsonText.IsInteger(node))
        {
            Error(location, $"Field \"{field}\" should be an Integer");
            return null;
        }

        var d = JsonText.ToDouble(node!);
        if (d < floor)
        {
            Error(location, $"Field \"{field}\" has value {d}; allowed floor is {floor}");
            return null;
        }

        return d > int.MaxValue ? int.MaxValue : (int)d;
    }

    public double? Number(JsonNode? node, string location, string field)
    {
        if (!JsonText.IsNumber(node))
        {
            Error(location, $"Field \"{field}\" should be a Number");
            return null;
        }

        return JsonText.ToDouble(node!);
    }

    /// <summary>A Path / ReferencePath field (no intrinsic functions). Null JSON is allowed only when <paramref name="allowNull"/>.</summary>
    public NullablePath? NullablePathField(JsonObject obj, string field, string location, bool allowNull, bool reference = false)
    {
        if (!obj.TryGetPropertyValue(field, out var node))
        {
            return null;
        }

        var loc = location + "/" + field;
        if (node is null)
        {
            if (!allowNull)
            {
                Error(loc, $"Field \"{field}\" should be a String");
                return null;
            }

            return new NullablePath((string?)null);
        }

        var text = String(node, loc, field);
        if (text is null)
        {
            return null;
        }

        var path = PathField(text, loc, field, reference);
        return path is null ? null : new NullablePath(text) { Path = path };
    }

    public JsonPath? PathField(string text, string location, string field, bool reference = false)
    {
        if (!JsonPath.TryParse(text, out var path, out var error))
        {
            Error(location, $"Field \"{field}\" is not a valid JSONPath: {error}", AslDiagnostic.InvalidPath);
            return null;
        }

        if (reference && (!path!.IsReferencePath || path.Root == PathRoot.Context))
        {
            Error(location, $"Field \"{field}\" must be a valid Reference Path", AslDiagnostic.InvalidPath);
            return null;
        }

        return path;
    }

    /// <summary>A Path field that may also hold an intrinsic function (Fail's ErrorPath/CausePath).</summary>
    public string? PathOrIntrinsic(JsonObject obj, string field, string location)
    {
        var text = OptString(obj, field, location);
        if (text is null)
        {
            return null;
        }

        var loc = location + "/" + field;
        if (IntrinsicCall.LooksLikeCall(text))
        {
            try
            {
                IntrinsicCall.Parse(text);
            }
            catch (FormatException ex)
            {
                Error(loc, $"Field \"{field}\" is not a valid intrinsic function: {ex.Message}");
                return null;
            }
        }
        else if (PathField(text, loc, field) is null)
        {
            return null;
        }

        return text;
    }

    public PayloadTemplate? Template(JsonObject obj, string field, string location, bool mustBeObject = true)
    {
        if (!obj.TryGetPropertyValue(field, out var node))
        {
            return null;
        }

        var loc = location + "/" + field;
        if (mustBeObject && node is not JsonObject)
        {
            Error(loc, $"Field \"{field}\" should be an Object");
            return null;
        }

        var problems = new List<(string Location, string Message)>();
        var template = PayloadTemplate.Compile(node, loc, problems);
        foreach (var (l, m) in problems)
        {
            Error(l, m, AslDiagnostic.InvalidPath);
        }

        return template;
    }

    public void OnlyOne(JsonObject obj, string location, params string[] fields)
    {
        if (fields.Count(obj.ContainsKey) > 1)
        {
            Error(location, $"State may have only one of [{string.Join(", ", fields.Select(f => "\"" + f + "\""))}]");
        }
    }

    public static JsonValueKind Kind(JsonNode? n) => JsonText.Kind(n);
}
