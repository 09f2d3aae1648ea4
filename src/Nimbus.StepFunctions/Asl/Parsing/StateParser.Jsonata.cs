using System.Collections.Frozen;
using System.Text.Json.Nodes;
using Nimbus.Jsonata;
using Nimbus.StepFunctions.Asl.Model;
using Nimbus.StepFunctions.Asl.QueryLanguages;
using Nimbus.StepFunctions.Execution;
using Nimbus.StepFunctions.Json;

namespace Nimbus.StepFunctions.Asl.Parsing;

/// <summary>Query-language checks: fields of the other language, <c>.$</c> keys and JSONata syntax in JSONata states.</summary>
internal static partial class StateParser
{
    internal const string InvalidJsonataExpression = "INVALID_JSONATA_EXPRESSION";

    /// <summary>Fields only JSONPath states may carry.</summary>
    private static readonly FrozenSet<string> JsonPathOnly = FrozenSet.ToFrozenSet(
        [
            "InputPath", "OutputPath", "Parameters", "ResultSelector", "ResultPath", "Result", "ItemsPath", "Iterator",
            "SecondsPath", "TimestampPath", "ErrorPath", "CausePath", "TimeoutSecondsPath", "HeartbeatSecondsPath",
            "MaxConcurrencyPath", "ToleratedFailurePercentagePath", "ToleratedFailureCountPath",
        ],
        StringComparer.Ordinal);

    /// <summary>Fields only JSONata states may carry.</summary>
    private static readonly FrozenSet<string> JsonataOnly = FrozenSet.ToFrozenSet(["Arguments", "Output", "Items"], StringComparer.Ordinal);

    /// <summary>JSONata-state fields whose values may hold <c>{% %}</c> expressions (at any depth).</summary>
    private static readonly string[] JsonataValueFields =
    [
        "Arguments", "Output", "Assign", "Items", "ItemSelector", "Seconds", "Timestamp", "Error", "Cause", "TimeoutSeconds",
        "HeartbeatSeconds", "MaxConcurrency", "ToleratedFailurePercentage", "ToleratedFailureCount",
    ];

    private static void CheckQueryLanguageFields(ParseContext ctx, JsonObject obj, string loc, QueryLanguageKind ql)
    {
        var foreign = ql == QueryLanguageKind.Jsonata ? JsonPathOnly : JsonataOnly;
        var (mine, theirs) = ql == QueryLanguageKind.Jsonata ? ("JSONata", "JSONPath") : ("JSONPath", "JSONata");
        foreach (var (key, _) in obj)
        {
            if (foreign.Contains(key))
            {
                ctx.Error(loc, $"The QueryLanguage is set to '{mine}', but field '{key}' is only supported for the '{theirs}' QueryLanguage");
            }
        }
    }

    /// <summary>Checks every JSONata-valued field of a JSONata state, its Choice rules and its catchers.</summary>
    private static void ValidateJsonataFields(ParseContext ctx, JsonObject obj, string loc)
    {
        foreach (var field in JsonataValueFields)
        {
            if (obj.TryGetPropertyValue(field, out var value))
            {
                ValidateJsonataValue(ctx, value, loc + "/" + field);
            }
        }

        foreach (var listField in (string[])["Choices", "Catch"])
        {
            if (obj[listField] is not JsonArray list)
            {
                continue;
            }

            for (var i = 0; i < list.Count; i++)
            {
                if (list[i] is not JsonObject item)
                {
                    continue;
                }

                foreach (var field in (string[])["Condition", "Assign", "Output"])
                {
                    if (item.TryGetPropertyValue(field, out var value))
                    {
                        ValidateJsonataValue(ctx, value, $"{loc}/{listField}/{i}/{field}");
                    }
                }
            }
        }
    }

    /// <summary>Rejects JSONPath-style <c>.$</c> keys and reports expressions that do not compile.</summary>
    internal static void ValidateJsonataValue(ParseContext ctx, JsonNode? node, string loc)
    {
        switch (node)
        {
            case JsonObject o:
                foreach (var (k, v) in o)
                {
                    if (k.EndsWith(".$", StringComparison.Ordinal))
                    {
                        ctx.Error(loc + "/" + k, $"The field '{k}' uses a JSONPath dynamic key ('.$'), which is not supported when the QueryLanguage is 'JSONata'");
                    }

                    ValidateJsonataValue(ctx, v, loc + "/" + k);
                }

                break;
            case JsonArray a:
                for (var i = 0; i < a.Count; i++)
                {
                    ValidateJsonataValue(ctx, a[i], $"{loc}/{i}");
                }

                break;
            default:
                if (AslInterpreter.IsJsonataExpression(JsonText.AsString(node), out var expression))
                {
                    try
                    {
                        JsonataEvaluator.Default.Compile(expression);
                    }
                    catch (JsonataException ex)
                    {
                        ctx.Error(loc, $"The JSONata expression '{expression}' is invalid: {ex.Message}", InvalidJsonataExpression);
                    }
                }

                break;
        }
    }
}
