using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Xml.Linq;

namespace Nimbus.Cli.Commands.Sam;

/// <summary>A small AWS client for the CLI: REST-JSON, JSON (X-Amz-Target) and query (XML) protocols, unsigned.</summary>
/// <remarks>Nimbus accepts unsigned requests; the Authorization header only names the region (and so the account).</remarks>
internal sealed class AwsClient : IDisposable
{
    private readonly HttpClient _http;

    public AwsClient(string endpoint, string region)
    {
        Endpoint = endpoint.TrimEnd('/');
        Region = region;
        _http = new HttpClient { BaseAddress = new Uri(Endpoint), Timeout = TimeSpan.FromMinutes(16) };
    }

    public string Endpoint { get; }

    public string Region { get; }

    public HttpClient Http => _http;

    public async Task<JsonNode> RestAsync(string service, HttpMethod method, string path, JsonNode? body = null, CancellationToken cancel = default)
    {
        using var request = new HttpRequestMessage(method, path);
        Sign(request, service);
        if (body is not null)
        {
            request.Content = new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json");
        }

        using var response = await _http.SendAsync(request, cancel);
        var text = await response.Content.ReadAsStringAsync(cancel);
        if (!response.IsSuccessStatusCode)
        {
            throw new AwsCallException(ErrorCode(response, text), ErrorMessage(text), (int)response.StatusCode);
        }

        return text.Length == 0 ? new JsonObject() : JsonNode.Parse(text) ?? new JsonObject();
    }

    public async Task<JsonNode> JsonAsync(string service, string target, JsonObject body, string version = "1.0", CancellationToken cancel = default)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/");
        Sign(request, service);
        request.Headers.Add("X-Amz-Target", target);
        request.Content = new StringContent(body.ToJsonString(), Encoding.UTF8);
        request.Content.Headers.ContentType = new MediaTypeHeaderValue($"application/x-amz-json-{version}");
        using var response = await _http.SendAsync(request, cancel);
        var text = await response.Content.ReadAsStringAsync(cancel);
        if (!response.IsSuccessStatusCode)
        {
            throw new AwsCallException(ErrorCode(response, text), ErrorMessage(text), (int)response.StatusCode);
        }

        return text.Length == 0 ? new JsonObject() : JsonNode.Parse(text) ?? new JsonObject();
    }

    /// <summary>A query-protocol call (CloudFormation, SQS query): form parameters in, the <c>…Result</c> element out.</summary>
    public async Task<XElement> QueryAsync(string service, string action, string version, IEnumerable<KeyValuePair<string, string>> parameters, CancellationToken cancel = default)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/");
        Sign(request, service);
        var form = new List<KeyValuePair<string, string>> { new("Action", action), new("Version", version) };
        form.AddRange(parameters);
        request.Content = new FormUrlEncodedContent(form);
        using var response = await _http.SendAsync(request, cancel);
        var text = await response.Content.ReadAsStringAsync(cancel);
        XElement root;
        try
        {
            root = XElement.Parse(text);
        }
        catch (System.Xml.XmlException)
        {
            throw new AwsCallException($"HTTP{(int)response.StatusCode}", text.Length > 300 ? text[..300] : text, (int)response.StatusCode);
        }

        if (!response.IsSuccessStatusCode)
        {
            var error = root.Descendants().FirstOrDefault(e => e.Name.LocalName == "Error");
            throw new AwsCallException(
                Child(error, "Code") ?? $"HTTP{(int)response.StatusCode}",
                Child(error, "Message") ?? "",
                (int)response.StatusCode);
        }

        return root.Elements().FirstOrDefault(e => e.Name.LocalName == action + "Result") ?? root;
    }

    public static string? Child(XElement? element, string name) =>
        element?.Elements().FirstOrDefault(e => e.Name.LocalName == name)?.Value;

    public static IEnumerable<XElement> Members(XElement? element, string name) =>
        element?.Elements().FirstOrDefault(e => e.Name.LocalName == name)?.Elements().Where(e => e.Name.LocalName == "member") ?? [];

    public void Sign(HttpRequestMessage request, string service) =>
        request.Headers.TryAddWithoutValidation("Authorization", $"AWS4-HMAC-SHA256 Credential=test/20240101/{Region}/{service}/aws4_request, SignedHeaders=host, Signature=0");

    public void Dispose() => _http.Dispose();

    private static string ErrorCode(HttpResponseMessage response, string text)
    {
        if (response.Headers.TryGetValues("x-amzn-ErrorType", out var t))
        {
            return t.First().Split(':')[0];
        }

        try
        {
            var type = JsonNode.Parse(text)?["__type"]?.ToString();
            if (type is not null)
            {
                return type[(type.LastIndexOf('#') + 1)..];
            }
        }
        catch (JsonException)
        {
            // Not JSON.
        }

        return $"HTTP{(int)response.StatusCode}";
    }

    private static string ErrorMessage(string text)
    {
        try
        {
            var node = JsonNode.Parse(text);
            return (node?["message"] ?? node?["Message"])?.ToString() ?? text;
        }
        catch (JsonException)
        {
            return text;
        }
    }
}

/// <summary>An AWS error response: its code, message and HTTP status.</summary>
internal sealed class AwsCallException(string code, string message, int status) : Exception($"{code}: {message}")
{
    public string Code { get; } = code;

    public string AwsMessage { get; } = message;

    public int Status { get; } = status;
}
