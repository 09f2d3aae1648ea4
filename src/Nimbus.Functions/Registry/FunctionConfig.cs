using System.Text.Json.Serialization;

namespace Nimbus.Functions.Registry;

/// <summary>One version of a function's configuration (<c>$LATEST</c> or a published number), as Lambda returns it.</summary>
/// <remarks>Immutable: every change produces a new record with a new <see cref="RevisionId"/>. Property names are the
/// Lambda API's own, so the record serialises straight into <c>FunctionConfiguration</c>.</remarks>
internal sealed record FunctionConfig
{
    public required string FunctionName { get; init; }
    public required string FunctionArn { get; init; }
    public string? Runtime { get; init; }
    public string Role { get; init; } = "arn:aws:iam::000000000000:role/lambda-role";
    public string? Handler { get; init; }
    public long CodeSize { get; init; }
    public string Description { get; init; } = "";
    public int Timeout { get; init; } = 3;
    public int MemorySize { get; init; } = 128;
    public required string LastModified { get; init; }
    public required string CodeSha256 { get; init; }
    public string Version { get; init; } = "$LATEST";
    public EnvironmentResponse? Environment { get; init; }
    public TracingConfig TracingConfig { get; init; } = new("PassThrough");
    public DeadLetterConfig? DeadLetterConfig { get; init; }
    public required string RevisionId { get; init; }
    public IReadOnlyList<LayerRef>? Layers { get; init; }
    public string State { get; init; } = "Active";
    public string? StateReason { get; init; }
    public string? StateReasonCode { get; init; }
    public string LastUpdateStatus { get; init; } = "Successful";
    public string? LastUpdateStatusReason { get; init; }
    public string? LastUpdateStatusReasonCode { get; init; }
    public string PackageType { get; init; } = "Zip";
    public IReadOnlyList<string> Architectures { get; init; } = ["x86_64"];
    public EphemeralStorage EphemeralStorage { get; init; } = new(512);
    public SnapStartResponse SnapStart { get; init; } = new("None", "Off");
    public LoggingConfig LoggingConfig { get; init; } = new("Text", null, null, null);

    /// <summary>Hex digest of the code blob (Nimbus-internal), or null for a hot-reload directory.</summary>
    [JsonPropertyName("_codeHex")]
    public string? CodeHex { get; init; }

    /// <summary>A host directory mounted as the code (the <c>hot-reload</c> shortcut), instead of a blob.</summary>
    [JsonPropertyName("_codeDirectory")]
    public string? CodeDirectory { get; init; }
}

internal sealed record EnvironmentResponse(IReadOnlyDictionary<string, string> Variables);

internal sealed record TracingConfig(string Mode);

internal sealed record DeadLetterConfig(string? TargetArn);

internal sealed record EphemeralStorage(int Size);

internal sealed record SnapStartResponse(string ApplyOn, string OptimizationStatus);

internal sealed record LoggingConfig(string LogFormat, string? ApplicationLogLevel, string? SystemLogLevel, string? LogGroup);

internal sealed record LayerRef(string Arn, long CodeSize)
{
    [JsonPropertyName("_codeHex")]
    public string? CodeHex { get; init; }
}
