using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Nimbus.Templates.Stacks;

/// <summary>Finds the names a template value refers to: <c>Ref</c>, <c>Fn::GetAtt</c>, <c>Fn::Sub</c> variables, <c>Fn::ImportValue</c>.</summary>
internal static partial class TemplateReferences
{
    /// <summary>Every logical id or parameter name referenced by <paramref name="node"/> (pseudo parameters excluded).</summary>
    public static HashSet<string> Names(JsonNode? node)
    {
        var found = new HashSet<string>(StringComparer.Ordinal);
        Walk(node, found, null);
        return found;
    }

    /// <summary>The export names a value imports with literal <c>Fn::ImportValue</c> arguments.</summary>
    public static HashSet<string> Imports(JsonNode? node)
    {
        var found = new HashSet<string>(StringComparer.Ordinal);
        Walk(node, new HashSet<string>(StringComparer.Ordinal), found);
        return found;
    }

    private static void Walk(JsonNode? node, HashSet<string> found, HashSet<string>? imports)
    {
        switch (node)
        {
            case JsonArray a:
                foreach (var item in a)
                {
                    Walk(item, found, imports);
                }

                break;
            case JsonObject o when o.Count == 1:
                var (key, value) = o.First();
                switch (key)
                {
                    case "Ref" when Str(value) is { } name:
                        Add(found, name);
                        return;
                    case "Fn::GetAtt":
                        if (value is JsonArray { Count: >= 1 } ga && Str(ga[0]) is { } id)
                        {
                            Add(found, id);
                            Walk(ga.Count > 1 ? ga[1] : null, found, imports);
                        }
                        else if (Str(value) is { } dotted)
                        {
                            Add(found, dotted.Split('.')[0]);
                        }

                        return;
                    case "Fn::Sub":
                        var (text, vars) = value switch
                        {
                            JsonArray { Count: >= 1 } sa => (Str(sa[0]), sa.Count > 1 ? sa[1] as JsonObject : null),
                            _ => (Str(value), null),
                        };
                        if (text is not null)
                        {
                            foreach (Match m in SubVariable().Matches(text))
                            {
                                var name = m.Groups[1].Value.Split('.')[0];
                                if (vars?.ContainsKey(m.Groups[1].Value) != true && vars?.ContainsKey(name) != true)
                                {
                                    Add(found, name);
                                }
                            }
                        }

                        if (vars is not null)
                        {
                            foreach (var (_, v) in vars)
                            {
                                Walk(v, found, imports);
                            }
                        }

                        return;
                    case "Fn::ImportValue" when imports is not null && Str(value) is { } export:
                        imports.Add(export);
                        return;
                }

                Walk(value, found, imports);
                break;
            case JsonObject o:
                foreach (var (_, v) in o)
                {
                    Walk(v, found, imports);
                }

                break;
        }
    }

    private static void Add(HashSet<string> found, string name)
    {
        if (!name.StartsWith("AWS::", StringComparison.Ordinal))
        {
            found.Add(name);
        }
    }

    private static string? Str(JsonNode? n) => n is JsonValue v && v.GetValueKind() == JsonValueKind.String ? v.GetValue<string>() : null;

    [GeneratedRegex(@"\$\{([^!}][^}]*)\}")]
    private static partial Regex SubVariable();
}
