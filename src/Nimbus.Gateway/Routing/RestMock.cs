using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Nimbus.Gateway.Routing;

/// <summary>Resolves a REST API MOCK integration to its static response.</summary>
/// <remarks>
/// The request template (only the JSON form <c>{"statusCode": N}</c>; VTL is not evaluated) gives the integration
/// status; the integration response whose <c>selectionPattern</c> matches it — else the default one, without a
/// pattern — gives the method status, its <c>application/json</c> response template is the body (returned verbatim),
/// and static <c>method.response.header.X = 'value'</c> response parameters become headers.
/// </remarks>
internal static class RestMock
{
    public static MockResponse From(JsonObject methodIntegration)
    {
        var integrationStatus = 200;
        var template = Template(methodIntegration["requestTemplates"] as JsonObject);
        if (template is not null)
        {
            try
            {
                if (JsonNode.Parse(template) is JsonObject o && o["statusCode"] is JsonValue v)
                {
                    integrationStatus = v.TryGetValue<int>(out var n) ? n : int.Parse(v.GetValue<string>(), System.Globalization.CultureInfo.InvariantCulture);
                }
            }
            catch (Exception e) when (e is JsonException or FormatException or InvalidOperationException)
            {
                // Not plain JSON (a VTL template): keep the default 200.
            }
        }

        var responses = (methodIntegration["integrationResponses"] as JsonObject ?? []).Select(kv => kv.Value as JsonObject).OfType<JsonObject>().ToList();
        var status = integrationStatus.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var chosen = responses.FirstOrDefault(r => r["selectionPattern"]?.GetValue<string>() is { Length: > 0 } p && Regex.IsMatch(status, $"^(?:{p})$", RegexOptions.None, TimeSpan.FromSeconds(1)))
            ?? responses.FirstOrDefault(r => r["selectionPattern"]?.GetValue<string>() is null or "");
        if (chosen is null)
        {
            return new MockResponse(500, "application/json", "{\"message\": \"Internal server error\"}", new Dictionary<string, string>());
        }

        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var (k, v) in chosen["responseParameters"] as JsonObject ?? [])
        {
            const string Prefix = "method.response.header.";
            var value = v?.GetValue<string>();
            if (k.StartsWith(Prefix, StringComparison.Ordinal) && value is { Length: >= 2 } && value[0] == '\'' && value[^1] == '\'')
            {
                headers[k[Prefix.Length..]] = value[1..^1];
            }
        }

        var body = Template(chosen["responseTemplates"] as JsonObject) ?? "";
        var code = int.TryParse(chosen["statusCode"]?.GetValue<string>(), out var c) ? c : 200;
        return new MockResponse(code, "application/json", body, headers);
    }

    private static string? Template(JsonObject? templates) =>
        templates is null ? null : (templates["application/json"] ?? templates.FirstOrDefault().Value)?.GetValue<string>();
}
