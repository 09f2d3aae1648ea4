using System.Text.Json.Nodes;
using Nimbus.StepFunctions.Execution;
using Nimbus.StepFunctions.Json;

namespace Nimbus.StepFunctions.Conformance;

/// <summary>
/// A deterministic fake for recorded task results: replays, in order, the outputs/errors of the recorded
/// TaskSucceeded/TaskFailed/LambdaFunctionSucceeded/LambdaFunctionFailed events.
/// </summary>
internal sealed class RecordedTaskInvoker : ITaskInvoker
{
    private readonly Queue<TaskInvocationResult> _results = new();

    public RecordedTaskInvoker(JsonArray history)
    {
        foreach (var e in history)
        {
            var type = e?["type"]?.GetValue<string>();
            switch (type)
            {
                case "TaskSucceeded":
                case "LambdaFunctionSucceeded":
                    var details = e![type == "TaskSucceeded" ? "taskSucceededEventDetails" : "lambdaFunctionSucceededEventDetails"];
                    var output = details?["output"];
                    _results.Enqueue(TaskInvocationResult.Success(JsonText.IsString(output) && JsonText.TryParse(output!.GetValue<string>(), out var p) ? p : output?.DeepClone()));
                    break;
                case "TaskFailed":
                case "LambdaFunctionFailed":
                    var f = e![type == "TaskFailed" ? "taskFailedEventDetails" : "lambdaFunctionFailedEventDetails"];
                    _results.Enqueue(TaskInvocationResult.Failure(f?["error"]?.GetValue<string>() ?? "", f?["cause"]?.GetValue<string>()));
                    break;
            }
        }
    }

    public ValueTask<TaskInvocationResult> InvokeAsync(TaskInvocation invocation, CancellationToken cancellationToken)
    {
        lock (_results)
        {
            return ValueTask.FromResult(_results.Count > 0
                ? _results.Dequeue()
                : TaskInvocationResult.Failure("States.TaskFailed", "No recorded result left for " + invocation.Resource));
        }
    }
}
