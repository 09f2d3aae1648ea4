using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Nimbus.Templates.Sam;

/// <summary>
/// An inline state machine Definition may hold intrinsics (<c>!GetAtt Fn.Arn</c>) and dynamic references
/// (<c>{{resolve:ssm:…}}</c>), which a DefinitionString cannot: SAM replaces each, in sorted-key order, with
/// <c>${definition_substitution_N}</c> and moves the value into DefinitionSubstitutions.
/// </summary>
internal static partial class DefinitionSubstitutions
{
    /// <summary>Replaces the dynamic values of <paramref name="definition"/> in place; returns the substitutions (in order).</summary>
    public static JsonObject Extract(JsonNode definition)
    {
        var substitutions = new JsonObject();
        var counter = 1;
        Walk(definition);
        return substitutions;

        void Walk(JsonNode? node)
        {
            switch (node)
            {
                case JsonObject o:
                    foreach (var key in o.Select(p => p.Key).Order(StringComparer.Ordinal).ToList())
                    {
                        var value = o[key];
                        if (IsDynamic(value))
                        {
                            o[key] = Substitute(value!);
                        }
                        else
                        {
                            Walk(value);
                        }
                    }
                    break;
                case JsonArray a:
                    for (var i = 0; i < a.Count; i++)
                    {
                        if (IsDynamic(a[i]))
                        {
                            a[i] = Substitute(a[i]!);
                        }
                        else
                        {
                            Walk(a[i]);
                        }
                    }
                    break;
            }
        }

        string Substitute(JsonNode value)
        {
            var name = "definition_substitution_" + counter.ToString(CultureInfo.InvariantCulture);
            counter++;
            substitutions[name] = value.DeepClone();
            return "${" + name + "}";
        }
    }

    private static bool IsDynamic(JsonNode? node) =>
        Json.IsIntrinsic(node) || (node is JsonValue v && v.GetValueKind() == JsonValueKind.String && DynamicReference().IsMatch(v.GetValue<string>()));

    [GeneratedRegex("^{{resolve:([a-z-]+):(.+)}}$")]
    private static partial Regex DynamicReference();
}
