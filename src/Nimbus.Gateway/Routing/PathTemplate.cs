namespace Nimbus.Gateway.Routing;

/// <summary>A parsed route path such as <c>/users/{id}/{proxy+}</c>: literal, parameter and greedy segments.</summary>
internal sealed record PathTemplate(string Path, IReadOnlyList<PathSegment> Segments)
{
    public bool IsGreedy => Segments.Count > 0 && Segments[^1].Kind == SegmentKind.Greedy;

    /// <summary>Parses a template; returns null with a reason when it is not a valid API Gateway path.</summary>
    public static PathTemplate? Parse(string path, out string? error)
    {
        error = null;
        if (!path.StartsWith('/'))
        {
            error = "path must start with '/'";
            return null;
        }

        var segments = new List<PathSegment>();
        var parts = path == "/" ? [] : path[1..].Split('/');
        for (var i = 0; i < parts.Length; i++)
        {
            var p = parts[i];
            if (p.Length == 0)
            {
                error = "empty path segment";
                return null;
            }

            if (p.StartsWith('{') && p.EndsWith('}'))
            {
                var name = p[1..^1];
                var greedy = name.EndsWith('+');
                name = greedy ? name[..^1] : name;
                if (name.Length == 0 || name.Any(c => !(char.IsAsciiLetterOrDigit(c) || c is '_' or '-' or '.')))
                {
                    error = $"invalid path parameter '{p}'";
                    return null;
                }

                if (greedy && i != parts.Length - 1)
                {
                    error = "a greedy path variable must be the last segment";
                    return null;
                }

                segments.Add(new PathSegment(greedy ? SegmentKind.Greedy : SegmentKind.Parameter, name));
            }
            else if (p.Contains('{') || p.Contains('}'))
            {
                error = $"invalid path segment '{p}'";
                return null;
            }
            else
            {
                segments.Add(new PathSegment(SegmentKind.Literal, p));
            }
        }

        return new PathTemplate(path, segments);
    }

    /// <summary>Matches decoded request segments; fills <paramref name="parameters"/> on success.</summary>
    public bool TryMatch(IReadOnlyList<string> request, Dictionary<string, string> parameters)
    {
        parameters.Clear();
        var n = Segments.Count;
        if (IsGreedy ? request.Count < n : request.Count != n)
        {
            return false;
        }

        for (var i = 0; i < n; i++)
        {
            var s = Segments[i];
            switch (s.Kind)
            {
                case SegmentKind.Literal when !string.Equals(s.Value, request[i], StringComparison.Ordinal):
                    return false;
                case SegmentKind.Parameter:
                    if (request[i].Length == 0)
                    {
                        return false;
                    }

                    parameters[s.Value] = request[i];
                    break;
                case SegmentKind.Greedy:
                    parameters[s.Value] = string.Join('/', request.Skip(i));
                    return parameters[s.Value].Length > 0;
            }
        }

        return true;
    }

    /// <summary>Orders templates most specific first: at the first differing segment, literal before parameter before greedy.</summary>
    public static int CompareSpecificity(PathTemplate a, PathTemplate b)
    {
        var n = Math.Min(a.Segments.Count, b.Segments.Count);
        for (var i = 0; i < n; i++)
        {
            var c = a.Segments[i].Kind.CompareTo(b.Segments[i].Kind);
            if (c != 0)
            {
                return c;
            }
        }

        // Same kinds on the common prefix: the longer (more constrained) template first.
        return b.Segments.Count.CompareTo(a.Segments.Count);
    }
}

/// <summary>One segment of a <see cref="PathTemplate"/>.</summary>
internal sealed record PathSegment(SegmentKind Kind, string Value);

/// <summary>Segment kinds in order of precedence.</summary>
internal enum SegmentKind
{
    Literal,
    Parameter,
    Greedy,
}
