using System.Text.Json.Nodes;
using Nimbus.StepFunctions.Execution;
using Nimbus.StepFunctions.Json;

namespace Nimbus.StepFunctions.Tasks;

/// <summary>Thrown by the invoke delegate when the Lambda API refused the call; becomes the task error <see cref="Error"/>
/// (e.g. <c>Lambda.ResourceNotFoundException</c>) with the message as cause.</summary>
public sealed class LambdaInvokeException(string error, string cause) : Exception(cause)
{
    public string Error => error;
}

/// <summary>A Lambda invocation as the platform performs it.</summary>
/// <param name="FunctionName">Name, ARN or partial ARN, as given in the state.</param>
/// <param name="Qualifier">Version or alias, if any.</param>
/// <param name="Payload">The JSON event.</param>
/// <param name="InvocationType"><c>RequestResponse</c> (default) or <c>Event</c>.</param>
public sealed record LambdaInvokeRequest(string FunctionName, string? Qualifier, string Payload, string InvocationType = "RequestResponse");

/// <summary>The platform's answer. <paramref name="FunctionError"/> is set (e.g. "Unhandled") when the function raised an error.</summary>
public sealed record LambdaInvokeResponse(int StatusCode, string Payload, string? FunctionError = null, string ExecutedVersion = "$LATEST");

/// <summary>
/// Task invoker for Lambda: handles <c>arn:aws:states:::lambda:invoke</c> (result wrapped like AWS:
/// <c>{ExecutedVersion, Payload, SdkHttpMetadata, SdkResponseMetadata, StatusCode}</c>) and direct function ARNs
/// (<c>arn:aws:lambda:…:function:name</c>, result = payload). Function errors become the payload's <c>errorType</c>
/// (or <c>Lambda.Unknown</c>) with the payload as cause. Other resources go to <paramref name="fallback"/>.
/// </summary>
public sealed class LambdaTaskInvoker(
    Func<LambdaInvokeRequest, CancellationToken, ValueTask<LambdaInvokeResponse>> invoke,
    ITaskInvoker? fallback = null) : ITaskInvoker
{
    public async ValueTask<TaskInvocationResult> InvokeAsync(TaskInvocation invocation, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(invocation);
        var resource = invocation.Resource;
        var optimized = resource.StartsWith("arn:aws:states:::lambda:invoke", StringComparison.Ordinal);
        var direct = resource.StartsWith("arn:aws:lambda:", StringComparison.Ordinal) && resource.Contains(":function:", StringComparison.Ordinal);
        if (!optimized && !direct)
        {
            return fallback is null
                ? TaskInvocationResult.Failure(StatesErrors.Runtime, $"Unsupported task resource '{resource}'.")
                : await fallback.InvokeAsync(invocation, cancellationToken).ConfigureAwait(false);
        }

        LambdaInvokeRequest request;
        if (optimized)
        {
            if (invocation.Parameters is not JsonObject p || JsonText.AsString(p["FunctionName"]) is not { } fn)
            {
                return TaskInvocationResult.Failure(
                    StatesErrors.Runtime,
                    "The field 'FunctionName' is required for resource arn:aws:states:::lambda:invoke.");
            }

            var payload = p.TryGetPropertyValue("Payload", out var pl) ? JsonText.Serialize(pl) : JsonText.Serialize(new JsonObject());
            request = new LambdaInvokeRequest(fn, JsonText.AsString(p["Qualifier"]), payload, JsonText.AsString(p["InvocationType"]) ?? "RequestResponse");
        }
        else
        {
            request = new LambdaInvokeRequest(resource, null, JsonText.Serialize(invocation.Parameters));
        }

        LambdaInvokeResponse response;
        try
        {
            response = await invoke(request, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            throw;
        }
        catch (LambdaInvokeException ex)
        {
            return TaskInvocationResult.Failure(ex.Error, ex.Message);
        }
        catch (Exception ex)
        {
            return TaskInvocationResult.Failure("Lambda.ServiceException", ex.Message);
        }

        if (response.FunctionError is not null)
        {
            return TaskInvocationResult.Failure(ErrorType(response.Payload), response.Payload);
        }

        JsonNode? payloadNode = string.IsNullOrEmpty(response.Payload) ? null
            : JsonText.TryParse(response.Payload, out var parsed) ? parsed : JsonValue.Create(response.Payload);
        if (!optimized)
        {
            return TaskInvocationResult.Success(payloadNode);
        }

        var requestId = Guid.NewGuid().ToString();
        return TaskInvocationResult.Success(new JsonObject
        {
            ["ExecutedVersion"] = response.ExecutedVersion,
            ["Payload"] = payloadNode,
            ["SdkHttpMetadata"] = new JsonObject
            {
                ["AllHttpHeaders"] = new JsonObject
                {
                    ["X-Amz-Executed-Version"] = new JsonArray(response.ExecutedVersion),
                    ["x-amzn-Remapped-Content-Length"] = new JsonArray("0"),
                    ["Connection"] = new JsonArray("keep-alive"),
                    ["x-amzn-RequestId"] = new JsonArray(requestId),
                    ["Content-Length"] = new JsonArray(System.Text.Encoding.UTF8.GetByteCount(response.Payload).ToString(System.Globalization.CultureInfo.InvariantCulture)),
                    ["Content-Type"] = new JsonArray("application/json"),
                },
                ["HttpHeaders"] = new JsonObject
                {
                    ["Connection"] = "keep-alive",
                    ["Content-Length"] = System.Text.Encoding.UTF8.GetByteCount(response.Payload).ToString(System.Globalization.CultureInfo.InvariantCulture),
                    ["Content-Type"] = "application/json",
                    ["X-Amz-Executed-Version"] = response.ExecutedVersion,
                    ["x-amzn-Remapped-Content-Length"] = "0",
                    ["x-amzn-RequestId"] = requestId,
                },
                ["HttpStatusCode"] = response.StatusCode,
            },
            ["SdkResponseMetadata"] = new JsonObject { ["RequestId"] = requestId },
            ["StatusCode"] = response.StatusCode,
        });
    }

    /// <summary>The error name AWS reports for a function error: the payload's errorType, else Lambda.Unknown.</summary>
    internal static string ErrorType(string payload) =>
        JsonText.TryParse(payload, out var node) && node is JsonObject o && JsonText.AsString(o["errorType"]) is { Length: > 0 } t
            ? t
            : "Lambda.Unknown";
}
