using System.Text.Json.Serialization;

namespace Nimbus.Logs.Metrics;

/// <summary>Source-generated JSON for the few typed documents the metrics service stores.</summary>
[JsonSerializable(typeof(Dictionary<string, string>))]
internal sealed partial class MetricsJsonContext : JsonSerializerContext;
