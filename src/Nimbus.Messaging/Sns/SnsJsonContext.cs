using System.Text.Json.Serialization;

namespace Nimbus.Messaging.Sns;

/// <summary>Source-generated serialisation of the string maps SNS stores.</summary>
[JsonSerializable(typeof(IReadOnlyDictionary<string, string>))]
[JsonSerializable(typeof(Dictionary<string, string>))]
internal sealed partial class SnsJsonContext : JsonSerializerContext;
