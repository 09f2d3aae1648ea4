using System.Text;
using System.Text.Json.Nodes;

namespace Nimbus.StepFunctions.Asl.Paths;

/// <summary>Which document a path starts from.</summary>
internal enum PathRoot
{
    /// <summary><c>$</c>: the effective input of the state.</summary>
    Input,

    /// <summary><c>$$</c>: the context object.</summary>
    Context,

    /// <summary><c>$name</c>: a workflow variable.</summary>
    Variable,
}

/// <summary>
/// A compiled JSONPath with AWS (Jayway) semantics: a definite path yields one value or "not found";
/// an indefinite path (wildcards, deep scan, slices, unions, filters) always yields an array of the matches.
/// </summary>
internal sealed partial class JsonPath
{
    private readonly PathSegment[] _segments;

    private JsonPath(string text, PathRoot root, string? variable, PathSegment[] segments)
    {
        Text = text;
        Root = root;
        VariableName = variable;
        _segments = segments;
        IsDefinite = segments.All(s => s.IsDefinite);
        IsReferencePath = segments.All(s => s is NameSegment or IndexSegment);
    }

    public string Text { get; }

    public PathRoot Root { get; }

    public string? VariableName { get; }

    public bool IsDefinite { get; }

    /// <summary>True when the path is a reference path (names and indexes only), as ResultPath requires.</summary>
    public bool IsReferencePath { get; }

    internal IReadOnlyList<PathSegment> Segments => _segments;

    /// <summary>Jayway's normalised form, e.g. <c>$['a'][0]</c>, used in AWS error messages.</summary>
    public string Normalized
    {
        get
        {
            var sb = new StringBuilder(Root switch { PathRoot.Context => "$$", PathRoot.Variable => "$" + VariableName, _ => "$" });
            foreach (var s in _segments)
            {
                s.AppendNormalized(sb);
            }

            return sb.ToString();
        }
    }

    public override string ToString() => Text;

    /// <summary>Evaluates against a document. Definite: (true,value) or (false,null) when absent. Indefinite: always (true, array).</summary>
    public bool TryEvaluate(JsonNode? document, out JsonNode? result)
    {
        if (IsDefinite)
        {
            var current = document;
            foreach (var seg in _segments)
            {
                if (!seg.TrySelectSingle(current, out current))
                {
                    result = null;
                    return false;
                }
            }

            result = current;
            return true;
        }

        var matches = new List<JsonNode?> { document };
        var next = new List<JsonNode?>();
        foreach (var seg in _segments)
        {
            next.Clear();
            foreach (var m in matches)
            {
                seg.SelectAll(m, next);
            }

            (matches, next) = (next, matches);
        }

        var array = new JsonArray();
        foreach (var m in matches)
        {
            array.Add(m?.DeepClone());
        }

        result = array;
        return true;
    }

    /// <summary>Parses a path; throws <see cref="FormatException"/> on a syntax error.</summary>
    public static JsonPath Parse(string text)
    {
        if (TryParse(text, out var path, out var error))
        {
            return path!;
        }

        throw new FormatException(error);
    }

    public static bool TryParse(string text, out JsonPath? path, out string? error)
    {
        path = null;
        error = null;
        if (string.IsNullOrEmpty(text) || text[0] != '$')
        {
            error = $"The path '{text}' must start with '$'";
            return false;
        }

        var reader = new PathReader(text);
        try
        {
            reader.Pos = 1;
            PathRoot root = PathRoot.Input;
            string? variable = null;
            if (reader.Peek() == '$')
            {
                reader.Pos++;
                root = PathRoot.Context;
            }
            else if (reader.Pos < text.Length && IsNameStart(text[reader.Pos]))
            {
                root = PathRoot.Variable;
                var start = reader.Pos;
                while (reader.Pos < text.Length && IsNameChar(text[reader.Pos]))
                {
                    reader.Pos++;
                }

                variable = text[start..reader.Pos];
            }

            var segments = new List<PathSegment>();
            while (!reader.AtEnd)
            {
                segments.Add(reader.ReadSegment());
            }

            path = new JsonPath(text, root, variable, [.. segments]);
            return true;
        }
        catch (FormatException ex)
        {
            error = ex.Message;
            return false;
        }
    }

    internal static bool IsNameStart(char c) => char.IsLetter(c) || c == '_';

    internal static bool IsNameChar(char c) => char.IsLetterOrDigit(c) || c == '_';
}
