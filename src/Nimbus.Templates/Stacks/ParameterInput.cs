namespace Nimbus.Templates.Stacks;

/// <summary>A parameter as a caller passes it (<c>Parameters.member.N</c>).</summary>
internal sealed record ParameterInput(string Key, string? Value, bool UsePreviousValue);
