using System.Text.Json.Nodes;
using Nimbus.StepFunctions.Asl.Parsing;
using Nimbus.StepFunctions.Execution;

namespace Nimbus.StepFunctions.Tests;

/// <summary>Fake clock whose waits return at once (time jumps forward).</summary>
internal sealed class FakeClock : TimeProvider, IWaitScheduler
{
    public DateTimeOffset Now { get; set; } = new(2024, 1, 1, 0, 0, 0, TimeSpan.Zero);

    public List<DateTimeOffset> Waits { get; } = [];

    public override DateTimeOffset GetUtcNow() => Now;

    public ValueTask WaitUntilAsync(DateTimeOffset dueTime, CancellationToken cancellationToken)
    {
        Waits.Add(dueTime);
        if (dueTime > Now)
        {
            Now = dueTime;
        }

        return ValueTask.CompletedTask;
    }
}

/// <summary>Task invoker driven by a delegate.</summary>
internal sealed class DelegateInvoker(Func<TaskInvocation, TaskInvocationResult> handler) : ITaskInvoker
{
    public List<TaskInvocation> Calls { get; } = [];

    public ValueTask<TaskInvocationResult> InvokeAsync(TaskInvocation invocation, CancellationToken cancellationToken)
    {
        lock (Calls)
        {
            Calls.Add(invocation);
        }

        return ValueTask.FromResult(handler(invocation));
    }
}

internal static class TestMachine
{
    public static async Task<ExecutionResult> RunAsync(string definition, string input = "{}", ITaskInvoker? invoker = null, FakeClock? clock = null)
    {
        var parsed = AslParser.Parse(definition);
        Assert.True(parsed.IsValid, string.Join("\n", parsed.Diagnostics));
        clock ??= new FakeClock();
        var interpreter = new AslInterpreter(new InterpreterOptions { TaskInvoker = invoker, TimeProvider = clock, WaitScheduler = clock, Random = new Random(1) });
        var request = new ExecutionRequest(
            "arn:aws:states:us-east-1:000000000000:execution:sm:exec1", "exec1", "arn:aws:states:us-east-1:000000000000:stateMachine:sm", "sm", input)
        {
            RoleArn = "role",
        };
        return await interpreter.ExecuteAsync(parsed.Definition!, request);
    }

    public static JsonNode? Output(ExecutionResult r)
    {
        Assert.True(r.Status == ExecutionStatus.Succeeded, $"{r.Status}: {r.Error} {r.Cause}");
        return JsonNode.Parse(r.Output!);
    }

    public static string Single(string stateJson) => "{\"StartAt\":\"S\",\"States\":{\"S\":" + stateJson + "}}";

    public static bool JsonEquals(string expected, JsonNode? actual) => JsonNode.DeepEquals(JsonNode.Parse(expected), actual);
}
