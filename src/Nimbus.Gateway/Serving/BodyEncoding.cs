namespace Nimbus.Gateway.Serving;

/// <summary>Decides whether a request body reaches the function as text or base64.</summary>
/// <remarks>HTTP APIs pass text media types (<c>text/*</c>, JSON, XML, JavaScript, form data) as UTF-8 and
/// base64-encode everything else. REST APIs base64-encode only media types listed in <c>binaryMediaTypes</c>.</remarks>
internal static class BodyEncoding
{
    public static bool IsText(string? contentType)
    {
        if (string.IsNullOrEmpty(contentType))
        {
            return true;
        }

        var media = contentType.Split(';')[0].Trim().ToLowerInvariant();
        return media.StartsWith("text/", StringComparison.Ordinal)
            || media.EndsWith("/json", StringComparison.Ordinal) || media.EndsWith("+json", StringComparison.Ordinal)
            || media.EndsWith("/xml", StringComparison.Ordinal) || media.EndsWith("+xml", StringComparison.Ordinal)
            || media is "application/javascript" or "application/x-www-form-urlencoded" or "application/graphql" or "application/yaml";
    }

    /// <summary>True when a REST API's <c>binaryMediaTypes</c> covers the content type.</summary>
    public static bool IsBinaryFor(string? contentType, IReadOnlyList<string> binaryMediaTypes)
    {
        if (binaryMediaTypes.Count == 0)
        {
            return false;
        }

        var media = (contentType ?? "").Split(';')[0].Trim().ToLowerInvariant();
        foreach (var t in binaryMediaTypes)
        {
            var pattern = t.Replace("~1", "/", StringComparison.Ordinal).ToLowerInvariant();
            if (pattern == "*/*" || pattern == media
                || (pattern.EndsWith("/*", StringComparison.Ordinal) && media.StartsWith(pattern[..^1], StringComparison.Ordinal)))
            {
                return true;
            }
        }

        return false;
    }
}
