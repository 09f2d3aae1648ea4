namespace Nimbus.Functions.Registry;

/// <summary>An alias of a function: a name pointing at a version, optionally splitting traffic with a second one.</summary>
internal sealed record AliasConfig(
    string AliasArn,
    string Name,
    string FunctionVersion,
    string Description,
    AliasRoutingConfig? RoutingConfig,
    string RevisionId);

internal sealed record AliasRoutingConfig(IReadOnlyDictionary<string, double>? AdditionalVersionWeights);
