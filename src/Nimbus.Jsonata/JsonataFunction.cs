using System.Text.Json.Nodes;

namespace Nimbus.Jsonata;

/// <summary>
/// A native function callable from an expression. Arguments use the same convention as
/// <see cref="JsonataExpression.Evaluate(JsonNode?, IReadOnlyDictionary{string, JsonNode?}?)"/>: C# <c>null</c> is
/// <c>undefined</c>, and JSON <c>null</c> is a <see cref="JsonValue"/> whose kind is <see cref="System.Text.Json.JsonValueKind.Null"/>.
/// Return C# <c>null</c> for <c>undefined</c>. Throw <see cref="JsonataException"/> to raise a JSONata error.
/// </summary>
public delegate JsonNode? JsonataFunction(IReadOnlyList<JsonNode?> arguments);
