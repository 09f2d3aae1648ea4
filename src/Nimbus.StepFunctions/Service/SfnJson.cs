using System.Globalization;
using System.Text.Json.Nodes;
using Nimbus.StepFunctions.Execution;
using Nimbus.StepFunctions.History;

namespace Nimbus.StepFunctions.Service;

/// <summary>Wire helpers: epoch-second timestamps (AWS JSON 1.0), history event rendering, checkpoint (de)serialisation.</summary>
internal static class SfnJson
{
    public static JsonNode Epoch(long unixMs) => JsonValue.Create(unixMs / 1000.0);

    /// <summary>The <c>GetExecutionHistory</c> shape of one event, with the timestamp as epoch seconds.</summary>
    public static string EventBody(HistoryEvent e)
    {
        var o = e.ToJson();
        o["timestamp"] = Epoch(e.Timestamp.ToUnixTimeMilliseconds());
        return o.ToJsonString();
    }

    public static string Checkpoint(ExecutionCheckpoint cp, bool reenter = false)
    {
        var vars = new JsonObject();
        foreach (var (k, v) in cp.Variables)
        {
            vars[k] = v;
        }

        return new JsonObject
        {
            ["state"] = cp.StateName,
            ["input"] = cp.Input,
            ["variables"] = vars,
            ["enteredEventId"] = cp.EnteredEventId,
            ["enteredTime"] = cp.EnteredTime.UtcDateTime.ToString("O", CultureInfo.InvariantCulture),
            ["reenter"] = reenter,
        }.ToJsonString();
    }

    /// <summary>Whether the checkpoint was written by a redrive (its state is entered again rather than continued).</summary>
    public static bool IsReentry(string json) => JsonNode.Parse(json)?["reenter"]?.GetValue<bool>() == true;

    public static ExecutionCheckpoint ParseCheckpoint(string json)
    {
        var o = JsonNode.Parse(json)!.AsObject();
        var vars = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (k, v) in o["variables"]!.AsObject())
        {
            vars[k] = v!.GetValue<string>();
        }

        return new ExecutionCheckpoint(
            o["state"]!.GetValue<string>(),
            o["input"]!.GetValue<string>(),
            vars,
            o["enteredEventId"]!.GetValue<long>(),
            DateTimeOffset.Parse(o["enteredTime"]!.GetValue<string>(), CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal));
    }
}
