using System.Text;
using Microsoft.AspNetCore.Http;
using Nimbus.Core.Identity;
using Nimbus.Core.Protocols;

namespace Nimbus.Messaging.Sqs.Protocol;

/// <summary>SQS over the AWS query protocol: form posts with <c>Action</c>, often to the queue URL, answered in XML.</summary>
/// <remarks>Parameters are read into the JSON shapes by the model (<see cref="QueryShapes"/>) and results written back
/// as <c>&lt;XResponse&gt;&lt;XResult&gt;</c> in the <c>2012-11-05</c> namespace. A request posted to a queue URL without a
/// <c>QueueUrl</c> parameter acts on the queue of its path, as the SDKs that post to queue URLs expect.</remarks>
internal sealed class SqsQueryApi(SqsService service) : IQueryProtocolService
{
    public const string Namespace = "http://queue.amazonaws.com/doc/2012-11-05/";

    public string SigningName => "sqs";

    public bool Handles(string action) => QueryShapes.Sqs.HasOperation(action);

    public async Task HandleAsync(HttpContext http, string action, IReadOnlyDictionary<string, string> parameters, AwsRequestContext caller)
    {
        var input = QueryShapes.Sqs.ReadInput(action, parameters);
        var path = http.Request.Path.Value ?? "/";
        if (input["QueueUrl"] is null && path.Trim('/').Split('/') is { Length: 2 } && RequestHasQueueUrlMember(action))
        {
            input["QueueUrl"] = BaseUrl(http.Request) + path;
        }

        var output = await service.InvokeAsync(action, input, new SqsContext(caller, BaseUrl(http.Request)), http.RequestAborted);
        http.Response.StatusCode = 200;
        http.Response.ContentType = "text/xml";
        http.Response.Headers["x-amzn-RequestId"] = caller.RequestId;
        var xml = QueryShapes.Sqs.WriteResponse(action, output, Namespace, caller.RequestId);
        await http.Response.Body.WriteAsync(Encoding.UTF8.GetBytes(xml), http.RequestAborted);
    }

    /// <summary><c>http://host:port</c> as the client addressed this server.</summary>
    public static string BaseUrl(HttpRequest request) =>
        $"{(request.IsHttps ? "https" : "http")}://{(request.Host.HasValue ? request.Host.Value : "localhost:4566")}";

    private static bool RequestHasQueueUrlMember(string action) => action is not ("CreateQueue" or "GetQueueUrl" or "ListQueues"
        or "StartMessageMoveTask" or "ListMessageMoveTasks" or "CancelMessageMoveTask");
}
