using System.Text.Json.Serialization;

namespace Nimbus.Templates.Stacks;

/// <summary>Source-generated JSON for the stack documents kept in SQLite.</summary>
[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(StackState))]
[JsonSerializable(typeof(ResourceState))]
[JsonSerializable(typeof(StackEventRecord))]
[JsonSerializable(typeof(ChangeSetState))]
internal sealed partial class StacksJson : JsonSerializerContext;
