using System.Text.Json;
using System.Text.Json.Nodes;
using Nimbus.StepFunctions.Asl.Model;
using Nimbus.StepFunctions.Asl.QueryLanguages;
using Nimbus.StepFunctions.History;
using Nimbus.StepFunctions.Json;

namespace Nimbus.StepFunctions.Execution;

/// <summary>
/// JSONata-mode processing, routed through <see cref="IJsonataEvaluator"/>: <c>{% expr %}</c> strings anywhere inside
/// Arguments/Output/Assign/Items/ItemSelector/Condition/Seconds/Timestamp/Error/Cause/TimeoutSeconds/HeartbeatSeconds.
/// </summary>
public sealed partial class AslInterpreter
{
    private IJsonataEvaluator JsonataEvaluatorOrDefault => options.Jsonata ?? JsonataEvaluator.Default;

    /// <summary>The <c>$states</c> binding: input, context, and (when present) the state result / the caught error output.</summary>
    private static JsonObject StatesBinding(JsonNode? input, Frame frame, JsonNode? result = null, JsonNode? errorOutput = null, bool hasResult = false)
    {
        var states = new JsonObject
        {
            ["input"] = input?.DeepClone(),
            ["context"] = frame.ContextDocument?.DeepClone(),
        };
        if (result is not null || hasResult)
        {
            states["result"] = result?.DeepClone();
        }

        if (errorOutput is not null)
        {
            states["errorOutput"] = errorOutput.DeepClone();
        }

        return states;
    }

    /// <summary>Is <paramref name="text"/> a JSONata expression: the whole string starts with <c>{%</c> and ends with <c>%}</c>.</summary>
    internal static bool IsJsonataExpression(string? text, out string expression)
    {
        if (text is not null && text.Length >= 4 && text.StartsWith("{%", StringComparison.Ordinal) && text.EndsWith("%}", StringComparison.Ordinal))
        {
            expression = text[2..^2].Trim();
            return true;
        }

        expression = "";
        return false;
    }

    /// <summary>
    /// Evaluates a JSONata-mode field: expression strings at any depth are replaced by their values; other values are copied.
    /// <paramref name="field"/> names the field relative to the state (<c>Output/a/b[0]</c>) for error messages.
    /// </summary>
    private JsonNode? EvaluateJsonataTemplate(JsonNode? template, JsonObject states, Frame frame, string field)
    {
        switch (template)
        {
            case JsonObject o:
                var obj = new JsonObject();
                foreach (var (k, v) in o)
                {
                    obj[k] = EvaluateJsonataTemplate(v, states, frame, field + "/" + k);
                }

                return obj;
            case JsonArray a:
                var arr = new JsonArray();
                for (var i = 0; i < a.Count; i++)
                {
                    arr.Add(EvaluateJsonataTemplate(a[i], states, frame, $"{field}[{i}]"));
                }

                return arr;
            default:
                if (IsJsonataExpression(JsonText.AsString(template), out var expression))
                {
                    return EvaluateJsonataExpression(expression, states, frame, field);
                }

                return template?.DeepClone();
        }
    }

    private JsonNode? EvaluateJsonataExpression(string expression, JsonObject states, Frame frame, string field)
    {
        JsonNode? value;
        try
        {
            value = JsonataEvaluatorOrDefault.Evaluate(expression, states, frame.Variables.Snapshot());
        }
        catch (StatesException ex) when (ex.Error == StatesErrors.QueryEvaluationError && !ex.HasStatePrefix)
        {
            throw EvaluationFailure(
                frame,
                $"The JSONata expression '{expression}' specified for the field '{field}' threw an error during evaluation: {ex.Cause}",
                field);
        }

        if (value is null)
        {
            throw EvaluationFailure(frame, $"The JSONata expression '{expression}' specified for the field '{field}' returned nothing (undefined).", field);
        }

        // JSON null is represented by C# null in the engine.
        return value is JsonValue && value.GetValueKind() == JsonValueKind.Null ? null : value;
    }

    /// <summary>
    /// Records AWS's <c>EvaluationFailed</c> event (chained, like AWS, from the event before the state was entered) and returns the
    /// <c>States.QueryEvaluationError</c> to throw, with the usual state prefix on the cause.
    /// </summary>
    private static StatesException EvaluationFailure(Frame frame, string cause, string? location)
    {
        var full = $"An error occurred while executing the state '{frame.StateName}' (entered at the event id #{frame.EnteredEventId}). {cause}";
        var scope = new EventScope(frame.EnteredPreviousEventId);
        var id = frame.History.Append(
            scope, HistoryEventType.EvaluationFailed, new EvaluationFailedEventDetails(StatesErrors.QueryEvaluationError, full, location, frame.StateName));
        frame.Events.SourceEventId = id;
        frame.Events.LastPublishedEventId = id;
        return new StatesException(StatesErrors.QueryEvaluationError, full) { HasStatePrefix = true };
    }

    /// <summary>Evaluates a JSONata <c>Assign</c> object (every value sees the variables as they were before the state).</summary>
    private JsonObject? EvaluateJsonataAssign(JsonNode? rawAssign, JsonObject states, Frame frame, string field = "Assign") =>
        rawAssign is null ? null : EvaluateJsonataTemplate(rawAssign, states, frame, field) as JsonObject;

    private (JsonNode? Output, string? Next) RunPassJsonata(PassState state, JsonNode? input, Frame frame)
    {
        var states = StatesBinding(input, frame);
        var assigned = EvaluateJsonataAssign(state.RawAssign, states, frame);
        var output = state.Output is null ? input : EvaluateJsonataTemplate(state.Output, states, frame, "Output");
        return Exit(state, output, frame, assigned, state.Next);
    }

    /// <summary>A positive integer from a JSONata TimeoutSeconds/HeartbeatSeconds expression.</summary>
    private int? JsonataPositiveInt(JsonNode? template, JsonObject states, Frame frame, string field)
    {
        if (template is null)
        {
            return null;
        }

        var value = EvaluateJsonataTemplate(template, states, frame, field);
        if (!JsonText.IsInteger(value) || JsonText.ToDouble(value!) < 1 || JsonText.ToDouble(value!) > 99_999_999)
        {
            var expression = IsJsonataExpression(JsonText.AsString(template), out var e) ? e : JsonText.Serialize(template);
            throw EvaluationFailure(
                frame,
                $"The JSONata expression '{expression}' specified for the field '{field}' returned an unexpected value: expected a positive integer but got {JsonText.Serialize(value)}.",
                field);
        }

        return (int)JsonText.ToDouble(value!);
    }
}
