using System.Text.Json.Nodes;
using Nimbus.StepFunctions.Asl.Paths;
using Nimbus.StepFunctions.History;

namespace Nimbus.StepFunctions.Execution;

/// <summary>Workflow variables of one scope; inner scopes (Map iterations, Parallel branches) read outer ones.</summary>
internal sealed class VariableScope(VariableScope? parent)
{
    private Dictionary<string, JsonNode?>? _values;

    public bool TryGet(string name, out JsonNode? value)
    {
        for (var s = this; s is not null; s = s.Parent)
        {
            if (s._values is not null && s._values.TryGetValue(name, out value))
            {
                return true;
            }
        }

        value = null;
        return false;
    }

    public VariableScope? Parent => parent;

    public void Set(string name, JsonNode? value) => (_values ??= new(StringComparer.Ordinal))[name] = value;

    private static readonly IReadOnlyDictionary<string, string> NoVariables = new Dictionary<string, string>(StringComparer.Ordinal);

    /// <summary>The visible variables as JSON text (for checkpoints); a shared empty map when there are none.</summary>
    public IReadOnlyDictionary<string, string> SnapshotText()
    {
        var anyValues = false;
        for (var s = this; s is not null && !anyValues; s = s.Parent)
        {
            anyValues = s._values is { Count: > 0 };
        }

        if (!anyValues)
        {
            return NoVariables;
        }

        var text = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (k, v) in Snapshot())
        {
            text[k] = Json.JsonText.Serialize(v);
        }

        return text;
    }

    public Dictionary<string, JsonNode?> Snapshot()
    {
        var all = new Dictionary<string, JsonNode?>(StringComparer.Ordinal);
        var chain = new List<VariableScope>();
        for (var s = this; s is not null; s = s.Parent)
        {
            chain.Add(s);
        }

        for (var i = chain.Count - 1; i >= 0; i--)
        {
            if (chain[i]._values is { } v)
            {
                foreach (var (k, val) in v)
                {
                    all[k] = val;
                }
            }
        }

        return all;
    }
}

/// <summary>Shared, per-execution state.</summary>
internal sealed class ExecutionRun(ExecutionRequest request, InterpreterOptions options, ExecutionHistory history, JsonNode? input, DateTimeOffset startTime)
{
    public ExecutionRequest Request => request;

    public InterpreterOptions Options => options;

    public ExecutionHistory History => history;

    public JsonNode? Input => input;

    public DateTimeOffset StartTime => startTime;

    public Random Random => options.Random ?? Random.Shared;

    public JsonObject BuildExecutionObject() => new()
    {
        ["Id"] = request.ExecutionArn,
        ["Input"] = input?.DeepClone(),
        ["StartTime"] = Timestamp(startTime),
        ["Name"] = request.Name,
        ["RoleArn"] = request.RoleArn,
        ["RedriveCount"] = request.RedriveCount,
    };

    public static string Timestamp(DateTimeOffset t) => t.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", System.Globalization.CultureInfo.InvariantCulture);
}

/// <summary>One program being interpreted (the execution, a Parallel branch or a Map iteration): event chaining, variables, context.</summary>
internal sealed class Frame(ExecutionRun run, EventScope events, VariableScope variables, ExecutionHistory? historyOverride = null) : IEvaluationEnvironment
{
    private JsonNode? _context;

    public ExecutionRun Run => run;

    public EventScope Events => events;

    public VariableScope Variables => variables;

    public ExecutionHistory History => historyOverride ?? run.History;

    public string StateName { get; private set; } = "";

    public DateTimeOffset EnteredTime { get; private set; }

    public long EnteredEventId { get; set; }

    /// <summary>The event the state-entered event chained from (AWS chains <c>EvaluationFailed</c> from it).</summary>
    public long EnteredPreviousEventId { get; set; }

    public int RetryCount { get; private set; }

    /// <summary>
    /// The last state's output and its JSON text: the next state's input, so it is not serialized twice. The output passed
    /// the payload size check; its text is null when nothing needed it (no recorded event, no checkpoint).
    /// </summary>
    public (JsonNode? Node, string? Text) LastExit { get; set; }

    /// <summary>
    /// The current state's input, its JSON text if built (for the entered event) and whether it is a previous state's output
    /// (already size-checked): an output that is the same node reuses the text.
    /// </summary>
    public (JsonNode? Node, string? Text, bool Checked) EnteredInput { get; set; }

    public string? TaskToken { get; private set; }

    /// <summary>Map item (only while evaluating ItemSelector).</summary>
    public (int Index, JsonNode? Value)? MapItem { get; private set; }

    public void EnterState(string name)
    {
        StateName = name;
        EnteredTime = run.Options.TimeProvider.GetUtcNow();
        RetryCount = 0;
        TaskToken = null;
        _context = null;
    }

    /// <summary>Re-establishes a state entered before a resume (no new entered event).</summary>
    public void ResumeState(string name, DateTimeOffset enteredTime, long enteredEventId)
    {
        EnterState(name);
        EnteredTime = enteredTime;
        EnteredEventId = enteredEventId;
        EnteredPreviousEventId = enteredEventId;
    }

    public void SetRetryCount(int count)
    {
        RetryCount = count;
        _context = null;
    }

    public void SetTaskToken(string? token)
    {
        TaskToken = token;
        _context = null;
    }

    public void SetMapItem((int Index, JsonNode? Value)? item)
    {
        MapItem = item;
        _context = null;
    }

    public Frame CreateChild(EventScope childEvents, bool newVariableScope = true, ExecutionHistory? history = null) =>
        new(run, childEvents, newVariableScope ? new VariableScope(variables) : variables, history ?? historyOverride) { IsChild = true };

    /// <summary>A Parallel branch, Map iteration or evaluation frame (not the execution's own program).</summary>
    public bool IsChild { get; private init; }

    public long Append(HistoryEventType type, HistoryEventDetails? details = null, bool updateSource = true, DateTimeOffset? timestamp = null) =>
        History.Append(events, type, details, updateSource, timestamp: timestamp);

    public PathScope Scope(JsonNode? input) => new(input, this);

    public JsonNode? ContextDocument => _context ??= BuildContext();

    public bool TryGetVariable(string name, out JsonNode? value) => variables.TryGet(name, out value);

    private JsonObject BuildContext()
    {
        var ctx = new JsonObject
        {
            ["Execution"] = run.BuildExecutionObject(),
            ["State"] = new JsonObject
            {
                ["EnteredTime"] = ExecutionRun.Timestamp(EnteredTime),
                ["Name"] = StateName,
                ["RetryCount"] = RetryCount,
            },
            ["StateMachine"] = new JsonObject
            {
                ["Id"] = run.Request.StateMachineArn,
                ["Name"] = run.Request.StateMachineName,
            },
        };
        if (TaskToken is not null)
        {
            ctx["Task"] = new JsonObject { ["Token"] = TaskToken };
        }

        if (MapItem is { } item)
        {
            ctx["Map"] = new JsonObject
            {
                ["Item"] = new JsonObject { ["Index"] = item.Index, ["Value"] = item.Value?.DeepClone() },
            };
        }

        return ctx;
    }
}
