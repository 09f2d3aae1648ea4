using System.Collections.Concurrent;
using System.Text.Json;
using System.Text.Json.Nodes;
using Nimbus.Core.Identity;
using Nimbus.StepFunctions.Asl.Model;
using Nimbus.StepFunctions.Asl.Parsing;
using Nimbus.StepFunctions.Execution;
using Nimbus.StepFunctions.History;

namespace Nimbus.StepFunctions.Service;

/// <summary>
/// TestState: runs one state in isolation (Task resources are really invoked) and reports its output, status
/// (<c>SUCCEEDED</c>, <c>FAILED</c>, <c>RETRIABLE</c> when a retrier matches the error, <c>CAUGHT_ERROR</c> when a catcher does),
/// the next state and — at <c>DEBUG</c>/<c>TRACE</c> — the data flow stage by stage.
/// </summary>
internal sealed partial class StepFunctionsApi
{
    private static readonly string[] InspectionLevels = ["INFO", "DEBUG", "TRACE"];
    private static readonly TimeSpan TestStateLimit = TimeSpan.FromMinutes(5);

    private async Task<JsonObject> TestStateAsync(JsonObject body, AwsRequestContext caller, CancellationToken ct)
    {
        var definitionText = Required(body, "definition");
        var level = Optional(body, "inspectionLevel") ?? "INFO";
        if (!InspectionLevels.Contains(level))
        {
            throw SfnErrors.Validation($"1 validation error detected: Value '{level}' at 'inspectionLevel' failed to satisfy constraint: Member must satisfy enum value set: [INFO, DEBUG, TRACE]");
        }

        if (Optional(body, "roleArn") is { } role && !role.StartsWith("arn:", StringComparison.Ordinal))
        {
            throw SfnErrors.InvalidArn(role);
        }

        JsonObject state;
        try
        {
            state = JsonNode.Parse(definitionText) as JsonObject ?? throw SfnErrors.InvalidDefinition("The state definition must be a JSON object");
        }
        catch (JsonException e)
        {
            throw SfnErrors.InvalidDefinition("INVALID_JSON_DESCRIPTION: " + e.Message);
        }

        var type = state["Type"]?.GetValue<string>();
        if (type is "Map" or "Parallel")
        {
            throw SfnErrors.Validation($"TestState does not support {type} states.");
        }

        if (state["Resource"]?.GetValue<string>() is { } resource
            && (resource.EndsWith(".waitForTaskToken", StringComparison.Ordinal) || resource.Contains(".sync", StringComparison.Ordinal) || ServiceTaskInvoker.IsActivity(resource)))
        {
            throw SfnErrors.Validation("TestState does not support Activity tasks, or the .sync and .waitForTaskToken integration patterns.");
        }

        var input = Optional(body, "input") ?? "{}";
        JsonNode? inputNode;
        try
        {
            inputNode = JsonNode.Parse(input);
        }
        catch (JsonException e)
        {
            throw SfnErrors.InvalidExecutionInput(e.Message);
        }

        var variables = new Dictionary<string, string>(StringComparer.Ordinal);
        if (Optional(body, "variables") is { } varsText)
        {
            JsonObject vars;
            try
            {
                vars = JsonNode.Parse(varsText) as JsonObject ?? throw SfnErrors.Validation("The variables must be a JSON object.");
            }
            catch (JsonException e)
            {
                throw SfnErrors.Validation("The variables are not valid JSON: " + e.Message);
            }

            foreach (var (k, v) in vars)
            {
                variables[k] = v?.ToJsonString() ?? "null";
            }
        }

        // The state under test runs inside a machine whose transition targets are stand-in Succeed states. Retry and Catch
        // are evaluated here (TestState doesn't retry; it reports RETRIABLE or CAUGHT_ERROR), so the run has neither.
        const string Name = "TestState";
        var (_, fullState) = WrapState(state, Name, withErrorHandling: true);
        var (run, _) = WrapState(state, Name, withErrorHandling: false);

        var inspector = new Inspector(Name);
        var arn = $"arn:aws:states:{caller.Region}:{caller.AccountId}:execution:TestStateMachine:{Guid.NewGuid()}";
        var request = new ExecutionRequest(arn, "TestState", $"arn:aws:states:{caller.Region}:{caller.AccountId}:stateMachine:TestStateMachine", "TestStateMachine", input)
        {
            RoleArn = Optional(body, "roleArn"),
            Inspector = inspector,
            ResumeFrom = new ExecutionCheckpoint(Name, inputNode?.ToJsonString() ?? "null", variables, 0, time.GetUtcNow()),
        };
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(ct);
        limit.CancelAfter(TestStateLimit);
        ExecutionResult result;
        try
        {
            result = await engine.RunIsolatedAsync(run, request, limit.Token);
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            result = new ExecutionResult(ExecutionStatus.Failed, null, StatesErrors.Timeout, "TestState exceeded its five-minute limit.", []);
        }

        var response = new JsonObject();
        JsonObject? assigned = null;
        if (result.History.LastOrDefault(e => e.Details is StateExitedEventDetails x && x.Name == Name)?.Details is StateExitedEventDetails exited)
        {
            response["output"] = exited.Output;
            if (exited.AssignedVariables is { } av)
            {
                assigned = [];
                foreach (var (k, v) in av)
                {
                    assigned[k] = JsonNode.Parse(v);
                }
            }

            var next = result.History.FirstOrDefault(e => e.Details is StateEnteredEventDetails en && en.Name != Name)?.Details as StateEnteredEventDetails;
            if (next is not null)
            {
                response["nextState"] = next.Name;
            }

            response["status"] = "SUCCEEDED";
        }
        else if (result.Status == ExecutionStatus.Failed)
        {
            response["error"] = result.Error;
            if (result.Cause is not null)
            {
                response["cause"] = result.Cause;
            }

            var isTask = fullState is TaskState;
            var retry = fullState is ExecutableState es ? es.Retry : [];
            var catchers = fullState is ExecutableState ec ? ec.Catch : [];
            var retryIndex = AslInterpreter.FindRule(retry.Select(r => r.ErrorEquals), result.Error, isTask);
            var catchIndex = AslInterpreter.FindRule(catchers.Select(c => c.ErrorEquals), result.Error, isTask);
            if (retryIndex >= 0 && retry[retryIndex].MaxAttempts > 0)
            {
                response["status"] = "RETRIABLE";
            }
            else if (catchIndex >= 0)
            {
                var catcher = catchers[catchIndex];
                var errorOutput = new JsonObject { ["Error"] = result.Error };
                if (result.Cause is not null)
                {
                    errorOutput["Cause"] = result.Cause;
                }

                var output = fullState!.QueryLanguage == QueryLanguageKind.Jsonata ? errorOutput : AslInterpreter.ApplyResultPath(catcher.ResultPath, inputNode, errorOutput);
                response["output"] = output?.ToJsonString() ?? "null";
                response["nextState"] = catcher.Next;
                response["status"] = "CAUGHT_ERROR";
            }
            else
            {
                response["status"] = "FAILED";
            }
        }
        else
        {
            response["status"] = "FAILED";
            response["error"] = result.Error ?? StatesErrors.Runtime;
        }

        if (level != "INFO")
        {
            var data = new JsonObject { ["input"] = inputNode?.ToJsonString() ?? "null" };
            foreach (var (stage, value) in inspector.Stages)
            {
                data[stage] = value?.ToJsonString() ?? "null";
            }

            if (variables.Count > 0 || assigned is not null)
            {
                var all = new JsonObject();
                foreach (var (k, v) in variables)
                {
                    all[k] = JsonNode.Parse(v);
                }

                foreach (var (k, v) in assigned ?? [])
                {
                    all[k] = v?.DeepClone();
                }

                data["variables"] = all.ToJsonString();
            }

            response["inspectionData"] = data;
        }

        return response;
    }

    /// <summary>Wraps one state into a machine (stand-in Succeed states for its targets) and parses it.</summary>
    private static (StateMachineDefinition Machine, StateDefinition? State) WrapState(JsonObject state, string name, bool withErrorHandling)
    {
        var copy = state.DeepClone().AsObject();
        if (!withErrorHandling)
        {
            copy.Remove("Retry");
            copy.Remove("Catch");
        }

        var targets = new List<string>();
        void Add(JsonNode? n)
        {
            if (n is JsonValue v && v.TryGetValue<string>(out var t) && t != name && !targets.Contains(t))
            {
                targets.Add(t);
            }
        }

        Add(copy["Next"]);
        Add(copy["Default"]);
        foreach (var c in copy["Choices"] as JsonArray ?? [])
        {
            Add(c?["Next"]);
        }

        foreach (var c in copy["Catch"] as JsonArray ?? [])
        {
            Add(c?["Next"]);
        }

        var states = new JsonObject { [name] = copy };
        foreach (var t in targets)
        {
            states[t] = new JsonObject { ["Type"] = "Succeed" };
        }

        var machine = new JsonObject { ["StartAt"] = name, ["States"] = states };
        var parsed = AslParser.Parse(machine.ToJsonString());
        if (!parsed.IsValid)
        {
            throw SfnErrors.InvalidDefinition(DefinitionErrors(parsed));
        }

        return (parsed.Definition!, parsed.Definition!.States.GetValueOrDefault(name));
    }

    /// <summary>Collects the data-flow stages of the state under test, in order.</summary>
    private sealed class Inspector(string stateName) : IStateInspector
    {
        private readonly ConcurrentQueue<(string Stage, JsonNode? Value)> _stages = new();

        public IEnumerable<(string Stage, JsonNode? Value)> Stages => _stages;

        public void Inspect(string name, string stage, JsonNode? value)
        {
            if (name == stateName)
            {
                _stages.Enqueue((stage, value));
            }
        }
    }
}
