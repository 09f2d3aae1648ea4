using System.Net.Http.Headers;
using Nimbus.Gateway.Routing;

namespace Nimbus.Gateway.Serving;

/// <summary>HTTP_PROXY integrations: forwards the request to the integration URL and relays the answer.</summary>
/// <remarks>Path parameters (<c>{proxy}</c>, <c>{id}</c>) and <c>${stageVariables.x}</c> in the URL are substituted;
/// the query string is appended. Hop-by-hop headers and <c>Host</c> are not forwarded.</remarks>
internal sealed class HttpProxyForwarder(HttpClient client)
{
    private static readonly HashSet<string> HopByHop = new(StringComparer.OrdinalIgnoreCase)
    {
        "Host", "Connection", "Keep-Alive", "Transfer-Encoding", "TE", "Trailer", "Upgrade", "Proxy-Connection", "Content-Length",
    };

    public async Task<GatewayResponse> ForwardAsync(
        IntegrationTarget integration, GatewayRequest request, IReadOnlyDictionary<string, string> parameters, IReadOnlyDictionary<string, string> variables, CancellationToken cancellationToken)
    {
        var url = integration.Uri ?? "";
        foreach (var (k, v) in variables)
        {
            url = url.Replace("${stageVariables." + k + "}", v, StringComparison.Ordinal);
        }

        foreach (var (k, v) in parameters)
        {
            var encoded = string.Join('/', v.Split('/').Select(Uri.EscapeDataString));
            url = url.Replace("{" + k + "+}", encoded, StringComparison.Ordinal).Replace("{" + k + "}", encoded, StringComparison.Ordinal);
        }

        if (request.RawQuery.Length > 0)
        {
            url += (url.Contains('?', StringComparison.Ordinal) ? "&" : "?") + request.RawQuery;
        }

        var method = integration.HttpMethod is null or "ANY" ? request.Method : integration.HttpMethod;
        using var message = new HttpRequestMessage(new HttpMethod(method), url);
        if (!request.Body.IsEmpty)
        {
            message.Content = new ReadOnlyMemoryContent(request.Body);
        }

        foreach (var (k, v) in request.Headers)
        {
            if (HopByHop.Contains(k))
            {
                continue;
            }

            if (!message.Headers.TryAddWithoutValidation(k, v))
            {
                message.Content?.Headers.TryAddWithoutValidation(k, v);
            }
        }

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromMilliseconds(integration.TimeoutMillis));
        try
        {
            using var response = await client.SendAsync(message, HttpCompletionOption.ResponseContentRead, timeout.Token);
            var headers = new List<KeyValuePair<string, string>>();
            Copy(response.Headers, headers);
            Copy(response.Content.Headers, headers);
            var body = await response.Content.ReadAsByteArrayAsync(timeout.Token);
            return new GatewayResponse((int)response.StatusCode, headers, body);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return GatewayResponse.Json(504, "{\"message\":\"Gateway Timeout\"}");
        }
        catch (HttpRequestException)
        {
            return GatewayResponse.Json(500, "{\"message\":\"Internal Server Error\"}");
        }
    }

    private static void Copy(HttpHeaders from, List<KeyValuePair<string, string>> to)
    {
        foreach (var (k, values) in from)
        {
            if (HopByHop.Contains(k))
            {
                continue;
            }

            foreach (var v in values)
            {
                to.Add(new(k, v));
            }
        }
    }
}
