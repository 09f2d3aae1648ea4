using System.Text.Json.Serialization;

namespace Nimbus.Messaging.Events;

/// <summary>Source-generated serialisation for EventBridge's small values.</summary>
[JsonSerializable(typeof(string))]
internal sealed partial class EventsJsonContext : JsonSerializerContext;
