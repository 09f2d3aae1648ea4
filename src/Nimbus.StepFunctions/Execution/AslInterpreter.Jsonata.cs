using System.Text.Json.Nodes;
using Nimbus.StepFunctions.Asl.Model;
using Nimbus.StepFunctions.Json;

namespace Nimbus.StepFunctions.Execution;

/// <summary>JSONata-mode processing, routed through <see cref="IJsonataEvaluator"/>: <c>{% expr %}</c> strings in Arguments/Output/Assign.</summary>
public sealed partial class AslInterpreter
{
    private static JsonObject StatesBinding(JsonNode? input, Frame frame, JsonNode? result = null, JsonNode? errorOutput = null)
    {
        var states = new JsonObject
        {
            ["input"] = input?.DeepClone(),
            ["context"] = frame.ContextDocument?.DeepClone(),
        };
        if (result is not null)
        {
            states["result"] = result.DeepClone();
        }

        if (errorOutput is not null)
        {
            states["errorOutput"] = errorOutput.DeepClone();
        }

        return states;
    }

    private JsonNode? EvaluateJsonataTemplate(JsonNode? template, JsonObject states, Frame frame)
    {
        switch (template)
        {
            case JsonObject o:
                var obj = new JsonObject();
                foreach (var (k, v) in o)
                {
                    obj[k] = EvaluateJsonataTemplate(v, states, frame);
                }

                return obj;
            case JsonArray a:
                var arr = new JsonArray();
                foreach (var v in a)
                {
                    arr.Add(EvaluateJsonataTemplate(v, states, frame));
                }

                return arr;
            default:
                var s = JsonText.AsString(template);
                if (s is not null && s.StartsWith("{%", StringComparison.Ordinal) && s.EndsWith("%}", StringComparison.Ordinal) && s.Length >= 4)
                {
                    var evaluator = options.Jsonata ?? throw new StatesException(StatesErrors.QueryEvaluationError, "No JSONata evaluator is configured.");
                    var vars = frame.Variables.Snapshot();
                    return evaluator.Evaluate(s[2..^2].Trim(), states, vars);
                }

                return template?.DeepClone();
        }
    }

    private JsonObject? EvaluateJsonataAssign(JsonNode? rawAssign, JsonObject states, Frame frame) =>
        rawAssign is null ? null : EvaluateJsonataTemplate(rawAssign, states, frame) as JsonObject;

    private (JsonNode? Output, string? Next) RunPassJsonata(PassState state, JsonNode? input, Frame frame)
    {
        var states = StatesBinding(input, frame);
        var assigned = EvaluateJsonataAssign(state.RawAssign, states, frame);
        var output = state.Output is null ? input : EvaluateJsonataTemplate(state.Output, states, frame);
        return Exit(state, output, frame, assigned, state.Next);
    }
}
