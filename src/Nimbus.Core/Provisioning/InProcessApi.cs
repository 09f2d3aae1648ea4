using System.Text;
using System.Text.Json.Nodes;
using System.Xml.Linq;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Routing.Template;
using Microsoft.Extensions.DependencyInjection;
using Nimbus.Core.Errors;
using Nimbus.Core.Identity;
using Nimbus.Core.Protocols;

namespace Nimbus.Core.Provisioning;

/// <summary>Calls a service's own API in-process, on an in-memory request, exactly as a client would over the wire.</summary>
/// <remarks>
/// Provisioners use it to go through each service's API layer (validation, defaults, events) instead of its storage.
/// REST services are found among the application's endpoints by method and path; query services by signing name. The caller's
/// account and region travel in a SigV4-shaped <c>Authorization</c> header, which is what <see cref="CallerResolver"/> reads.
/// </remarks>
public static class InProcessApi
{
    /// <summary>Calls a REST-JSON route (Lambda, API Gateway); returns the JSON body or throws the service's <see cref="AwsServiceException"/>.</summary>
    public static async Task<JsonNode?> RestJsonAsync(IServiceProvider services, string signingName, string method, string path, JsonNode? body, AwsRequestContext caller, CancellationToken cancellationToken = default)
    {
        var (pathOnly, query) = SplitQuery(path);
        var endpoint = FindEndpoint(services, method, pathOnly, out var values)
            ?? throw new AwsServiceException("UnknownOperationException", $"Nimbus has no operation for {method} {pathOnly}", 404);
        var bytes = body is null ? null : Encoding.UTF8.GetBytes(body.ToJsonString());
        var response = await SendAsync(services, http =>
        {
            http.Request.RouteValues = values;
            http.SetEndpoint(endpoint);
            return endpoint.RequestDelegate!(http);
        }, method, pathOnly, query, bytes, "application/json", caller, signingName, cancellationToken);
        var text = Encoding.UTF8.GetString(response.Body);
        var node = text.Length == 0 ? null : JsonNode.Parse(text);
        if (response.Status >= 400)
        {
            var type = response.Headers.TryGetValue("x-amzn-ErrorType", out var t) ? t.ToString() : node?["__type"]?.GetValue<string>() ?? "ServiceException";
            type = type.Split(':')[0];
            var message = node?["message"]?.GetValue<string>() ?? node?["Message"]?.GetValue<string>() ?? text;
            throw new AwsServiceException(type[(type.IndexOf('#', StringComparison.Ordinal) + 1)..], message, response.Status);
        }

        return node;
    }

    /// <summary>Calls a JSON-protocol operation (SQS, EventBridge, DynamoDB, Step Functions) by its <c>X-Amz-Target</c> prefix.</summary>
    public static async Task<JsonNode?> JsonAsync(IServiceProvider services, string targetPrefix, string operation, JsonObject input, AwsRequestContext caller, CancellationToken cancellationToken = default)
    {
        var service = services.GetServices<IJsonProtocolService>().FirstOrDefault(s => s.TargetPrefix == targetPrefix)
            ?? throw new AwsServiceException("UnknownServiceException", $"Nimbus does not run the service {targetPrefix}.", 400);
        var contentType = service.Protocol == AwsProtocol.AwsJson10 ? "application/x-amz-json-1.0" : "application/x-amz-json-1.1";
        var response = await SendAsync(services, http => service.HandleAsync(http, operation, CallerResolver.Resolve(http)), "POST", "/", null,
            Encoding.UTF8.GetBytes(input.ToJsonString()), contentType, caller, targetPrefix, cancellationToken,
            new Dictionary<string, string> { ["X-Amz-Target"] = $"{targetPrefix}.{operation}" });
        var text = Encoding.UTF8.GetString(response.Body);
        var node = text.Length == 0 ? null : JsonNode.Parse(text);
        if (response.Status >= 400)
        {
            var type = node?["__type"]?.GetValue<string>() ?? (response.Headers.TryGetValue("x-amzn-ErrorType", out var t) ? t : "ServiceException");
            var message = node?["message"]?.GetValue<string>() ?? node?["Message"]?.GetValue<string>() ?? text;
            throw new AwsServiceException(type[(type.IndexOf('#', StringComparison.Ordinal) + 1)..].Split(':')[0], message, response.Status);
        }

        return node;
    }

    /// <summary>Calls a query-protocol action (SNS…); returns the <c>{Action}Result</c> element or throws the service's error.</summary>
    public static async Task<XElement?> QueryAsync(IServiceProvider services, string signingName, string action, IReadOnlyDictionary<string, string> parameters, AwsRequestContext caller, CancellationToken cancellationToken = default)
    {
        var service = services.GetServices<IQueryProtocolService>().FirstOrDefault(s => s.SigningName == signingName && s.Handles(action))
            ?? throw new AwsServiceException("UnknownOperationException", $"Nimbus has no {signingName} action {action}", 400);
        var all = new Dictionary<string, string>(parameters) { ["Action"] = action };
        var form = string.Join('&', all.Select(p => Uri.EscapeDataString(p.Key) + "=" + Uri.EscapeDataString(p.Value)));
        var response = await SendAsync(services, http => service.HandleAsync(http, action, all, CallerResolver.Resolve(http)), "POST", "/", null, Encoding.UTF8.GetBytes(form), "application/x-www-form-urlencoded", caller, signingName, cancellationToken);
        var text = Encoding.UTF8.GetString(response.Body);
        var doc = text.Length == 0 ? null : XDocument.Parse(text);
        if (response.Status >= 400)
        {
            var error = doc?.Descendants().FirstOrDefault(e => e.Name.LocalName == "Error");
            var code = error?.Elements().FirstOrDefault(e => e.Name.LocalName == "Code")?.Value ?? "ServiceException";
            var message = error?.Elements().FirstOrDefault(e => e.Name.LocalName == "Message")?.Value ?? text;
            throw new AwsServiceException(code, message, response.Status);
        }

        return doc?.Root?.Elements().FirstOrDefault(e => e.Name.LocalName == action + "Result");
    }

    /// <summary>Runs <paramref name="handler"/> on an in-memory request and returns the response.</summary>
    public static async Task<InProcessResponse> SendAsync(
        IServiceProvider services, RequestDelegate handler, string method, string path, string? query, byte[]? body, string? contentType,
        AwsRequestContext caller, string signingName, CancellationToken cancellationToken = default, IReadOnlyDictionary<string, string>? headers = null)
    {
        var http = new DefaultHttpContext { RequestServices = services, RequestAborted = cancellationToken };
        http.Request.Method = method;
        http.Request.Scheme = "http";
        http.Request.Host = ServerHost(services);
        http.Request.Path = path;
        if (!string.IsNullOrEmpty(query))
        {
            http.Request.QueryString = new QueryString(query.StartsWith('?') ? query : "?" + query);
        }

        // Services that read the raw target (S3 keeps the client's percent-encoding) see what Kestrel would give them.
        http.Features.Get<Microsoft.AspNetCore.Http.Features.IHttpRequestFeature>()!.RawTarget = path + http.Request.QueryString.Value;

        http.Request.Headers.Authorization = $"AWS4-HMAC-SHA256 Credential={caller.AccountId}/20260101/{caller.Region}/{signingName}/aws4_request, SignedHeaders=host, Signature=0";
        if (headers is not null)
        {
            foreach (var (k, v) in headers)
            {
                http.Request.Headers[k] = v;
            }
        }

        if (body is not null)
        {
            http.Request.Body = new MemoryStream(body);
            http.Request.ContentLength = body.Length;
            http.Request.ContentType = contentType;
        }
        else
        {
            http.Request.ContentLength = 0;
        }

        var output = new MemoryStream();
        http.Response.Body = output;
        await handler(http);
        return new InProcessResponse(http.Response.StatusCode, http.Response.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase), output.ToArray());
    }

    /// <summary>The host and port clients use to reach this server (so URLs a service builds, like queue URLs, work for them).</summary>
    private static HostString ServerHost(IServiceProvider services)
    {
        var address = services.GetService<IServer>()?.Features.Get<IServerAddressesFeature>()?.Addresses.FirstOrDefault();
        if (address is not null && Uri.TryCreate(address.Replace("0.0.0.0", "127.0.0.1", StringComparison.Ordinal), UriKind.Absolute, out var uri) && uri.Port > 0)
        {
            return new HostString(uri.Host, uri.Port);
        }

        return new HostString("localhost", 4566);
    }

    private static (string Path, string? Query) SplitQuery(string path)
    {
        var q = path.IndexOf('?', StringComparison.Ordinal);
        return q < 0 ? (path, null) : (path[..q], path[q..]);
    }

    private static RouteEndpoint? FindEndpoint(IServiceProvider services, string method, string path, out RouteValueDictionary values)
    {
        values = new RouteValueDictionary();
        var source = services.GetRequiredService<EndpointDataSource>();
        var candidates = source.Endpoints.OfType<RouteEndpoint>()
            .Where(e => e.RequestDelegate is not null && e.RoutePattern.RawText is not null
                && e.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods.Contains(method, StringComparer.OrdinalIgnoreCase) == true)
            .OrderBy(e => e.Order)
            .ThenBy(e => e.RoutePattern.Parameters.Count);
        foreach (var endpoint in candidates)
        {
            var matcher = new TemplateMatcher(TemplateParser.Parse(endpoint.RoutePattern.RawText!), new RouteValueDictionary());
            var found = new RouteValueDictionary();
            if (matcher.TryMatch(path, found))
            {
                values = found;
                return endpoint;
            }
        }

        return null;
    }
}

/// <summary>The status, headers and body of an in-process call.</summary>
public sealed record InProcessResponse(int Status, IReadOnlyDictionary<string, string> Headers, byte[] Body);
