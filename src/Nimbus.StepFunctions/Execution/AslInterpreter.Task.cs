using System.Text.Json.Nodes;
using Nimbus.StepFunctions.Asl.Model;
using Nimbus.StepFunctions.History;
using Nimbus.StepFunctions.Json;

namespace Nimbus.StepFunctions.Execution;

/// <summary>Task state: parameters, timeouts, the task invoker seam and the Task*/LambdaFunction* events.</summary>
public sealed partial class AslInterpreter
{
    private async ValueTask<JsonNode?> RunTaskCoreAsync(TaskState state, JsonNode? input, Frame frame, CancellationToken ct)
    {
        var jsonata = state.QueryLanguage == QueryLanguageKind.Jsonata;
        var resource = ParseResource(state.Resource);
        if (resource.WaitForTaskToken || resource.IsActivity)
        {
            frame.SetTaskToken(TaskTokenFor(frame));
        }

        JsonNode? parameters;
        var timeout = state.TimeoutSeconds;
        var heartbeat = state.HeartbeatSeconds;
        if (jsonata)
        {
            var states = StatesBinding(input, frame);
            parameters = state.Arguments is null ? input?.DeepClone() : EvaluateJsonataTemplate(state.Arguments, states, frame, "Arguments");
            Inspect(frame, "afterArguments", parameters);
            timeout = JsonataPositiveInt(state.TimeoutSecondsExpression, states, frame, "TimeoutSeconds") ?? timeout;
            heartbeat = JsonataPositiveInt(state.HeartbeatSecondsExpression, states, frame, "HeartbeatSeconds") ?? heartbeat;
        }
        else
        {
            var effective = ApplyInputPath(state.InputPath, input, frame);
            Inspect(frame, "afterInputPath", effective);
            parameters = state.Parameters is not null ? state.Parameters.Evaluate(frame.Scope(effective)) : effective?.DeepClone();
            Inspect(frame, "afterParameters", parameters);
        }

        if (state.TimeoutSecondsPath is not null)
        {
            timeout = PositiveIntFromPath(state.TimeoutSecondsPath, input, frame, "TimeoutSecondsPath");
        }

        if (state.HeartbeatSecondsPath is not null)
        {
            heartbeat = PositiveIntFromPath(state.HeartbeatSecondsPath, input, frame, "HeartbeatSecondsPath");
        }

        var parametersText = JsonText.Serialize(parameters);
        if (resource.IsLambdaFunction)
        {
            frame.Append(HistoryEventType.LambdaFunctionScheduled, new LambdaFunctionScheduledEventDetails(state.Resource, parametersText, timeout));
            frame.Append(HistoryEventType.LambdaFunctionStarted);
        }
        else if (resource.IsActivity)
        {
            // ActivityStarted is recorded when a worker takes the task (TaskInvocation.Started).
            frame.Append(HistoryEventType.ActivityScheduled, new ActivityScheduledEventDetails(state.Resource, parametersText, timeout, heartbeat));
        }
        else
        {
            frame.Append(
                HistoryEventType.TaskScheduled,
                new TaskScheduledEventDetails(resource.ResourceType, resource.Resource, resource.Region ?? options.Region, parametersText, timeout, heartbeat));
            frame.Append(HistoryEventType.TaskStarted, new TaskStartedEventDetails(resource.ResourceType, resource.Resource));
        }

        var invoker = options.TaskInvoker;
        TaskInvocationResult result;
        if (invoker is null)
        {
            result = TaskInvocationResult.Failure(StatesErrors.TaskFailed, $"No task invoker is configured for resource '{state.Resource}'.");
        }
        else
        {
            using var timeoutCts = timeout is { } ts ? new CancellationTokenSource(TimeSpan.FromSeconds(ts), options.TimeProvider) : null;
            using var linked = timeoutCts is null ? null : CancellationTokenSource.CreateLinkedTokenSource(ct, timeoutCts.Token);
            var invocation = new TaskInvocation(
                state.Resource, parameters, frame.ContextDocument?.DeepClone(), frame.TaskToken, timeout, heartbeat, state.Name, frame.Run.Request.ExecutionArn)
            {
                // AWS records the underlying call's response of a callback task before the task waits for its token.
                Submitted = resource.WaitForTaskToken || resource.Resource.Contains(".sync", StringComparison.Ordinal)
                    ? submitted => frame.Append(
                        HistoryEventType.TaskSubmitted,
                        new TaskSucceededEventDetails(resource.ResourceType, resource.Resource, JsonText.Serialize(submitted)))
                    : null,
                Started = resource.IsActivity
                    ? worker => frame.Append(HistoryEventType.ActivityStarted, new ActivityStartedEventDetails(worker))
                    : null,
            };
            try
            {
                var token = linked?.Token ?? ct;
                var call = invoker.InvokeAsync(invocation, token);
                if (call.IsCompleted || !token.CanBeCanceled)
                {
                    result = await call.ConfigureAwait(false);
                }
                else
                {
                    // The state's timeout (and a stop) must win even when the resource ignores cancellation — a Lambda
                    // invoke keeps running after Step Functions gave up on it, as on AWS.
                    var pending = call.AsTask();
                    _ = pending.ContinueWith(static t => _ = t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);
                    result = await pending.WaitAsync(token).ConfigureAwait(false);
                }
            }
            catch (OperationCanceledException) when (timeoutCts?.IsCancellationRequested == true && !ct.IsCancellationRequested)
            {
                result = TaskInvocationResult.Failure(StatesErrors.Timeout, null);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                result = TaskInvocationResult.Failure(ex.GetType().Name, ex.Message);
            }
        }

        if (!result.Succeeded)
        {
            var timedOut = result.Error is StatesErrors.Timeout or StatesErrors.HeartbeatTimeout;
            if (resource.IsLambdaFunction)
            {
                frame.Append(
                    timedOut ? HistoryEventType.LambdaFunctionTimedOut : HistoryEventType.LambdaFunctionFailed,
                    new FailureEventDetails(result.Error, result.Cause));
            }
            else if (resource.IsActivity)
            {
                frame.Append(
                    timedOut ? HistoryEventType.ActivityTimedOut : HistoryEventType.ActivityFailed,
                    new FailureEventDetails(result.Error, result.Cause));
            }
            else
            {
                frame.Append(
                    timedOut ? HistoryEventType.TaskTimedOut : HistoryEventType.TaskFailed,
                    new TaskFailedEventDetails(resource.ResourceType, resource.Resource, result.Error, result.Cause));
            }

            throw new StatesException(result.Error ?? StatesErrors.TaskFailed, result.Cause);
        }

        var outputText = JsonText.Serialize(result.Output);
        CheckPayload(outputText, state.Name);
        if (resource.IsLambdaFunction)
        {
            frame.Append(HistoryEventType.LambdaFunctionSucceeded, new LambdaFunctionSucceededEventDetails(outputText));
        }
        else if (resource.IsActivity)
        {
            frame.Append(HistoryEventType.ActivitySucceeded, new ActivitySucceededEventDetails(outputText));
        }
        else
        {
            frame.Append(HistoryEventType.TaskSucceeded, new TaskSucceededEventDetails(resource.ResourceType, resource.Resource, outputText));
        }

        return result.Output;
    }

    /// <summary>
    /// A task token that is stable for one attempt of one state entry (execution, entered event id, retry count), so a
    /// durable execution resumed after a restart hands out the same token again.
    /// </summary>
    private static string TaskTokenFor(Frame frame)
    {
        var key = $"{frame.Run.Request.ExecutionArn}|{frame.EnteredEventId}|{frame.StateName}|{frame.RetryCount}";
        var hash = System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(key));
        return "AQ" + Convert.ToBase64String(hash).TrimEnd('=').Replace('+', '-').Replace('/', '_');
    }

    private static int PositiveIntFromPath(string path, JsonNode? input, Frame frame, string field)
    {
        var value = ResolveOptionalPath(path, input, frame, field, out _);
        if (!JsonText.IsInteger(value) || JsonText.ToDouble(value!) < 1)
        {
            throw new StatesException(
                StatesErrors.Runtime,
                $"The {field} field refers to value {JsonText.Serialize(value)} which is not a valid positive integer: {path}");
        }

        return (int)Math.Min(JsonText.ToDouble(value!), int.MaxValue);
    }

    /// <summary>The parts of a Task resource ARN that history events report.</summary>
    internal sealed record TaskResource(string ResourceType, string Resource, string? Region, bool IsLambdaFunction, bool WaitForTaskToken)
    {
        public bool IsActivity => ResourceType == "activity";
    }

    internal static TaskResource ParseResource(string arn)
    {
        var parts = arn.Split(':');
        var region = parts.Length > 3 && parts[3].Length > 0 ? parts[3] : null;
        if (parts.Length >= 7 && parts[2] == "lambda" && parts[5] == "function")
        {
            return new TaskResource("lambda", arn, region, IsLambdaFunction: true, WaitForTaskToken: false);
        }

        if (parts.Length >= 7 && parts[2] == "states" && parts[5] == "activity")
        {
            return new TaskResource("activity", string.Join(':', parts[6..]), region, false, false);
        }

        if (parts.Length >= 7 && parts[2] == "states")
        {
            var res = string.Join(':', parts[6..]);
            return new TaskResource(parts[5], res, region, false, res.EndsWith(".waitForTaskToken", StringComparison.Ordinal));
        }

        return new TaskResource(parts.Length > 2 ? parts[2] : "unknown", arn, region, false, false);
    }
}
