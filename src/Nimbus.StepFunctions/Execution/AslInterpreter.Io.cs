using System.Text.Json.Nodes;
using Nimbus.StepFunctions.Asl.Intrinsics;
using Nimbus.StepFunctions.Asl.Model;
using Nimbus.StepFunctions.Asl.Paths;
using Nimbus.StepFunctions.Asl.Payload;
using Nimbus.StepFunctions.Json;

namespace Nimbus.StepFunctions.Execution;

/// <summary>JSONPath input/output processing: InputPath, ResultPath, OutputPath, Assign.</summary>
public sealed partial class AslInterpreter
{
    /// <summary>Reports a data-flow stage to the request's inspector (TestState).</summary>
    private static void Inspect(Frame frame, string stage, JsonNode? value) =>
        frame.Run.Request.Inspector?.Inspect(frame.StateName, stage, value?.DeepClone());

    private static JsonNode? ApplyInputPath(NullablePath? inputPath, JsonNode? input, Frame frame)
    {
        if (inputPath is null)
        {
            return input;
        }

        if (inputPath.IsNull)
        {
            return new JsonObject();
        }

        return Select(inputPath.Path!, input, frame, "InputPath");
    }

    private static JsonNode? ApplyOutputPath(NullablePath? outputPath, JsonNode? output, Frame frame)
    {
        if (outputPath is null)
        {
            return output;
        }

        if (outputPath.IsNull)
        {
            return new JsonObject();
        }

        return Select(outputPath.Path!, output, frame, "OutputPath");
    }

    private static JsonNode? Select(JsonPath path, JsonNode? document, Frame frame, string field)
    {
        if (path.Root == PathRoot.Input && path.Segments.Count == 0)
        {
            return document;
        }

        if (!frame.Scope(document).TryResolve(path, out var value))
        {
            throw new StatesException(StatesErrors.Runtime, $"Invalid path '{path.Text}' : No results for path: {path.Normalized}");
        }

        return value?.DeepClone();
    }

    /// <summary>Places <paramref name="result"/> into (a copy of) <paramref name="input"/> at the ResultPath.</summary>
    internal static JsonNode? ApplyResultPath(NullablePath? resultPath, JsonNode? input, JsonNode? result)
    {
        if (resultPath is null)
        {
            return result;
        }

        if (resultPath.IsNull)
        {
            return input;
        }

        var segments = resultPath.Path!.Segments;
        if (segments.Count == 0)
        {
            return result;
        }

        var root = input?.DeepClone();
        if (root is null && segments[0] is NameSegment)
        {
            root = new JsonObject();
        }

        var current = root;
        for (var i = 0; i < segments.Count; i++)
        {
            var last = i == segments.Count - 1;
            switch (segments[i])
            {
                case NameSegment n when current is JsonObject o:
                    if (last)
                    {
                        o[n.Name] = result;
                    }
                    else
                    {
                        if (!o.TryGetPropertyValue(n.Name, out var child) || child is not (JsonObject or JsonArray))
                        {
                            child = new JsonObject();
                            o[n.Name] = child;
                        }

                        current = child;
                    }

                    break;
                case IndexSegment ix when current is JsonArray a && ix.Index >= 0 && ix.Index < a.Count:
                    if (last)
                    {
                        a[ix.Index] = result;
                    }
                    else
                    {
                        current = a[ix.Index];
                    }

                    break;
                default:
                    throw new StatesException(
                        StatesErrors.ResultPathMatchFailure,
                        $"Unable to apply ResultPath \"{resultPath.Text}\" to input {JsonText.Serialize(input)}");
            }
        }

        return root;
    }

    /// <summary>Evaluates a JSONPath-mode Assign (all values see the variables as they were before the state).</summary>
    private static JsonObject? EvaluateAssign(PayloadTemplate? assign, JsonNode? input, Frame frame) =>
        assign?.Evaluate(frame.Scope(input)) as JsonObject;

    private static string? EvaluatePathOrIntrinsic(string expression, JsonNode? input, Frame frame, string field)
    {
        var scope = frame.Scope(input);
        JsonNode? value;
        if (IntrinsicCall.LooksLikeCall(expression))
        {
            value = IntrinsicFunctions.Evaluate(IntrinsicCall.Parse(expression), scope, frame.Run.Options.Random);
        }
        else if (!scope.TryResolve(JsonPath.Parse(expression), out value))
        {
            throw new StatesException(StatesErrors.Runtime, $"Invalid path '{expression}' : No results for path: {JsonPath.Parse(expression).Normalized}");
        }

        return JsonText.IsString(value) ? value!.GetValue<string>() : JsonText.Serialize(value);
    }

    private static JsonNode? ResolveOptionalPath(string? path, JsonNode? input, Frame frame, string field, out bool found)
    {
        found = false;
        if (path is null)
        {
            return null;
        }

        var p = JsonPath.Parse(path);
        found = frame.Scope(input).TryResolve(p, out var value);
        if (!found)
        {
            throw new StatesException(StatesErrors.Runtime, $"Invalid path '{path}' : No results for path: {p.Normalized}");
        }

        return value;
    }
}
