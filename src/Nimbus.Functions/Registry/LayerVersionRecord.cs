namespace Nimbus.Functions.Registry;

/// <summary>One published version of a layer, as <c>GetLayerVersion</c> returns it.</summary>
internal sealed record LayerVersionRecord
{
    public required LayerVersionContent Content { get; init; }
    public required string LayerArn { get; init; }
    public required string LayerVersionArn { get; init; }
    public string Description { get; init; } = "";
    public required string CreatedDate { get; init; }
    public long Version { get; init; }
    public IReadOnlyList<string>? CompatibleRuntimes { get; init; }
    public string? LicenseInfo { get; init; }
    public IReadOnlyList<string>? CompatibleArchitectures { get; init; }
}

internal sealed record LayerVersionContent(string Location, string CodeSha256, long CodeSize)
{
    [System.Text.Json.Serialization.JsonPropertyName("_codeHex")]
    public string? CodeHex { get; init; }
}
