using Nimbus.Core.Errors;

namespace Nimbus.Gateway.Management;

/// <summary>API Gateway's management errors (same names and statuses in v1 and v2).</summary>
internal static partial class GatewayErrors
{
    public static AwsServiceException NotFound(string message, string? resourceType = null) =>
        new AwsError("NotFoundException", message, 404)
        {
            Fields = resourceType is null ? null : new Dictionary<string, string> { ["resourceType"] = resourceType },
        }.ToException();

    public static AwsServiceException BadRequest(string message) => new("BadRequestException", message, 400);

    public static AwsServiceException Conflict(string message) => new("ConflictException", message, 409);
}
