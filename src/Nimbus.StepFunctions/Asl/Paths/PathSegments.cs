using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;

namespace Nimbus.StepFunctions.Asl.Paths;

internal abstract class PathSegment
{
    public abstract bool IsDefinite { get; }

    public abstract bool TrySelectSingle(JsonNode? node, out JsonNode? result);

    public abstract void SelectAll(JsonNode? node, List<JsonNode?> output);

    public abstract void AppendNormalized(StringBuilder sb);
}

internal sealed class NameSegment(string name) : PathSegment
{
    public string Name { get; } = name;

    public override bool IsDefinite => true;

    public override bool TrySelectSingle(JsonNode? node, out JsonNode? result)
    {
        if (node is JsonObject o && o.TryGetPropertyValue(Name, out result))
        {
            return true;
        }

        result = null;
        return false;
    }

    public override void SelectAll(JsonNode? node, List<JsonNode?> output)
    {
        if (node is JsonObject o && o.TryGetPropertyValue(Name, out var v))
        {
            output.Add(v);
        }
    }

    public override void AppendNormalized(StringBuilder sb) => sb.Append("['").Append(Name).Append("']");
}

internal sealed class NamesSegment(IReadOnlyList<string> names) : PathSegment
{
    public override bool IsDefinite => false;

    public override bool TrySelectSingle(JsonNode? node, out JsonNode? result) => throw new InvalidOperationException();

    public override void SelectAll(JsonNode? node, List<JsonNode?> output)
    {
        if (node is not JsonObject o)
        {
            return;
        }

        foreach (var n in names)
        {
            if (o.TryGetPropertyValue(n, out var v))
            {
                output.Add(v);
            }
        }
    }

    public override void AppendNormalized(StringBuilder sb) =>
        sb.Append('[').Append(string.Join(",", names.Select(n => "'" + n + "'"))).Append(']');
}

internal sealed class IndexSegment(int index) : PathSegment
{
    public int Index { get; } = index;

    public override bool IsDefinite => true;

    public override bool TrySelectSingle(JsonNode? node, out JsonNode? result)
    {
        if (node is JsonArray a)
        {
            var i = Index < 0 ? a.Count + Index : Index;
            if (i >= 0 && i < a.Count)
            {
                result = a[i];
                return true;
            }
        }

        result = null;
        return false;
    }

    public override void SelectAll(JsonNode? node, List<JsonNode?> output)
    {
        if (TrySelectSingle(node, out var r))
        {
            output.Add(r);
        }
    }

    public override void AppendNormalized(StringBuilder sb) =>
        sb.Append('[').Append(Index.ToString(CultureInfo.InvariantCulture)).Append(']');
}

internal sealed class IndexesSegment(IReadOnlyList<int> indexes) : PathSegment
{
    public override bool IsDefinite => false;

    public override bool TrySelectSingle(JsonNode? node, out JsonNode? result) => throw new InvalidOperationException();

    public override void SelectAll(JsonNode? node, List<JsonNode?> output)
    {
        foreach (var i in indexes)
        {
            new IndexSegment(i).SelectAll(node, output);
        }
    }

    public override void AppendNormalized(StringBuilder sb) => sb.Append('[').Append(string.Join(",", indexes)).Append(']');
}

internal sealed class SliceSegment(int? start, int? end, int step) : PathSegment
{
    public override bool IsDefinite => false;

    public override bool TrySelectSingle(JsonNode? node, out JsonNode? result) => throw new InvalidOperationException();

    public override void SelectAll(JsonNode? node, List<JsonNode?> output)
    {
        if (node is not JsonArray a)
        {
            return;
        }

        var n = a.Count;
        var s = start is null ? 0 : start < 0 ? Math.Max(0, n + start.Value) : Math.Min(n, start.Value);
        var e = end is null ? n : end < 0 ? Math.Max(0, n + end.Value) : Math.Min(n, end.Value);
        for (var i = s; i < e; i += Math.Max(1, step))
        {
            output.Add(a[i]);
        }
    }

    public override void AppendNormalized(StringBuilder sb) => sb.Append('[').Append(start).Append(':').Append(end).Append(']');
}

internal sealed class WildcardSegment : PathSegment
{
    public override bool IsDefinite => false;

    public override bool TrySelectSingle(JsonNode? node, out JsonNode? result) => throw new InvalidOperationException();

    public override void SelectAll(JsonNode? node, List<JsonNode?> output)
    {
        switch (node)
        {
            case JsonObject o:
                foreach (var p in o)
                {
                    output.Add(p.Value);
                }

                break;
            case JsonArray a:
                foreach (var v in a)
                {
                    output.Add(v);
                }

                break;
        }
    }

    public override void AppendNormalized(StringBuilder sb) => sb.Append("[*]");
}

/// <summary><c>..name</c> / <c>..*</c>: every descendant (and the node itself) matched by the inner selector.</summary>
internal sealed class DeepScanSegment(PathSegment inner) : PathSegment
{
    public override bool IsDefinite => false;

    public override bool TrySelectSingle(JsonNode? node, out JsonNode? result) => throw new InvalidOperationException();

    public override void SelectAll(JsonNode? node, List<JsonNode?> output)
    {
        inner.SelectAll(node, output);
        switch (node)
        {
            case JsonObject o:
                foreach (var p in o)
                {
                    if (p.Value is JsonObject or JsonArray)
                    {
                        SelectAll(p.Value, output);
                    }
                }

                break;
            case JsonArray a:
                foreach (var v in a)
                {
                    if (v is JsonObject or JsonArray)
                    {
                        SelectAll(v, output);
                    }
                }

                break;
        }
    }

    public override void AppendNormalized(StringBuilder sb)
    {
        sb.Append("..");
        inner.AppendNormalized(sb);
    }
}

internal sealed class FilterSegment(FilterExpression filter, string text) : PathSegment
{
    public override bool IsDefinite => false;

    public override bool TrySelectSingle(JsonNode? node, out JsonNode? result) => throw new InvalidOperationException();

    public override void SelectAll(JsonNode? node, List<JsonNode?> output)
    {
        switch (node)
        {
            case JsonArray a:
                foreach (var v in a)
                {
                    if (filter.Matches(v))
                    {
                        output.Add(v);
                    }
                }

                break;
            case JsonObject o:
                if (filter.Matches(o))
                {
                    output.Add(o);
                }

                break;
        }
    }

    public override void AppendNormalized(StringBuilder sb) => sb.Append("[?(").Append(text).Append(")]");
}
