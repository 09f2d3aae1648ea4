using System.Collections.Concurrent;
using Nimbus.Core.Metrics;
using Nimbus.Functions.Registry;

namespace Nimbus.Functions.Invocation;

/// <summary>Publishes Lambda's <c>AWS/Lambda</c> metrics (Invocations, Errors, Throttles, Duration) for each invocation.</summary>
/// <remarks>
/// Dimension sets as Lambda publishes them: <c>FunctionName</c>; <c>FunctionName</c>+<c>Resource</c> (<c>name:qualifier</c>) when
/// a version or alias was invoked; and <c>FunctionName</c>+<c>Resource</c>+<c>ExecutedVersion</c> when an alias was. The series
/// handles of each invoked ARN and executed version are created once and cached, so an invocation costs a dictionary lookup and a
/// few in-memory additions (the sink aggregates and flushes in the background). Thread-safe.
/// </remarks>
internal sealed class InvocationMetrics(IMetricSink sink)
{
    private const string Namespace = "AWS/Lambda";

    private readonly ConcurrentDictionary<(string InvokedArn, string Version), SeriesSet> _sets = new();

    public void Completed(FunctionKey key, string invokedArn, string version, double durationMs, bool error)
    {
        var set = SetFor(key, invokedArn, version);
        foreach (var s in set.Invocations)
        {
            s.Add(1);
        }

        foreach (var s in set.Errors)
        {
            s.Add(error ? 1 : 0);
        }

        foreach (var s in set.Duration)
        {
            s.Add(durationMs);
        }
    }

    public void Throttled(FunctionKey key, string invokedArn, string version)
    {
        foreach (var s in SetFor(key, invokedArn, version).Throttles)
        {
            s.Add(1);
        }
    }

    private SeriesSet SetFor(FunctionKey key, string invokedArn, string version)
    {
        // No lambda capturing the parameters here: that would allocate a closure on every call, found or not.
        return _sets.TryGetValue((invokedArn, version), out var set)
            ? set
            : _sets.GetOrAdd((invokedArn, version), static (k, state) => state.Self.Create(state.Key, k.InvokedArn, k.Version), (Self: this, Key: key));
    }

    private SeriesSet Create(FunctionKey key, string invokedArn, string version)
    {
        var unqualified = key.UnqualifiedArn;
        var dimensionSets = new List<KeyValuePair<string, string>[]> { new[] { KeyValuePair.Create("FunctionName", key.Name) } };
        if (invokedArn.Length > unqualified.Length)
        {
            var qualifier = invokedArn[(unqualified.Length + 1)..];
            var resource = KeyValuePair.Create("Resource", $"{key.Name}:{qualifier}");
            dimensionSets.Add([KeyValuePair.Create("FunctionName", key.Name), resource]);
            if (qualifier != "$LATEST" && !char.IsAsciiDigit(qualifier[0]))
            {
                dimensionSets.Add([KeyValuePair.Create("FunctionName", key.Name), resource, KeyValuePair.Create("ExecutedVersion", version)]);
            }
        }

        IMetricSeries[] Series(string name, string unit) =>
            dimensionSets.Select(d => sink.Series(key.AccountId, key.Region, Namespace, name, unit, d)).ToArray();

        return new SeriesSet(Series("Invocations", "Count"), Series("Errors", "Count"), Series("Throttles", "Count"), Series("Duration", "Milliseconds"));
    }

    private sealed record SeriesSet(IMetricSeries[] Invocations, IMetricSeries[] Errors, IMetricSeries[] Throttles, IMetricSeries[] Duration);
}
