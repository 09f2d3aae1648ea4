using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Nimbus.Jsonata.Tests;

/// <summary>Test helpers: evaluate an expression against JSON text and render the result as JSON text.</summary>
internal static class Eval
{
    public static JsonNode? Run(string expression, string? json = null, IReadOnlyDictionary<string, JsonNode?>? bindings = null) =>
        JsonataExpression.Compile(expression).Evaluate(json is null ? null : JsonNode.Parse(json) ?? JsonataExpression.CreateJsonNull(), bindings);

    private static readonly JsonSerializerOptions Relaxed = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>Returns the result as compact JSON, or "undefined".</summary>
    public static string Json(string expression, string? json = null) => Run(expression, json) switch
    {
        null => "undefined",
        var node => node.ToJsonString(Relaxed),
    };

    public static JsonataException Error(string expression, string? json = null) =>
        Assert.Throws<JsonataException>(() => Run(expression, json));
}
