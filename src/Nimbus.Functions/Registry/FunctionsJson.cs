using System.Text.Json.Serialization;

namespace Nimbus.Functions.Registry;

/// <summary>Source-generated JSON for every record the Lambda API stores or returns.</summary>
[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(FunctionConfig))]
[JsonSerializable(typeof(AliasConfig))]
[JsonSerializable(typeof(EventInvokeConfig))]
[JsonSerializable(typeof(FunctionUrlConfig))]
[JsonSerializable(typeof(Nimbus.Functions.EventSources.EventSourceMapping))]
[JsonSerializable(typeof(LayerVersionRecord))]
[JsonSerializable(typeof(Dictionary<string, string>))]
internal sealed partial class FunctionsJson : JsonSerializerContext
{
    /// <summary>The context for API responses: AWS writes '+' and other HTML-sensitive characters unescaped.</summary>
    public static FunctionsJson Api { get; } = new(new System.Text.Json.JsonSerializerOptions
    {
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    });
}
