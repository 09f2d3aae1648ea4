using System.Text.Json.Nodes;
using Nimbus.StepFunctions.Asl.Model;
using Nimbus.StepFunctions.Json;

namespace Nimbus.StepFunctions.Execution;

/// <summary>Wait state: Seconds, Timestamp, SecondsPath, TimestampPath through the wait scheduler.</summary>
public sealed partial class AslInterpreter
{
    private async ValueTask<(JsonNode? Output, string? Next)> RunWaitAsync(WaitState state, JsonNode? input, Frame frame, CancellationToken ct)
    {
        var jsonata = state.QueryLanguage == QueryLanguageKind.Jsonata;
        var effective = jsonata ? input : ApplyInputPath(state.InputPath, input, frame);
        if (!jsonata)
        {
            Inspect(frame, "afterInputPath", effective);
        }

        var states = jsonata ? StatesBinding(input, frame) : null;
        // Relative waits count from the state's entry, so a Wait resumed after a restart keeps its original due time.
        var now = frame.EnteredTime;
        DateTimeOffset due;
        if (state.Seconds is not null || state.SecondsPath is not null)
        {
            var seconds = state.Seconds is not null
                ? (jsonata ? EvaluateJsonataTemplate(state.Seconds, states!, frame, "Seconds") : state.Seconds)
                : ResolveOptionalPath(state.SecondsPath, effective, frame, "SecondsPath", out _);
            if (!JsonText.IsInteger(seconds) || JsonText.ToDouble(seconds!) < 0)
            {
                if (jsonata)
                {
                    throw EvaluationFailure(frame, $"The Seconds field does not evaluate to a valid non-negative integer: {JsonText.Serialize(seconds)}", "Seconds");
                }

                throw new StatesException(
                    StatesErrors.Runtime,
                    state.SecondsPath is not null
                        ? $"The SecondsPath parameter does not reference a valid integer value: {state.SecondsPath} == {JsonText.Serialize(seconds)}"
                        : $"The Seconds field does not evaluate to a valid non-negative integer: {JsonText.Serialize(seconds)}");
            }

            due = now + TimeSpan.FromSeconds(JsonText.ToDouble(seconds!));
        }
        else
        {
            var ts = state.Timestamp is not null
                ? (jsonata ? EvaluateJsonataTemplate(state.Timestamp, states!, frame, "Timestamp") : state.Timestamp)
                : ResolveOptionalPath(state.TimestampPath, effective, frame, "TimestampPath", out _);
            var text = JsonText.AsString(ts);
            if (text is null || !Timestamps.TryParse(text, out due))
            {
                var shown = text ?? JsonText.Serialize(ts);
                if (jsonata)
                {
                    throw EvaluationFailure(
                        frame, $"The Timestamp field does not evaluate to a valid ISO-8601 extended offset date-time format string: {shown}", "Timestamp");
                }

                throw new StatesException(
                    StatesErrors.Runtime,
                    state.TimestampPath is not null
                        ? $"The TimestampPath parameter does not reference a valid ISO-8601 extended offset date-time format string: {state.TimestampPath} == {shown}"
                        : $"The Timestamp field does not evaluate to a valid ISO-8601 extended offset date-time format string: {shown}");
            }
        }

        if (due > options.TimeProvider.GetUtcNow())
        {
            await _waits.WaitUntilAsync(due, ct).ConfigureAwait(false);
        }

        if (jsonata)
        {
            var assignedJ = EvaluateJsonataAssign(state.RawAssign, states!, frame);
            return Exit(state, state.Output is null ? input : EvaluateJsonataTemplate(state.Output, states!, frame, "Output"), frame, assignedJ, state.Next);
        }

        var assigned = EvaluateAssign(state.Assign, effective, frame);
        return Exit(state, ApplyOutputPath(state.OutputPath, effective, frame), frame, assigned, state.Next);
    }
}
