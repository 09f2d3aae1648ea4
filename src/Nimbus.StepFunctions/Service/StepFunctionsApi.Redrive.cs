using System.Text.Json.Nodes;
using Nimbus.StepFunctions.Execution;
using Nimbus.StepFunctions.History;

namespace Nimbus.StepFunctions.Service;

/// <summary>RedriveExecution: restarts a failed, timed-out or aborted STANDARD execution from the state that did not finish.</summary>
internal sealed partial class StepFunctionsApi
{
    private const int MaxRedrives = 1000;
    private static readonly TimeSpan RedriveWindow = TimeSpan.FromDays(14);

    /// <summary>Why the execution can't be redriven (null: it can).</summary>
    private string? NotRedrivableReason(ExecutionRecord e)
    {
        if (e.IsExpress)
        {
            return "Express executions cannot be redriven";
        }

        if (e.Status is not ("FAILED" or "TIMED_OUT" or "ABORTED"))
        {
            return $"Execution is {e.Status} and cannot be redriven";
        }

        if (e.StopDate is { } stop && Now() - stop > (long)RedriveWindow.TotalMilliseconds)
        {
            return "Execution stopped more than 14 days ago and cannot be redriven";
        }

        if (e.RedriveCount >= MaxRedrives)
        {
            return $"Execution has been redriven {MaxRedrives} times and cannot be redriven again";
        }

        return e.Checkpoint is null ? "Execution failed before it entered a state and cannot be redriven" : null;
    }

    private void AddRedrive(JsonObject result, ExecutionRecord e, bool withStatus)
    {
        result["redriveCount"] = e.RedriveCount;
        if (e.RedriveDate is { } date)
        {
            result["redriveDate"] = SfnJson.Epoch(date);
        }

        if (withStatus)
        {
            // A finished run's record in memory has no checkpoint; the stored one keeps it for redrive.
            var stored = e.Status is "FAILED" or "TIMED_OUT" or "ABORTED" && e.Checkpoint is null && !e.IsExpress ? _store.Execution(e.Arn) ?? e : e;
            var reason = NotRedrivableReason(stored);
            result["redriveStatus"] = reason is null ? "REDRIVABLE" : "NOT_REDRIVABLE";
            if (reason is not null)
            {
                result["redriveStatusReason"] = reason;
            }
        }
    }

    private JsonObject RedriveExecution(JsonObject body)
    {
        var arn = Required(body, "executionArn");
        ParseArn(arn, "execution", "express");
        if (engine.Running(arn) is { } running && !running.Completion.IsCompleted)
        {
            throw SfnErrors.NotRedrivable(arn, "Execution is RUNNING and cannot be redriven");
        }

        var e = _store.Execution(arn) ?? (arn.Contains(":express:", StringComparison.Ordinal) && engine.Running(arn) is { } x
            ? x.Record
            : throw SfnErrors.ExecutionDoesNotExist(arn));
        if (NotRedrivableReason(e) is { } reason)
        {
            throw SfnErrors.NotRedrivable(arn, reason);
        }

        var checkpoint = SfnJson.ParseCheckpoint(e.Checkpoint!);
        var now = Now();
        var count = e.RedriveCount + 1;
        // The failed state is entered again with the input and variables it had, chained after ExecutionRedriven; the
        // checkpoint (marked for re-entry, so a restart before the state is entered again re-enters it too) commits with
        // the event and the reopened status.
        ExecutionCheckpoint ResumeAt(long redrivenId) =>
            checkpoint with { EnteredEventId = redrivenId, EnteredTime = DateTimeOffset.FromUnixTimeMilliseconds(now) };
        var reopened = _store.Redrive(
            e,
            now,
            (id, previous) => SfnJson.EventBody(new HistoryEvent(id, previous, DateTimeOffset.FromUnixTimeMilliseconds(now), HistoryEventType.ExecutionRedriven, new ExecutionRedrivenEventDetails(count))),
            id => SfnJson.Checkpoint(ResumeAt(id), reenter: true));
        if (reopened is null)
        {
            throw SfnErrors.NotRedrivable(arn, "Execution is RUNNING and cannot be redriven");
        }

        engine.StartStandard(reopened, SfnJson.ParseCheckpoint(reopened.Checkpoint!), reenter: true);
        return new JsonObject { ["redriveDate"] = SfnJson.Epoch(now) };
    }
}
