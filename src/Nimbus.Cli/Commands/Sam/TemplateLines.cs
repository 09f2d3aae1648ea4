using YamlDotNet.Core;
using YamlDotNet.Core.Events;

namespace Nimbus.Cli.Commands.Sam;

/// <summary>The line of every node of a template, by path (<c>Resources/Fn/Properties/Handler</c>, list items by index).</summary>
/// <remarks>JSON is read with the YAML parser too (JSON is YAML), so both kinds of template get positions.</remarks>
internal sealed class TemplateLines
{
    private readonly Dictionary<string, int> _lines = new(StringComparer.Ordinal);

    public static TemplateLines Read(string text)
    {
        var map = new TemplateLines();
        try
        {
            var parser = new Parser(new StringReader(text));
            map.Walk(parser);
        }
        catch (YamlException)
        {
            // The template reader reports syntax errors with their position; lines are a best effort.
        }

        return map;
    }

    /// <summary>The 1-based line of the deepest known node on <paramref name="path"/>, or 0.</summary>
    public int Find(params string[] path)
    {
        for (var n = path.Length; n > 0; n--)
        {
            if (_lines.TryGetValue(string.Join('/', path.Take(n)), out var line))
            {
                return line;
            }
        }

        return 0;
    }

    private void Walk(IParser parser)
    {
        var stack = new Stack<Frame>();
        while (parser.MoveNext())
        {
            var current = parser.Current!;
            switch (current)
            {
                case MappingStart:
                case SequenceStart:
                    var path = Enter(stack, current);
                    stack.Push(new Frame(path, current is SequenceStart));
                    break;
                case MappingEnd:
                case SequenceEnd:
                    stack.Pop();
                    break;
                case Scalar scalar:
                    if (stack.Count > 0 && !stack.Peek().IsList && stack.Peek().PendingKey is null)
                    {
                        stack.Peek().PendingKey = scalar.Value;
                        _lines.TryAdd(Join(stack.Peek().Path, scalar.Value), (int)scalar.Start.Line);
                    }
                    else
                    {
                        Enter(stack, current);
                    }

                    break;
                case AnchorAlias:
                    Enter(stack, current);
                    break;
            }
        }
    }

    private string Enter(Stack<Frame> stack, ParsingEvent value)
    {
        if (stack.Count == 0)
        {
            return "";
        }

        var parent = stack.Peek();
        string path;
        if (parent.IsList)
        {
            path = Join(parent.Path, parent.Index.ToString(System.Globalization.CultureInfo.InvariantCulture));
            parent.Index++;
            _lines.TryAdd(path, (int)value.Start.Line);
        }
        else
        {
            path = Join(parent.Path, parent.PendingKey ?? "");
            parent.PendingKey = null;
        }

        return path;
    }

    private static string Join(string parent, string key) => parent.Length == 0 ? key : parent + "/" + key;

    private sealed class Frame(string path, bool isList)
    {
        public string Path { get; } = path;

        public bool IsList { get; } = isList;

        public int Index { get; set; }

        public string? PendingKey { get; set; }
    }
}
