using Nimbus.Core.Errors;

namespace Nimbus.Logs.Metrics.Api;

/// <summary>CloudWatch's errors, as the awsQueryCompatible JSON protocol writes them.</summary>
/// <remarks>The body's <c>__type</c> is the model's shape (<c>com.amazonaws.cloudwatch#InvalidParameterValueException</c>); the
/// header <c>x-amzn-query-error: InvalidParameterValue;Sender</c> carries the query protocol's code, which the SDKs expose as
/// <c>Code</c> (and the AWS CLI prints).</remarks>
internal static class CloudWatchErrors
{
    public static AwsServiceException InvalidParameterValue(string message) => Error("InvalidParameterValueException", "InvalidParameterValue", message);

    public static AwsServiceException InvalidParameterCombination(string message) => Error("InvalidParameterCombinationException", "InvalidParameterCombination", message);

    public static AwsServiceException MissingParameter(string name) => Error("MissingRequiredParameterException", "MissingParameter", $"The parameter {name} is required.");

    public static AwsServiceException ResourceNotFound(string message) => Error("ResourceNotFound", "ResourceNotFound", message, 404);

    public static AwsServiceException ResourceNotFoundException(string message) => Error("ResourceNotFoundException", "ResourceNotFoundException", message, 404);

    public static AwsServiceException InvalidNextToken() => Error("InvalidNextToken", "InvalidNextToken", "The service returned an invalid next token.");

    public static AwsServiceException InvalidFormat(string message) => Error("InvalidFormatFault", "InvalidFormat", message);

    public static AwsServiceException LimitExceeded(string message) => Error("LimitExceededFault", "LimitExceeded", message);

    /// <summary>Metric math and other input CloudWatch rejects as <c>ValidationError</c> (no shape in the model).</summary>
    public static AwsServiceException ValidationError(string message) => Error("ValidationError", "ValidationError", message);

    private static AwsServiceException Error(string shape, string code, string message, int status = 400) =>
        new AwsError("com.amazonaws.cloudwatch#" + shape, message, status)
        {
            Headers = new Dictionary<string, string> { ["x-amzn-query-error"] = $"{code};{(status < 500 ? "Sender" : "Receiver")}" },
        }.ToException();
}
