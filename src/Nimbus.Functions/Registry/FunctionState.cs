using System.Collections.Immutable;

namespace Nimbus.Functions.Registry;

/// <summary>Everything known about one function at one moment: $LATEST, published versions, aliases, limits, tags.</summary>
/// <remarks>Immutable snapshot: the registry swaps a whole new state on each change, so the invoke path reads it
/// without locks.</remarks>
internal sealed record FunctionState(
    FunctionKey Key,
    FunctionConfig Latest,
    ImmutableSortedDictionary<long, FunctionConfig> Versions,
    ImmutableDictionary<string, AliasConfig> Aliases,
    int? ReservedConcurrency,
    ImmutableDictionary<string, string> Tags,
    long LastVersion)
{
    public FunctionConfig? Version(string version) =>
        version == "$LATEST" ? Latest
        : long.TryParse(version, out var n) && Versions.TryGetValue(n, out var config) ? config
        : null;

    /// <summary>Event invoke configs by qualifier (<c>$LATEST</c>, a version number or an alias name).</summary>
    public ImmutableDictionary<string, EventInvokeConfig> EventInvokeConfigs { get; init; } = ImmutableDictionary<string, EventInvokeConfig>.Empty;

    /// <summary>The config that applies to an invocation through <paramref name="qualifier"/> (null: unqualified, i.e. $LATEST).</summary>
    /// <summary>Function URL configs by <see cref="FunctionUrlConfig.Slot"/> (an alias name, <c>$LATEST</c>, or "" for the unqualified function).</summary>
    public ImmutableDictionary<string, FunctionUrlConfig> UrlConfigs { get; init; } = ImmutableDictionary<string, FunctionUrlConfig>.Empty;

    public EventInvokeConfig? EventInvokeConfigFor(string? qualifier) => EventInvokeConfigs.GetValueOrDefault(qualifier ?? "$LATEST");
}
