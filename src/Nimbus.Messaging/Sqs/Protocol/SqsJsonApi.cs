using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Nimbus.Core.Errors;
using Nimbus.Core.Identity;
using Nimbus.Core.Protocols;

namespace Nimbus.Messaging.Sqs.Protocol;

/// <summary>SQS over AWS JSON 1.0 (<c>X-Amz-Target: AmazonSQS.*</c>), as @aws-sdk/client-sqs and AWSSDK.SQS 4 speak it.</summary>
/// <remarks>
/// SQS is <c>awsQueryCompatible</c>: an error carries <c>__type</c> (the model's shape, e.g. <c>com.amazonaws.sqs#QueueDoesNotExist</c>)
/// and the header <c>x-amzn-query-error: AWS.SimpleQueueService.NonExistentQueue;Sender</c>, from which the SDKs take the
/// error code the query protocol would have returned.
/// </remarks>
internal sealed class SqsJsonApi(SqsService service) : IJsonProtocolService
{
    public string TargetPrefix => "AmazonSQS";

    public AwsProtocol Protocol => AwsProtocol.AwsJson10;

    public async Task HandleAsync(HttpContext http, string operation, AwsRequestContext caller)
    {
        if (!QueryShapes.Sqs.HasOperation(operation))
        {
            throw ToJsonError(CommonErrors.UnknownOperation("sqs", operation));
        }

        using var buffer = new MemoryStream();
        await http.Request.Body.CopyToAsync(buffer, http.RequestAborted);
        var input = buffer.Length == 0 ? [] : JsonNode.Parse(buffer.ToArray()) as JsonObject
            ?? throw CommonErrors.SerializationException("The request body must be a JSON object.").ToException();
        JsonObject output;
        try
        {
            output = await service.InvokeAsync(operation, input, new SqsContext(caller, SqsQueryApi.BaseUrl(http.Request)), http.RequestAborted);
        }
        catch (AwsServiceException e)
        {
            throw ToJsonError(e.Error);
        }

        http.Response.StatusCode = 200;
        http.Response.ContentType = "application/x-amz-json-1.0";
        http.Response.Headers["x-amzn-RequestId"] = caller.RequestId;
        await http.Response.Body.WriteAsync(System.Text.Encoding.UTF8.GetBytes(output.ToJsonString()), http.RequestAborted);
    }

    /// <summary>Maps a query-protocol error code to the JSON protocol's shape name plus the query-compatibility header.</summary>
    internal static AwsServiceException ToJsonError(AwsError error)
    {
        var shape = QueryShapes.Sqs.ErrorShapeFor(error.Code) ?? error.Code;
        var headers = new Dictionary<string, string>(error.Headers ?? new Dictionary<string, string>())
        {
            ["x-amzn-query-error"] = $"{error.Code};{(error.IsSenderFault ? "Sender" : "Receiver")}",
        };
        return new AwsError("com.amazonaws.sqs#" + shape, error.Message, error.StatusCode) { Fields = error.Fields, Headers = headers }.ToException();
    }
}
