using System.Text.Json.Nodes;
using Nimbus.StepFunctions.Json;

namespace Nimbus.StepFunctions.History;

/// <summary>Renders history events in the JSON shape of the Step Functions API.</summary>
internal static class HistoryJson
{
    public static JsonObject ToJson(HistoryEvent e)
    {
        var obj = new JsonObject
        {
            ["id"] = e.Id,
            ["previousEventId"] = e.PreviousEventId,
            ["timestamp"] = e.Timestamp.ToString("O", System.Globalization.CultureInfo.InvariantCulture),
            ["type"] = e.Type.ToString(),
        };
        if (e.Details is not null)
        {
            obj[DetailsPropertyName(e.Type)] = DetailsJson(e.Details);
        }

        return obj;
    }

    public static string DetailsPropertyName(HistoryEventType type)
    {
        var name = type.ToString();
        if (name.EndsWith("StateEntered", StringComparison.Ordinal))
        {
            return "stateEnteredEventDetails";
        }

        if (name.EndsWith("StateExited", StringComparison.Ordinal))
        {
            return "stateExitedEventDetails";
        }

        return char.ToLowerInvariant(name[0]) + name[1..] + "EventDetails";
    }

    private static JsonObject Truncated() => new() { ["truncated"] = false };

    private static JsonObject DetailsJson(HistoryEventDetails d)
    {
        var o = new JsonObject();
        switch (d)
        {
            case ExecutionStartedEventDetails s:
                o["input"] = s.Input;
                o["inputDetails"] = Truncated();
                if (s.RoleArn is not null)
                {
                    o["roleArn"] = s.RoleArn;
                }

                if (s.StateMachineAliasArn is not null)
                {
                    o["stateMachineAliasArn"] = s.StateMachineAliasArn;
                }

                if (s.StateMachineVersionArn is not null)
                {
                    o["stateMachineVersionArn"] = s.StateMachineVersionArn;
                }

                break;
            case ExecutionSucceededEventDetails s:
                o["output"] = s.Output;
                o["outputDetails"] = Truncated();
                break;
            case FailureEventDetails f:
                AddErrorCause(o, f.Error, f.Cause);
                break;
            case StateEnteredEventDetails s:
                o["input"] = s.Input;
                o["inputDetails"] = Truncated();
                o["name"] = s.Name;
                break;
            case StateExitedEventDetails s:
                if (s.AssignedVariables is not null)
                {
                    var vars = new JsonObject();
                    foreach (var (k, v) in s.AssignedVariables)
                    {
                        vars[k] = v;
                    }

                    o["assignedVariables"] = vars;
                    o["assignedVariablesDetails"] = Truncated();
                }

                o["name"] = s.Name;
                o["output"] = s.Output;
                o["outputDetails"] = Truncated();
                break;
            case MapStateStartedEventDetails m:
                o["length"] = m.Length;
                break;
            case MapIterationEventDetails m:
                o["index"] = m.Index;
                o["name"] = m.Name;
                break;
            case MapRunStartedEventDetails m:
                o["mapRunArn"] = m.MapRunArn;
                break;
            case MapRunRedrivenEventDetails m:
                o["mapRunArn"] = m.MapRunArn;
                o["redriveCount"] = m.RedriveCount;
                break;
            case TaskScheduledEventDetails t:
                if (t.HeartbeatInSeconds is not null)
                {
                    o["heartbeatInSeconds"] = t.HeartbeatInSeconds;
                }

                o["parameters"] = t.Parameters;
                o["region"] = t.Region;
                o["resource"] = t.Resource;
                o["resourceType"] = t.ResourceType;
                if (t.TimeoutInSeconds is not null)
                {
                    o["timeoutInSeconds"] = t.TimeoutInSeconds;
                }

                break;
            case TaskStartedEventDetails t:
                o["resource"] = t.Resource;
                o["resourceType"] = t.ResourceType;
                break;
            case TaskSucceededEventDetails t:
                o["output"] = t.Output;
                o["outputDetails"] = Truncated();
                o["resource"] = t.Resource;
                o["resourceType"] = t.ResourceType;
                break;
            case TaskFailedEventDetails t:
                AddErrorCause(o, t.Error, t.Cause);
                o["resource"] = t.Resource;
                o["resourceType"] = t.ResourceType;
                break;
            case LambdaFunctionScheduledEventDetails l:
                o["input"] = l.Input;
                o["inputDetails"] = Truncated();
                o["resource"] = l.Resource;
                if (l.TimeoutInSeconds is not null)
                {
                    o["timeoutInSeconds"] = l.TimeoutInSeconds;
                }

                break;
            case LambdaFunctionSucceededEventDetails l:
                o["output"] = l.Output;
                o["outputDetails"] = Truncated();
                break;
            case ExecutionRedrivenEventDetails r:
                o["redriveCount"] = r.RedriveCount;
                break;
            case ActivityScheduledEventDetails a:
                if (a.HeartbeatInSeconds is not null)
                {
                    o["heartbeatInSeconds"] = a.HeartbeatInSeconds;
                }

                o["input"] = a.Input;
                o["inputDetails"] = Truncated();
                o["resource"] = a.Resource;
                if (a.TimeoutInSeconds is not null)
                {
                    o["timeoutInSeconds"] = a.TimeoutInSeconds;
                }

                break;
            case ActivityStartedEventDetails a:
                if (a.WorkerName is not null)
                {
                    o["workerName"] = a.WorkerName;
                }

                break;
            case ActivitySucceededEventDetails a:
                o["output"] = a.Output;
                o["outputDetails"] = Truncated();
                break;
            case EvaluationFailedEventDetails ev:
                AddErrorCause(o, ev.Error, ev.Cause);
                if (ev.Location is not null)
                {
                    o["location"] = ev.Location;
                }

                o["state"] = ev.State;
                break;
        }

        return o;
    }

    private static void AddErrorCause(JsonObject o, string? error, string? cause)
    {
        if (cause is not null)
        {
            o["cause"] = cause;
        }

        if (error is not null)
        {
            o["error"] = error;
        }
    }

    /// <summary>Used by callers that want a details input/output as a JSON node rather than a string.</summary>
    public static JsonNode? ParseJsonString(string json) => JsonText.TryParse(json, out var n) ? n : JsonValue.Create(json);
}
