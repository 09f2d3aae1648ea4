using Nimbus.Core.Errors;

namespace Nimbus.Functions.Registry;

/// <summary>The Lambda API's errors, with AWS's codes, statuses and messages.</summary>
internal static class LambdaErrors
{
    public static AwsError FunctionNotFound(string arn) => new("ResourceNotFoundException", $"Function not found: {arn}", 404);

    public static AwsError AliasNotFound(string arn) => new("ResourceNotFoundException", $"Cannot find alias arn: {arn}", 404);

    public static AwsError LayerVersionNotFound() => new("ResourceNotFoundException", "The resource you requested does not exist.", 404);

    public static AwsError Conflict(string message) => new("ResourceConflictException", message, 409);

    public static AwsError InvalidParameter(string message) => new("InvalidParameterValueException", message, 400);

    public static AwsError PreconditionFailed(string message) => new("PreconditionFailedException", message, 412);

    public static AwsError RequestTooLarge(long limit, string operation) =>
        new("RequestTooLargeException", $"Request must be smaller than {limit} bytes for the {operation} operation", 413);

    public static AwsError Throttled(string reason) =>
        new("TooManyRequestsException", "Rate Exceeded.", 429)
        {
            Fields = new Dictionary<string, string> { ["Reason"] = reason },
            Headers = new Dictionary<string, string> { ["Retry-After"] = "1" },
        };

    public static AwsError NotReady(string state) =>
        Conflict($"The operation cannot be performed at this time. The function is currently in the following state: {state}");
}
