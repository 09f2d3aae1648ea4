using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Nimbus.Core.Errors;
using Nimbus.Core.Identity;
using Nimbus.Core.Protocols;

namespace Nimbus.Server.Edge;

/// <summary>The edge: decides from the wire protocol which service a request is for, and maps failures to AWS errors.</summary>
/// <remarks>
/// Order: health endpoints; <c>X-Amz-Target</c> (JSON 1.0/1.1 services); a form <c>Action</c> (query protocol);
/// otherwise the REST routes (Lambda's <c>/2015-03-31/…</c> and friends). Unmatched requests get an AWS-shaped 404.
/// </remarks>
internal sealed partial class EdgeMiddleware(
    RequestDelegate next,
    IEnumerable<IJsonProtocolService> jsonServices,
    IEnumerable<IQueryProtocolService> queryServices,
    ILogger<EdgeMiddleware> logger)
{
    private readonly Dictionary<string, IJsonProtocolService> _byTarget = jsonServices.ToDictionary(s => s.TargetPrefix, StringComparer.Ordinal);
    private readonly Dictionary<string, IQueryProtocolService> _bySigningName = queryServices.ToDictionary(s => s.SigningName, StringComparer.Ordinal);

    public async Task InvokeAsync(HttpContext http)
    {
        var path = http.Request.Path.Value ?? "/";
        if (path is "/_nimbus/health" or "/_localstack/health")
        {
            await WriteHealthAsync(http);
            return;
        }

        var target = http.Request.Headers["X-Amz-Target"].ToString();
        if (target.Length > 0)
        {
            await DispatchJsonAsync(http, target);
            return;
        }

        if (_bySigningName.Count > 0 && await QueryServiceForAsync(http.Request, path) is { } queryService)
        {
            await DispatchQueryAsync(http, queryService);
            return;
        }

        try
        {
            await next(http);
        }
        catch (AwsServiceException e)
        {
            await ErrorWriter.WriteAsync(http, e.Error, AwsProtocol.RestJson, CallerResolver.Resolve(http).RequestId);
        }
        catch (Exception e) when (e is not OperationCanceledException && !http.Response.HasStarted)
        {
            Log.Unhandled(logger, e, path);
            await ErrorWriter.WriteAsync(http, CommonErrors.Internal(e.Message), AwsProtocol.RestJson, CallerResolver.Resolve(http).RequestId);
        }
    }

    private async Task DispatchJsonAsync(HttpContext http, string target)
    {
        var caller = CallerResolver.Resolve(http);
        var dot = target.IndexOf('.', StringComparison.Ordinal);
        var prefix = dot < 0 ? target : target[..dot];
        var operation = dot < 0 ? "" : target[(dot + 1)..];
        if (!_byTarget.TryGetValue(prefix, out var service))
        {
            await ErrorWriter.WriteAsync(http, CommonErrors.UnknownOperation(prefix, operation), AwsProtocol.AwsJson11, caller.RequestId);
            return;
        }

        try
        {
            await service.HandleAsync(http, operation, caller);
        }
        catch (AwsServiceException e)
        {
            await ErrorWriter.WriteAsync(http, e.Error, service.Protocol, caller.RequestId);
        }
        catch (JsonException e)
        {
            await ErrorWriter.WriteAsync(http, CommonErrors.SerializationException(e.Message), service.Protocol, caller.RequestId);
        }
        catch (InvalidOperationException e) when (!http.Response.HasStarted)
        {
            // JsonNode.GetValue on a member of the wrong type.
            await ErrorWriter.WriteAsync(http, CommonErrors.SerializationException(e.Message), service.Protocol, caller.RequestId);
        }
    }

    /// <summary>The query-protocol service a request is for: by its signing name, or (unsigned, on <c>/</c>) by its action.</summary>
    private async ValueTask<IQueryProtocolService?> QueryServiceForAsync(HttpRequest request, string path)
    {
        var isForm = request.HasFormContentType;
        if (!isForm && !request.Query.ContainsKey("Action"))
        {
            return null;
        }

        var signing = CallerResolver.SigningService(request);
        if (signing is not null)
        {
            return _bySigningName.GetValueOrDefault(signing);
        }

        if (path != "/")
        {
            return null;
        }

        var action = request.Query["Action"].ToString();
        if (action.Length == 0 && isForm)
        {
            // Peek at the form only for unsigned POSTs to the root; signed ones were decided above.
            action = (await request.ReadFormAsync(request.HttpContext.RequestAborted))["Action"].ToString();
        }

        return _bySigningName.Values.FirstOrDefault(s => s.Handles(action));
    }

    private async Task DispatchQueryAsync(HttpContext http, IQueryProtocolService service)
    {
        var caller = CallerResolver.Resolve(http);
        var parameters = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (k, v) in http.Request.Query)
        {
            parameters[k] = v.ToString();
        }

        if (http.Request.HasFormContentType)
        {
            var form = await http.Request.ReadFormAsync(http.RequestAborted);
            foreach (var (k, v) in form)
            {
                parameters[k] = v.ToString();
            }
        }

        var action = parameters.GetValueOrDefault("Action") ?? "";
        try
        {
            if (!service.Handles(action))
            {
                throw new AwsServiceException(new AwsError(
                    "InvalidAction", $"The action {action} is not valid for this web service.", 400));
            }

            await service.HandleAsync(http, action, parameters, caller);
        }
        catch (AwsServiceException e) when (!http.Response.HasStarted)
        {
            await ErrorWriter.WriteAsync(http, e.Error, AwsProtocol.Query, caller.RequestId);
        }
        catch (Exception e) when (e is not OperationCanceledException && !http.Response.HasStarted)
        {
            Log.Unhandled(logger, e, http.Request.Path.Value ?? "/");
            await ErrorWriter.WriteAsync(http, CommonErrors.Internal(e.Message), AwsProtocol.Query, caller.RequestId);
        }
    }

    private async Task WriteHealthAsync(HttpContext http)
    {
        http.Response.ContentType = "application/json";
        // Lambda, API Gateway (v1 and v2), S3 and EventBridge Scheduler are REST services served by their own middlewares, always wired in.
        var services = new Dictionary<string, string> { ["lambda"] = "running", ["apigateway"] = "running", ["s3"] = "running", ["scheduler"] = "running" };
        foreach (var s in _byTarget.Values)
        {
            services[ServiceName(s.TargetPrefix)] = "running";
        }

        foreach (var s in _bySigningName.Values)
        {
            services[s.SigningName] = "running";
        }

        await using var w = new Utf8JsonWriter(http.Response.Body);
        w.WriteStartObject();
        w.WriteStartObject("services");
        foreach (var (name, status) in services.OrderBy(s => s.Key, StringComparer.Ordinal))
        {
            w.WriteString(name, status);
        }

        w.WriteEndObject();
        w.WriteString("edition", "nimbus");
        w.WriteString("version", typeof(EdgeMiddleware).Assembly.GetName().Version?.ToString(3) ?? "0.1.0");
        w.WriteEndObject();
    }

    private static string ServiceName(string prefix) => prefix switch
    {
        "Logs_20140328" => "logs",
        "AWSStepFunctions" => "states",
        "AmazonSQS" => "sqs",
        "AWSEvents" => "events",
        "GraniteServiceVersion20100801" => "cloudwatch",
        _ => prefix.Split('_')[0].ToLowerInvariant(),
    };

    private static partial class Log
    {
        [LoggerMessage(EventId = 2001, Level = LogLevel.Error, Message = "Unhandled error serving {Path}")]
        public static partial void Unhandled(ILogger logger, Exception exception, string path);
    }
}
