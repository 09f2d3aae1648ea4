using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Nimbus.Core.Errors;
using Nimbus.StepFunctions.Execution;

namespace Nimbus.StepFunctions.Service;

/// <summary>
/// The optimized Step Functions integration: <c>arn:aws:states:::states:startExecution</c> (request/response), <c>.sync</c>
/// (waits; <c>Output</c> as a JSON string), <c>.sync:2</c> (<c>Output</c> as JSON) and <c>.waitForTaskToken</c>.
/// </summary>
/// <remarks>
/// A child started without a <c>Name</c> gets one derived from the parent's task attempt, so a parent resumed after a restart
/// finds (adopts) the child it had already started instead of starting a second one. Stopping the parent (or the task timing
/// out) stops a <c>.sync</c> child, as AWS stops the job a <c>.sync</c> task manages; a shutdown does not.
/// </remarks>
internal sealed class NestedExecutions(IServiceProvider services, Func<bool> shuttingDown)
{
    public const string Resource = "arn:aws:states:::states:startExecution";

    private StepFunctionsApi Api => services.GetRequiredService<StepFunctionsApi>();

    private ExecutionCoordinator Engine => services.GetRequiredService<ExecutionCoordinator>();

    public static bool Handles(string resource) =>
        resource is Resource or Resource + ".sync" or Resource + ".sync:2" or Resource + ".waitForTaskToken";

    /// <summary>Starts the child; returns it and StartExecution's response in the integration's shape.</summary>
    public (ExecutionRecord Child, JsonObject Response) Start(TaskInvocation invocation)
    {
        var p = invocation.Parameters as JsonObject ?? [];
        var machineArn = p["StateMachineArn"] is JsonValue v && v.TryGetValue<string>(out var a)
            ? a
            : throw new TaskFailure("States.Runtime", "The field 'StateMachineArn' is required by the service integration 'states:startExecution'.");
        var input = p["Input"] switch
        {
            null => "{}",
            JsonValue s when s.TryGetValue<string>(out var text) => text,
            var node => node.ToJsonString(),
        };
        var name = p["Name"]?.GetValue<string>();
        var generated = name is null;
        name ??= ChildName(invocation);
        try
        {
            var child = Api.Start(machineArn, name, input, p["TraceHeader"]?.GetValue<string>(), adoptClosed: generated);
            return (child, new JsonObject
            {
                ["ExecutionArn"] = child.Arn,
                ["StartDate"] = child.StartDate,
            });
        }
        catch (AwsServiceException e)
        {
            throw new TaskFailure("StepFunctions." + e.Error.Code + (e.Error.Code.EndsWith("Exception", StringComparison.Ordinal) ? "" : "Exception"), e.Error.Message);
        }
    }

    /// <summary>Request/response or <c>.sync</c>/<c>.sync:2</c> (not the callback pattern, which the caller handles).</summary>
    public async Task<TaskInvocationResult> RunAsync(TaskInvocation invocation, CancellationToken cancellationToken)
    {
        ExecutionRecord child;
        JsonObject response;
        try
        {
            (child, response) = Start(invocation);
        }
        catch (TaskFailure f)
        {
            return TaskInvocationResult.Failure(f.Error, f.Message);
        }

        if (invocation.Resource == Resource)
        {
            return TaskInvocationResult.Success(response);
        }

        invocation.Submitted?.Invoke(response);
        ExecutionRecord done;
        try
        {
            done = await WaitForAsync(child.Arn, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!shuttingDown())
        {
            // The parent was stopped or the task timed out: stop the job this .sync task manages.
            if (Engine.Running(child.Arn) is { } runner && !runner.Completion.IsCompleted && !child.IsExpress)
            {
                runner.Stop(null, null);
            }

            throw;
        }

        var description = Describe(done, invocation.Resource.EndsWith(":2", StringComparison.Ordinal));
        return done.Status == "SUCCEEDED"
            ? TaskInvocationResult.Success(description)
            : TaskInvocationResult.Failure("States.TaskFailed", description.ToJsonString());
    }

    /// <summary>The DescribeExecution shape the integration returns (<c>.sync:2</c>: <c>Output</c> as JSON).</summary>
    private static JsonObject Describe(ExecutionRecord e, bool jsonOutput)
    {
        var o = new JsonObject
        {
            ["ExecutionArn"] = e.Arn,
            ["Input"] = e.Input,
            ["InputDetails"] = new JsonObject { ["Included"] = true },
            ["Name"] = e.Name,
        };
        if (e.Output is not null)
        {
            o["Output"] = jsonOutput ? JsonNode.Parse(e.Output) : e.Output;
            o["OutputDetails"] = new JsonObject { ["Included"] = true };
        }

        o["RedriveCount"] = e.RedriveCount;
        o["RedriveStatus"] = "NOT_REDRIVABLE";
        o["StartDate"] = e.StartDate;
        o["StateMachineArn"] = e.StateMachineArn;
        if (e.VersionArn is not null)
        {
            o["StateMachineVersionArn"] = e.VersionArn;
        }

        if (e.AliasArn is not null)
        {
            o["StateMachineAliasArn"] = e.AliasArn;
        }

        o["Status"] = e.Status;
        if (e.StopDate is { } stop)
        {
            o["StopDate"] = stop;
        }

        if (e.Error is not null)
        {
            o["Error"] = e.Error;
        }

        if (e.Cause is not null)
        {
            o["Cause"] = e.Cause;
        }

        return o;
    }

    /// <summary>Waits for the child to close: on its runner when it runs here, else (resuming at start-up) by re-reading it.</summary>
    private async Task<ExecutionRecord> WaitForAsync(string arn, CancellationToken ct)
    {
        while (true)
        {
            if (Engine.Running(arn) is { } runner)
            {
                await runner.Completion.WaitAsync(ct).ConfigureAwait(false);
            }

            var record = Api.FindExecution(arn);
            if (record is null || record.Status != "RUNNING")
            {
                return record ?? throw new InvalidOperationException("The child execution disappeared: " + arn);
            }

            await Task.Delay(100, ct).ConfigureAwait(false);
        }
    }

    /// <summary>A name stable for one attempt of one task (parent execution, state, entry time, retry).</summary>
    private static string ChildName(TaskInvocation invocation)
    {
        var ctx = invocation.Context;
        var key = $"{invocation.ExecutionArn}|{invocation.StateName}|{ctx?["State"]?["EnteredTime"]}|{ctx?["State"]?["RetryCount"]}";
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(key));
        return new Guid(hash.AsSpan(0, 16)).ToString();
    }

    /// <summary>A failure to start the child, reported as the task's error.</summary>
    public sealed class TaskFailure(string error, string message) : Exception(message)
    {
        public string Error { get; } = error;
    }
}
