using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Nimbus.StepFunctions.Execution;
using Nimbus.StepFunctions.History;

namespace Nimbus.StepFunctions.Service;

/// <summary>Wire helpers: epoch-second timestamps (AWS JSON 1.0), history event rendering, checkpoint (de)serialisation.</summary>
internal static class SfnJson
{
    public static JsonNode Epoch(long unixMs) => JsonValue.Create(unixMs / 1000.0);

    [ThreadStatic]
    private static (ArrayBufferWriter<byte> Buffer, Utf8JsonWriter Writer)? t_writer;

    /// <summary>The <c>GetExecutionHistory</c> shape of one event, with the timestamp as epoch seconds.</summary>
    /// <remarks>
    /// The events of every transition (state entered/exited, execution started/succeeded) are written straight to UTF-8
    /// (no <see cref="JsonObject"/> per event); the others go through <see cref="HistoryJson"/>. Same JSON either way.
    /// </remarks>
    public static string EventBody(HistoryEvent e)
    {
        if (e.Details is not (null or StateEnteredEventDetails or StateExitedEventDetails or ExecutionStartedEventDetails or ExecutionSucceededEventDetails))
        {
            var o = e.ToJson();
            o["timestamp"] = Epoch(e.Timestamp.ToUnixTimeMilliseconds());
            return o.ToJsonString();
        }

        return Render(e, static (w, e) =>
        {
            w.WriteStartObject();
            w.WriteNumber("id", e.Id);
            w.WriteNumber("previousEventId", e.PreviousEventId);
            w.WriteNumber("timestamp", e.Timestamp.ToUnixTimeMilliseconds() / 1000.0);
            w.WriteString("type", e.Type.ToString());
            if (e.Details is not null)
            {
                w.WriteStartObject(HistoryJson.DetailsPropertyName(e.Type));
                switch (e.Details)
                {
                    case StateEnteredEventDetails s:
                        w.WriteString("input", s.Input);
                        NotTruncated(w, "inputDetails");
                        w.WriteString("name", s.Name);
                        break;
                    case StateExitedEventDetails s:
                        if (s.AssignedVariables is not null)
                        {
                            w.WriteStartObject("assignedVariables");
                            foreach (var (k, v) in s.AssignedVariables)
                            {
                                w.WriteString(k, v);
                            }

                            w.WriteEndObject();
                            NotTruncated(w, "assignedVariablesDetails");
                        }

                        w.WriteString("name", s.Name);
                        w.WriteString("output", s.Output);
                        NotTruncated(w, "outputDetails");
                        break;
                    case ExecutionStartedEventDetails s:
                        w.WriteString("input", s.Input);
                        NotTruncated(w, "inputDetails");
                        WriteIfSet(w, "roleArn", s.RoleArn);
                        WriteIfSet(w, "stateMachineAliasArn", s.StateMachineAliasArn);
                        WriteIfSet(w, "stateMachineVersionArn", s.StateMachineVersionArn);
                        break;
                    case ExecutionSucceededEventDetails s:
                        w.WriteString("output", s.Output);
                        NotTruncated(w, "outputDetails");
                        break;
                }

                w.WriteEndObject();
            }

            w.WriteEndObject();
        });
    }

    private static void NotTruncated(Utf8JsonWriter w, string name)
    {
        w.WriteStartObject(name);
        w.WriteBoolean("truncated", false);
        w.WriteEndObject();
    }

    private static void WriteIfSet(Utf8JsonWriter w, string name, string? value)
    {
        if (value is not null)
        {
            w.WriteString(name, value);
        }
    }

    /// <summary>Writes JSON with a per-thread buffer and writer (nothing awaits while writing) and returns it as a string.</summary>
    private static string Render<T>(T value, Action<Utf8JsonWriter, T> write)
    {
        var (buffer, writer) = t_writer ??= NewWriter();
        buffer.ResetWrittenCount();
        writer.Reset(buffer);
        write(writer, value);
        writer.Flush();
        var text = Encoding.UTF8.GetString(buffer.WrittenSpan);
        if (buffer.Capacity > 1 << 20)
        {
            t_writer = null; // do not keep a large payload's buffer alive per thread
        }

        return text;
    }

    private static (ArrayBufferWriter<byte>, Utf8JsonWriter) NewWriter()
    {
        var buffer = new ArrayBufferWriter<byte>(4096);
        return (buffer, new Utf8JsonWriter(buffer));
    }

    public static string Checkpoint(ExecutionCheckpoint cp, bool reenter = false) => Render((cp, reenter), static (w, x) =>
    {
        var (cp, reenter) = x;
        w.WriteStartObject();
        w.WriteString("state", cp.StateName);
        w.WriteString("input", cp.Input);
        w.WriteStartObject("variables");
        foreach (var (k, v) in cp.Variables)
        {
            w.WriteString(k, v);
        }

        w.WriteEndObject();
        w.WriteNumber("enteredEventId", cp.EnteredEventId);
        w.WriteString("enteredTime", cp.EnteredTime.UtcDateTime.ToString("O", CultureInfo.InvariantCulture));
        w.WriteBoolean("reenter", reenter);
        w.WriteEndObject();
    });

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
