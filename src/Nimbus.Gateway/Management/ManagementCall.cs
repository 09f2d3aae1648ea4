using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Nimbus.Core.Errors;
using Nimbus.Core.Identity;
using Nimbus.Core.Protocols;

namespace Nimbus.Gateway.Management;

/// <summary>One management request (REST-JSON): caller, route values, body, and the JSON/error writers.</summary>
internal sealed class ManagementCall(HttpContext http)
{
    public AwsRequestContext Caller { get; } = CallerResolver.Resolve(http);

    public ApiStore Store => http.RequestServices.GetRequiredService<ApiStore>();

    public HttpContext Http => http;

    public string Now => Store.Time.GetUtcNow().UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    /// <summary>Wraps a handler so AWS errors and malformed input become API Gateway's REST-JSON errors.</summary>
    public static RequestDelegate Handle(Func<ManagementCall, Task> handler) => async http =>
    {
        var call = new ManagementCall(http);
        try
        {
            await handler(call);
        }
        catch (AwsServiceException e)
        {
            await ErrorWriter.WriteAsync(http, e.Error, AwsProtocol.RestJson, call.Caller.RequestId);
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or FormatException)
        {
            await ErrorWriter.WriteAsync(http, new AwsError("BadRequestException", $"Invalid request body: {e.Message}"), AwsProtocol.RestJson, call.Caller.RequestId);
        }
    };

    public string Route(string name) => Uri.UnescapeDataString((string)http.Request.RouteValues[name]!);

    public string? Query(string name)
    {
        var v = http.Request.Query[name].ToString();
        return v.Length == 0 ? null : v;
    }

    public async Task<JsonObject> BodyAsync()
    {
        using var reader = new StreamReader(http.Request.Body);
        var text = await reader.ReadToEndAsync(http.RequestAborted);
        if (string.IsNullOrWhiteSpace(text))
        {
            return [];
        }

        return JsonNode.Parse(text) as JsonObject ?? throw GatewayErrors.BadRequest("The request body must be a JSON object");
    }

    /// <summary>The invoke URL base for an API, on the port this request came in on.</summary>
    public string Endpoint(string apiId)
    {
        var port = http.Request.Host.Port ?? 80;
        return $"http://{apiId}.execute-api.localhost:{port}";
    }

    public Task JsonAsync(int status, JsonNode value)
    {
        http.Response.StatusCode = status;
        http.Response.ContentType = "application/json";
        http.Response.Headers["x-amzn-RequestId"] = Caller.RequestId;
        return http.Response.WriteAsync(value.ToJsonString(), http.RequestAborted);
    }

    public Task EmptyAsync(int status = 204)
    {
        http.Response.StatusCode = status;
        http.Response.Headers["x-amzn-RequestId"] = Caller.RequestId;
        return Task.CompletedTask;
    }

    /// <summary>One page of a list in the shape <c>{"items": […], "nextToken": "…"}</c> (v1 uses <c>item</c>/<c>position</c>).</summary>
    public JsonObject Page(IEnumerable<JsonNode> all, string itemsKey = "items", string tokenKey = "nextToken", string limitKey = "maxResults")
    {
        var list = all.ToList();
        var start = 0;
        var token = Query(tokenKey);
        if (token is not null && (!int.TryParse(token, CultureInfo.InvariantCulture, out start) || start < 0 || start > list.Count))
        {
            throw GatewayErrors.BadRequest($"Invalid {tokenKey}");
        }

        var limit = 500;
        var max = Query(limitKey);
        if (max is not null && (!int.TryParse(max, CultureInfo.InvariantCulture, out limit) || limit < 1))
        {
            throw GatewayErrors.BadRequest($"Invalid {limitKey}");
        }

        var page = new JsonObject { [itemsKey] = new JsonArray([.. list.Skip(start).Take(limit).Select(n => n.DeepClone())]) };
        if (start + limit < list.Count)
        {
            page[tokenKey] = (start + limit).ToString(CultureInfo.InvariantCulture);
        }

        return page;
    }
}
