using System.Text.Json.Nodes;
using Nimbus.Core.Identity;

namespace Nimbus.Core.Services;

/// <summary>Calls another Nimbus service's API operation in-process, as a client would over the wire, without HTTP.</summary>
/// <remarks>
/// Used by Step Functions' service integrations (<c>arn:aws:states:::dynamodb:getItem</c>, <c>aws-sdk:*</c>) and anything else
/// that needs "call service X's operation Y". Covers the JSON-protocol services (DynamoDB, SQS, EventBridge, Step Functions,
/// CloudWatch Logs…). AWS errors come back as <see cref="Errors.AwsServiceException"/> carrying the service's error code.
/// </remarks>
public interface IAwsServiceCaller
{
    /// <summary>Whether Nimbus runs this service (its SDK name in lower case: <c>dynamodb</c>, <c>sqs</c>, <c>events</c>…).</summary>
    bool Has(string service);

    /// <summary>Calls <paramref name="operation"/> (PascalCase, e.g. <c>GetItem</c>) with the operation's JSON input.</summary>
    Task<JsonNode?> CallAsync(string service, string operation, JsonObject input, AwsRequestContext caller, CancellationToken cancellationToken = default);
}
