using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Nimbus.Core.Errors;
using Nimbus.Core.Functions;
using Nimbus.Core.Identity;
using Nimbus.Core.Protocols;
using Nimbus.Functions.Invocation;
using Nimbus.Functions.Registry;

namespace Nimbus.Functions.Api;

/// <summary>Invoke: the hot path, written without exceptions and with as little allocation as it can.</summary>
internal static partial class LambdaApi
{
    private static async Task Invoke(HttpContext http)
    {
        var caller = CallerResolver.Resolve(http);
        var request = http.Request;
        var typeHeader = request.Headers["X-Amz-Invocation-Type"].ToString();
        InvocationType type;
        switch (typeHeader)
        {
            case "" or "RequestResponse":
                type = InvocationType.RequestResponse;
                break;
            case "Event":
                type = InvocationType.Event;
                break;
            case "DryRun":
                type = InvocationType.DryRun;
                break;
            default:
                await ErrorWriter.WriteAsync(http, new AwsError("ValidationException", $"1 validation error detected: Value '{typeHeader}' at 'invocationType' failed to satisfy constraint: Member must satisfy enum value set: [Event, RequestResponse, DryRun]"), AwsProtocol.RestJson, caller.RequestId);
                return;
        }

        var limit = type == InvocationType.Event ? FunctionInvoker.MaxAsyncPayload : FunctionInvoker.MaxSyncPayload;
        var payload = await ReadPayloadAsync(request, limit);
        if (payload is null)
        {
            await ErrorWriter.WriteAsync(http, LambdaErrors.RequestTooLarge(limit, "Invoke"), AwsProtocol.RestJson, caller.RequestId);
            return;
        }

        var qualifier = request.Query["Qualifier"].ToString();
        var invocation = new FunctionInvocation(
            Uri.UnescapeDataString((string)request.RouteValues["name"]!),
            qualifier.Length == 0 ? null : qualifier,
            type,
            payload,
            caller)
        {
            ClientContext = request.Headers["X-Amz-Client-Context"].ToString() is { Length: > 0 } cc ? cc : null,
            TailLog = request.Headers["X-Amz-Log-Type"] == "Tail" && type == InvocationType.RequestResponse,
            TraceId = request.Headers["X-Amzn-Trace-Id"].ToString() is { Length: > 0 } t ? t : null,
        };

        var invoker = http.RequestServices.GetRequiredService<FunctionInvoker>();
        var result = await invoker.InvokeAsync(invocation, http.RequestAborted);
        if (result.Error is { } error)
        {
            await ErrorWriter.WriteAsync(http, error, AwsProtocol.RestJson, caller.RequestId);
            return;
        }

        var response = http.Response;
        response.StatusCode = result.StatusCode;
        response.Headers["x-amzn-RequestId"] = caller.RequestId;
        if (result.ExecutedVersion is not null)
        {
            response.Headers["X-Amz-Executed-Version"] = result.ExecutedVersion;
        }

        if (result.FunctionError is not null)
        {
            response.Headers["X-Amz-Function-Error"] = result.FunctionError;
        }

        if (result.LogTail is not null)
        {
            response.Headers["X-Amz-Log-Result"] = result.LogTail;
        }

        if (result.StatusCode == 200)
        {
            response.ContentType = "application/json";
            response.ContentLength = result.Payload.Length;
            await response.Body.WriteAsync(result.Payload);
        }
    }

    private static async Task InvokeAsyncLegacy(HttpContext http, Api api)
    {
        var payload = await ReadPayloadAsync(http.Request, FunctionInvoker.MaxAsyncPayload)
            ?? throw LambdaErrors.RequestTooLarge(FunctionInvoker.MaxAsyncPayload, "InvokeAsync").ToException();
        var result = await api.Invoker.InvokeAsync(new FunctionInvocation(api.Route("name"), null, InvocationType.Event, payload, api.Caller));
        if (result.Error is { } error)
        {
            throw error.ToException();
        }

        await api.JsonAsync(202, new System.Text.Json.Nodes.JsonObject { ["Status"] = 202 });
    }

    /// <summary>Reads the whole body, or returns null when it exceeds <paramref name="limit"/>.</summary>
    private static async Task<byte[]?> ReadPayloadAsync(HttpRequest request, int limit)
    {
        if (request.ContentLength is { } length)
        {
            if (length > limit)
            {
                return null;
            }

            var buffer = new byte[length];
            await request.Body.ReadExactlyAsync(buffer);
            return buffer;
        }

        var feature = request.HttpContext.Features.Get<IHttpMaxRequestBodySizeFeature>();
        if (feature is { IsReadOnly: false })
        {
            feature.MaxRequestBodySize = null;
        }

        using var stream = new MemoryStream();
        var chunk = new byte[64 * 1024];
        int n;
        while ((n = await request.Body.ReadAsync(chunk)) > 0)
        {
            if (stream.Length + n > limit)
            {
                return null;
            }

            stream.Write(chunk, 0, n);
        }

        return stream.ToArray();
    }
}
