using System.Text.Json;
using System.Text.Json.Serialization;

namespace Nimbus.Jsonata.Values;

/// <summary>The payload of the <see cref="System.Text.Json.Nodes.JsonValue"/> that stands for JSON null.</summary>
[JsonConverter(typeof(JsonNullMarkerConverter))]
internal sealed class JsonNullMarker
{
    public static readonly JsonNullMarker Instance = new();
}

internal sealed class JsonNullMarkerConverter : JsonConverter<JsonNullMarker>
{
    public override JsonNullMarker Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) => JsonNullMarker.Instance;

    public override void Write(Utf8JsonWriter writer, JsonNullMarker value, JsonSerializerOptions options) => writer.WriteNullValue();
}
