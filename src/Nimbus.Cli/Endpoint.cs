using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Nimbus.Cli;

/// <summary>A small client of a running Nimbus's AWS APIs.</summary>
internal sealed class Endpoint : IDisposable
{
    private readonly HttpClient _http;

    public Endpoint(Arguments args)
    {
        _http = new HttpClient { BaseAddress = new Uri(Url(args)), Timeout = TimeSpan.FromMinutes(16) };
        // Unsigned requests are accepted; an Authorization header names the default account and region.
        _http.DefaultRequestHeaders.TryAddWithoutValidation("Authorization", $"AWS4-HMAC-SHA256 Credential=test/20240101/{Environment.GetEnvironmentVariable("AWS_REGION") ?? "us-east-1"}/lambda/aws4_request, SignedHeaders=host, Signature=0");
    }

    public static string Url(Arguments args) =>
        (args.Get("endpoint") ?? args.Get("endpoint-url") ?? Environment.GetEnvironmentVariable("NIMBUS_ENDPOINT") ?? "http://127.0.0.1:4566").TrimEnd('/');

    public async Task<JsonNode> SendAsync(HttpMethod method, string path, JsonNode? body = null)
    {
        using var request = new HttpRequestMessage(method, path);
        if (body is not null)
        {
            request.Content = new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json");
        }

        using var response = await _http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        if (!response.IsSuccessStatusCode)
        {
            throw new CliException(ErrorText(response, text));
        }

        return text.Length == 0 ? new JsonObject() : JsonNode.Parse(text)!;
    }

    public async Task<JsonNode> JsonTargetAsync(string target, JsonObject body)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/");
        request.Headers.Add("X-Amz-Target", target);
        request.Content = new StringContent(body.ToJsonString(), Encoding.UTF8, "application/x-amz-json-1.1");
        using var response = await _http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        if (!response.IsSuccessStatusCode)
        {
            throw new CliException(ErrorText(response, text));
        }

        return JsonNode.Parse(text)!;
    }

    public Task<HttpResponseMessage> RawAsync(HttpRequestMessage request) => _http.SendAsync(request);

    public void Dispose() => _http.Dispose();

    private static string ErrorText(HttpResponseMessage response, string text)
    {
        var type = response.Headers.TryGetValues("x-amzn-ErrorType", out var t) ? t.First() : $"HTTP {(int)response.StatusCode}";
        try
        {
            var node = JsonNode.Parse(text);
            var message = node?["message"] ?? node?["Message"];
            return $"{type}: {message}";
        }
        catch (JsonException)
        {
            return $"{type}: {text}";
        }
    }
}
