using Nimbus.Core.Logs;

namespace Nimbus.Functions.Sandboxes;

/// <summary>Everything needed to start one sandbox for one function version.</summary>
internal sealed record SandboxSpec
{
    public required string FunctionName { get; init; }
    public required string Version { get; init; }
    public required string Runtime { get; init; }
    public required string Handler { get; init; }
    public required int MemorySize { get; init; }
    public required int TimeoutSeconds { get; init; }
    public required string CodeDirectory { get; init; }
    public string? OptDirectory { get; init; }
    public required string Region { get; init; }
    public required string AccountId { get; init; }
    public required IReadOnlyDictionary<string, string> UserEnvironment { get; init; }
    public required LogStreamRef LogStream { get; init; }
}
