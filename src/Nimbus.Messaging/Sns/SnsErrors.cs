using Nimbus.Core.Errors;

namespace Nimbus.Messaging.Sns;

/// <summary>SNS's error codes (the model's <c>awsQueryError</c> codes) with its message texts.</summary>
internal static class SnsErrors
{
    public static AwsServiceException InvalidParameter(string what) => new("InvalidParameter", $"Invalid parameter: {what}", 400);

    public static AwsServiceException InvalidParameterValue(string message) => new("ParameterValueInvalid", message, 400);

    public static AwsServiceException TopicNotFound() => new("NotFound", "Topic does not exist", 404);

    public static AwsServiceException SubscriptionNotFound() => new("NotFound", "Subscription does not exist", 404);

    public static AwsServiceException ResourceNotFound() => new("ResourceNotFound", "Resource does not exist", 404);
}
