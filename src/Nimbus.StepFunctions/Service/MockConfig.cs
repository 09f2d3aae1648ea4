using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Nimbus.StepFunctions.Execution;

namespace Nimbus.StepFunctions.Service;

/// <summary>
/// Step Functions Local's mocked service integrations (<c>MockConfigFile.json</c>): <c>StateMachines.&lt;name&gt;.TestCases.&lt;case&gt;</c>
/// maps state names to <c>MockedResponses</c>, whose keys are 0-based invocation attempts or inclusive ranges <c>"a-b"</c>, each
/// holding a <c>Return</c> (the integration's raw result) or a <c>Throw</c> (<c>Error</c>, <c>Cause</c>). The file is re-read
/// when it changes.
/// </summary>
internal sealed class MockConfig(StepFunctionsOptions options)
{
    private readonly Lock _lock = new();
    private (string Path, DateTime Written, JsonObject Root)? _loaded;

    public string? Path => options.EffectiveMockConfigPath;

    private JsonObject? Root()
    {
        if (Path is not { } path)
        {
            return null;
        }

        lock (_lock)
        {
            var written = File.Exists(path) ? File.GetLastWriteTimeUtc(path) : DateTime.MinValue;
            if (_loaded is { } l && l.Path == path && l.Written == written)
            {
                return l.Root;
            }

            if (written == DateTime.MinValue)
            {
                throw SfnErrors.Validation($"The mock configuration file '{path}' does not exist.");
            }

            JsonObject root;
            try
            {
                root = JsonNode.Parse(File.ReadAllText(path)) as JsonObject ?? throw new JsonException("The mock configuration is not a JSON object.");
            }
            catch (JsonException e)
            {
                throw SfnErrors.Validation($"The mock configuration file '{path}' is not valid: {e.Message}");
            }

            _loaded = (path, written, root);
            return root;
        }
    }

    /// <summary>Checks that the test case exists for the state machine (StartExecution on <c>arn#TestCase</c>).</summary>
    public void Require(string stateMachineName, string testCase)
    {
        var root = Root() ?? throw SfnErrors.Validation($"No mock configuration is loaded (set {StepFunctionsOptions.MockConfigEnvironmentVariable}); cannot run test case '{testCase}'.");
        if (root["StateMachines"]?[stateMachineName]?["TestCases"]?[testCase] is not JsonObject)
        {
            throw SfnErrors.Validation($"Test case '{testCase}' is not defined for state machine '{stateMachineName}' in the mock configuration.");
        }
    }

    /// <summary>The mocked outcome of <paramref name="stateName"/>'s invocation number <paramref name="attempt"/>, or null (not mocked: call the real resource).</summary>
    public TaskInvocationResult? Find(string stateMachineName, string testCase, string stateName, int attempt)
    {
        var root = Root();
        if (root?["StateMachines"]?[stateMachineName]?["TestCases"]?[testCase]?[stateName] is not JsonValue responseName
            || !responseName.TryGetValue<string>(out var name))
        {
            return null;
        }

        if (root["MockedResponses"]?[name] is not JsonObject responses)
        {
            return TaskInvocationResult.Failure(StatesErrors.Runtime, $"The mocked response '{name}' is not defined in the mock configuration.");
        }

        foreach (var (key, entry) in responses)
        {
            if (!Covers(key, attempt) || entry is not JsonObject e)
            {
                continue;
            }

            if (e["Throw"] is JsonObject t)
            {
                return TaskInvocationResult.Failure(t["Error"]?.GetValue<string>() ?? StatesErrors.TaskFailed, t["Cause"]?.GetValue<string>());
            }

            return TaskInvocationResult.Success(e["Return"]?.DeepClone());
        }

        return TaskInvocationResult.Failure(StatesErrors.Runtime, $"The mocked response '{name}' has no entry for invocation {attempt.ToString(CultureInfo.InvariantCulture)} of state '{stateName}'.");
    }

    private static bool Covers(string key, int attempt)
    {
        var dash = key.IndexOf('-', StringComparison.Ordinal);
        if (dash < 0)
        {
            return int.TryParse(key, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n == attempt;
        }

        return int.TryParse(key.AsSpan(0, dash), NumberStyles.None, CultureInfo.InvariantCulture, out var from)
            && int.TryParse(key.AsSpan(dash + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var to)
            && attempt >= from && attempt <= to;
    }
}
