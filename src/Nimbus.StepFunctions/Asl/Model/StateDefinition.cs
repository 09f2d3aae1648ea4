using System.Text.Json.Nodes;
using Nimbus.StepFunctions.Asl.Paths;
using Nimbus.StepFunctions.Asl.Payload;

namespace Nimbus.StepFunctions.Asl.Model;

/// <summary>A JSONPath-valued I/O field that may be explicitly <c>null</c> (InputPath/OutputPath/ResultPath).</summary>
public sealed record NullablePath(string? Text)
{
    internal JsonPath? Path { get; init; }

    public bool IsNull => Text is null;
}

/// <summary>Fields shared by every state.</summary>
public abstract record StateDefinition
{
    public required string Name { get; init; }

    public abstract string Type { get; }

    public string? Comment { get; init; }

    public QueryLanguageKind QueryLanguage { get; init; }

    public string? Next { get; init; }

    public bool End { get; init; }

    public NullablePath? InputPath { get; init; }

    public NullablePath? OutputPath { get; init; }

    /// <summary>JSONPath <c>Assign</c> template or JSONata <c>Assign</c> object.</summary>
    internal PayloadTemplate? Assign { get; init; }

    /// <summary>The <c>Assign</c> object as written (JSONata states evaluate it through the query-language seam).</summary>
    public JsonNode? RawAssign { get; init; }

    /// <summary>JSONata <c>Output</c> (raw, evaluated through the query-language seam).</summary>
    public JsonNode? Output { get; init; }

    public bool IsTerminal => this is SucceedState or FailState || End;
}

/// <summary>States that can Retry/Catch and post-process a result.</summary>
public abstract record ExecutableState : StateDefinition
{
    internal PayloadTemplate? Parameters { get; init; }

    internal PayloadTemplate? ResultSelector { get; init; }

    public NullablePath? ResultPath { get; init; }

    public IReadOnlyList<Retrier> Retry { get; init; } = [];

    public IReadOnlyList<Catcher> Catch { get; init; } = [];

    /// <summary>JSONata <c>Arguments</c>.</summary>
    public JsonNode? Arguments { get; init; }
}

public sealed record PassState : StateDefinition
{
    public override string Type => "Pass";

    public JsonNode? Result { get; init; }

    public bool HasResult { get; init; }

    internal PayloadTemplate? Parameters { get; init; }

    public NullablePath? ResultPath { get; init; }
}

public sealed record TaskState : ExecutableState
{
    public override string Type => "Task";

    public required string Resource { get; init; }

    public int? TimeoutSeconds { get; init; }

    public string? TimeoutSecondsPath { get; init; }

    public int? HeartbeatSeconds { get; init; }

    public string? HeartbeatSecondsPath { get; init; }

    /// <summary>JSONata <c>TimeoutSeconds</c> given as a <c>{% %}</c> expression.</summary>
    public JsonNode? TimeoutSecondsExpression { get; init; }

    /// <summary>JSONata <c>HeartbeatSeconds</c> given as a <c>{% %}</c> expression.</summary>
    public JsonNode? HeartbeatSecondsExpression { get; init; }

    public JsonNode? Credentials { get; init; }
}

public sealed record ChoiceState : StateDefinition
{
    public override string Type => "Choice";

    public IReadOnlyList<ChoiceBranch> Choices { get; init; } = [];

    public string? Default { get; init; }
}

public sealed record WaitState : StateDefinition
{
    public override string Type => "Wait";

    public JsonNode? Seconds { get; init; }

    public JsonNode? Timestamp { get; init; }

    public string? SecondsPath { get; init; }

    public string? TimestampPath { get; init; }
}

public sealed record SucceedState : StateDefinition
{
    public override string Type => "Succeed";
}

public sealed record FailState : StateDefinition
{
    public override string Type => "Fail";

    public string? Error { get; init; }

    public string? Cause { get; init; }

    public string? ErrorPath { get; init; }

    public string? CausePath { get; init; }
}

public sealed record ParallelState : ExecutableState
{
    public override string Type => "Parallel";

    public IReadOnlyList<StateMachineDefinition> Branches { get; init; } = [];
}

/// <summary>Map processing mode.</summary>
public enum MapMode
{
    Inline,
    Distributed,
}

public sealed record MapState : ExecutableState
{
    public override string Type => "Map";

    public required StateMachineDefinition ItemProcessor { get; init; }

    public MapMode Mode { get; init; }

    public NullablePath? ItemsPath { get; init; }

    /// <summary>JSONata <c>Items</c> (array or expression).</summary>
    public JsonNode? Items { get; init; }

    internal PayloadTemplate? ItemSelector { get; init; }

    public JsonNode? MaxConcurrency { get; init; }

    public string? MaxConcurrencyPath { get; init; }

    public JsonNode? ToleratedFailurePercentage { get; init; }

    public string? ToleratedFailurePercentagePath { get; init; }

    public JsonNode? ToleratedFailureCount { get; init; }

    public string? ToleratedFailureCountPath { get; init; }

    public JsonNode? ItemBatcher { get; init; }

    public JsonNode? ItemReader { get; init; }

    public JsonNode? ResultWriter { get; init; }

    public string? Label { get; init; }
}

/// <summary>A Retry rule.</summary>
public sealed record Retrier(
    IReadOnlyList<string> ErrorEquals,
    double IntervalSeconds = 1,
    int MaxAttempts = 3,
    double BackoffRate = 2.0,
    int? MaxDelaySeconds = null,
    string JitterStrategy = "NONE");

/// <summary>A Catch rule.</summary>
public sealed record Catcher(IReadOnlyList<string> ErrorEquals, string Next)
{
    public NullablePath? ResultPath { get; init; }

    internal PayloadTemplate? Assign { get; init; }

    public JsonNode? RawAssign { get; init; }

    public JsonNode? Output { get; init; }
}
