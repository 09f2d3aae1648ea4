using System.Text.Json.Nodes;

namespace Nimbus.Gateway.Mapping;

/// <summary>Template selection by media type, as API Gateway does for request and response templates.</summary>
internal static class RequestMapping
{
    /// <summary>The media type of a Content-Type header without parameters, lower case; <c>application/json</c> when absent.</summary>
    public static string MediaType(string? contentType)
    {
        if (string.IsNullOrWhiteSpace(contentType))
        {
            return "application/json";
        }

        return contentType.Split(';')[0].Trim().ToLowerInvariant();
    }

    /// <summary>The request template for a content type: the exact media type, else none (passthrough rules decide).</summary>
    /// <returns>Whether a template key matched; <paramref name="template"/> is null for a key with a null/empty template.</returns>
    public static bool TrySelectRequestTemplate(JsonObject? templates, string mediaType, out string contentType, out string? template)
    {
        contentType = mediaType;
        template = null;
        foreach (var (key, value) in templates ?? [])
        {
            if (string.Equals(MediaType(key), mediaType, StringComparison.OrdinalIgnoreCase))
            {
                contentType = key;
                template = value is JsonValue v ? v.GetValue<string>() : null;
                return true;
            }
        }

        return false;
    }

    /// <summary>The response template: the one matching the request's <c>Accept</c>, else <c>application/json</c>, else the first.</summary>
    public static (string? ContentType, string? Template) SelectResponseTemplate(JsonObject? templates, string? accept)
    {
        if (templates is null || templates.Count == 0)
        {
            return (null, null);
        }

        static string? Text(JsonNode? n) => n is JsonValue v ? v.GetValue<string>() : null;
        if (!string.IsNullOrEmpty(accept))
        {
            foreach (var wanted in accept.Split(',').Select(a => MediaType(a)))
            {
                foreach (var (key, value) in templates)
                {
                    if (string.Equals(MediaType(key), wanted, StringComparison.OrdinalIgnoreCase))
                    {
                        return (key, Text(value));
                    }
                }
            }
        }

        if (templates.TryGetPropertyValue("application/json", out var json))
        {
            return ("application/json", Text(json));
        }

        var first = templates.First();
        return (first.Key, Text(first.Value));
    }
}
