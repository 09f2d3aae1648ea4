using System.Text.Json.Nodes;
using Nimbus.StepFunctions.Asl.Parsing;
using Nimbus.StepFunctions.Execution;
using Nimbus.StepFunctions.Json;

namespace Nimbus.StepFunctions.Conformance;

/// <summary>Runs recorded AWS executions (<c>{name, definition, executions:[{input, history}]}</c>) and compares the histories.</summary>
internal static class ConformanceRunner
{
    // Placeholders used by the recordings for names/ARNs, so that context-object output can be compared verbatim.
    private const string StateMachineName = "<ArnPart_0idx>";
    private const string ExecutionName = "<ExecArnPart_0idx>";
    private const string StateMachineArn = "arn:<partition>:states:<region>:111111111111:stateMachine:<ArnPart_0idx>";
    private const string ExecutionArn = "arn:<partition>:states:<region>:111111111111:execution:<ArnPart_0idx>:<ExecArnPart_0idx>";

    public static async Task<int> RunAsync(string[] args, TextWriter output)
    {
        if (args.Length < 1 || !Directory.Exists(args[0]))
        {
            await output.WriteLineAsync("usage: Nimbus.StepFunctions.Conformance DIR [--verbose]").ConfigureAwait(false);
            await output.WriteLineAsync("0 passed, 0 failed").ConfigureAwait(false);
            return 0;
        }

        var verbose = args.Contains("--verbose");
        int passed = 0, failed = 0;
        foreach (var file in Directory.GetFiles(args[0], "*.json").Order(StringComparer.Ordinal))
        {
            var name = Path.GetFileNameWithoutExtension(file);
            string? failure;
            try
            {
                failure = await RunCaseAsync(file).ConfigureAwait(false);
            }
            catch (Exception ex)
            {
                failure = "harness exception: " + ex.GetType().Name + ": " + ex.Message;
            }

            if (failure is null)
            {
                passed++;
                if (verbose)
                {
                    await output.WriteLineAsync($"PASS {name}").ConfigureAwait(false);
                }
            }
            else
            {
                failed++;
                await output.WriteLineAsync($"FAIL {name}: {failure}").ConfigureAwait(false);
            }
        }

        await output.WriteLineAsync($"{passed} passed, {failed} failed").ConfigureAwait(false);
        return 0;
    }

    private static async Task<string?> RunCaseAsync(string file)
    {
        var doc = JsonNode.Parse(await File.ReadAllTextAsync(file).ConfigureAwait(false))!.AsObject();
        var definitionNode = doc["definition"];
        var definitionText = definitionNode is JsonValue v && v.TryGetValue(out string? s) ? s : definitionNode!.ToJsonString();
        var parsed = AslParser.Parse(definitionText);
        if (!parsed.IsValid)
        {
            return "definition rejected: " + string.Join("; ", parsed.Diagnostics.Take(3));
        }

        var executions = doc["executions"]!.AsArray();
        for (var i = 0; i < executions.Count; i++)
        {
            var exec = executions[i]!.AsObject();
            var inputNode = exec["input"];
            var inputText = JsonText.IsString(inputNode) ? inputNode!.GetValue<string>() : JsonText.Serialize(inputNode);
            var time = new SteppingTimeProvider();
            var interpreter = new AslInterpreter(new InterpreterOptions
            {
                TimeProvider = time,
                WaitScheduler = time,
                Random = new Random(42),
                TaskInvoker = new RecordedTaskInvoker(exec["history"]!.AsArray()),
            });
            var request = new ExecutionRequest(ExecutionArn, ExecutionName, StateMachineArn, StateMachineName, inputText) { RoleArn = "snf_role_arn" };
            var result = await interpreter.ExecuteAsync(parsed.Definition!, request).ConfigureAwait(false);
            var actual = result.History.Select(e => e.ToJson()).ToList();
            var difference = HistoryComparer.FirstDifference(exec["history"]!.AsArray(), actual);
            if (difference is not null)
            {
                return $"execution #{i}: {difference}";
            }
        }

        return null;
    }
}
