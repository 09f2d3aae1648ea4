using System.Collections.Frozen;

namespace Nimbus.StepFunctions.Asl.Model;

/// <summary>The query language a state machine or state uses for its expressions.</summary>
public enum QueryLanguageKind
{
    JsonPath,
    Jsonata,
}

/// <summary>A parsed, immutable state machine (also used for Parallel branches and Map item processors).</summary>
public sealed record StateMachineDefinition(
    string StartAt,
    FrozenDictionary<string, StateDefinition> States,
    QueryLanguageKind QueryLanguage,
    string? Comment = null,
    int? TimeoutSeconds = null,
    string? Version = null)
{
    /// <summary>The number of states including nested branches and processors.</summary>
    public int CountStates() => States.Values.Sum(s => 1 + s switch
    {
        ParallelState p => p.Branches.Sum(b => b.CountStates()),
        MapState m => m.ItemProcessor.CountStates(),
        _ => 0,
    });
}
