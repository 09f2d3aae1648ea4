using System.Text.Json.Nodes;
using Nimbus.Jsonata.Values;

namespace Nimbus.Jsonata;

/// <summary>
/// A JSONata compile-time (<c>S0xxx</c>), type (<c>T0xxx</c>), dynamic (<c>D0xxx</c>) or runaway (<c>U1001</c>) error.
/// Codes and messages follow the reference implementation (jsonata-js).
/// </summary>
public sealed class JsonataException : Exception
{
    private readonly string? _explicitMessage;

    public JsonataException()
        : this("U0000")
    {
    }

    public JsonataException(string code)
        : base(code)
    {
        Code = code;
    }

    public JsonataException(string code, string message)
        : base(message)
    {
        Code = code;
        _explicitMessage = message;
    }

    public JsonataException(string code, string message, Exception innerException)
        : base(message, innerException)
    {
        Code = code;
        _explicitMessage = message;
    }

    /// <summary>The error code, for example <c>T2001</c>.</summary>
    public string Code { get; }

    /// <summary>Character offset in the expression where the error was detected, when known.</summary>
    public int? Position { get; internal set; }

    /// <summary>The operator, function name or token involved, when known.</summary>
    public string? Token { get; internal set; }

    /// <summary>The offending value, when known (converted to JSON; functions become <c>null</c>).</summary>
    public JsonNode? Value => RawValue is double d && (double.IsNaN(d) || double.IsInfinity(d))
        ? JsonValue.Create(JsNumber.ToString(d))
        : ValueConverter.ToJsonNode(RawValue);

    public override string Message => _explicitMessage ?? ErrorMessages.Format(this);

    internal object? RawValue { get; set; }

    internal bool HasValue { get; set; }

    internal object? RawValue2 { get; set; }

    internal int? Index { get; set; }

    internal string? TypeName { get; set; }

    internal object? Exponent { get; set; }

    internal string? FunctionName { get; set; }

    internal string? CustomMessage { get; set; }

    internal static JsonataException Create(string code, int? position = null, string? token = null) =>
        new(code) { Position = position, Token = token };

    internal static JsonataException WithValue(string code, object? value, int? position = null, string? token = null) =>
        new(code) { Position = position, Token = token, RawValue = value, HasValue = true };
}
