using Nimbus.Core.Errors;

namespace Nimbus.Messaging.Sqs;

/// <summary>SQS errors with the codes of the query protocol (<c>awsQueryError</c>); the JSON front end maps them to shape names.</summary>
internal static class SqsErrors
{
    public const string NonExistentQueueCode = "AWS.SimpleQueueService.NonExistentQueue";

    public static AwsServiceException NonExistentQueue() =>
        new(NonExistentQueueCode, "The specified queue does not exist.");

    public static AwsServiceException InvalidParameterValue(string message) => new("InvalidParameterValue", message);

    public static AwsServiceException InvalidParameter(string parameter, object? value, string reason) =>
        new("InvalidParameterValue", $"Value {value} for parameter {parameter} is invalid. Reason: {reason}");

    public static AwsServiceException MissingParameter(string parameter) =>
        new("MissingParameter", $"The request must contain the parameter {parameter}.");

    public static AwsServiceException InvalidAttributeName(string name) => new("InvalidAttributeName", $"Unknown Attribute {name}.");

    public static AwsServiceException InvalidAttributeValue(string name, string? reason = null) =>
        new("InvalidAttributeValue", reason is null ? $"Invalid value for the parameter {name}." : $"Invalid value for the parameter {name}. Reason: {reason}");

    public static AwsServiceException QueueNameExists(string attribute) =>
        new("QueueAlreadyExists", $"A queue already exists with the same name and a different value for attribute {attribute}");

    public static AwsServiceException ReceiptHandleIsInvalid(string handle) =>
        new("ReceiptHandleIsInvalid", $"The input receipt handle \"{handle}\" is not a valid receipt handle.", 404);

    public static AwsServiceException MessageNotInflight() =>
        new("AWS.SimpleQueueService.MessageNotInflight", "Message is not in flight.");

    public static AwsServiceException InvalidMessageContents() =>
        new("InvalidMessageContents", "Invalid characters found. Valid unicode characters are #x9 | #xA | #xD | #x20 to #xD7FF | #xE000 to #xFFFD | #x10000 to #x10FFFF");

    public static AwsServiceException PurgeQueueInProgress(string queueArn) =>
        new("AWS.SimpleQueueService.PurgeQueueInProgress", $"Only one PurgeQueue operation on {queueArn} is allowed every 60 seconds.", 403);

    public static AwsServiceException EmptyBatchRequest(string entryName) =>
        new("AWS.SimpleQueueService.EmptyBatchRequest", $"There should be at least one {entryName} in the request.");

    public static AwsServiceException TooManyEntries(int count) =>
        new("AWS.SimpleQueueService.TooManyEntriesInBatchRequest", $"Maximum number of entries per request are 10. You have sent {count}.");

    public static AwsServiceException BatchEntryIdsNotDistinct(string id) =>
        new("AWS.SimpleQueueService.BatchEntryIdsNotDistinct", $"Id {id} repeated.");

    public static AwsServiceException InvalidBatchEntryId() =>
        new("AWS.SimpleQueueService.InvalidBatchEntryId", "A batch entry id can only contain alphanumeric characters, hyphens and underscores. It can be at most 80 letters long.");

    public static AwsServiceException BatchRequestTooLong(int limit, long sent) =>
        new("AWS.SimpleQueueService.BatchRequestTooLong", $"Batch requests cannot be longer than {limit} bytes. You have sent {sent} bytes.");

    public static AwsServiceException OverLimit(string message) => new("OverLimit", message, 403);

    public static AwsServiceException ResourceNotFound(string message) => new("ResourceNotFoundException", message, 404);

    public static AwsServiceException UnsupportedOperation(string message) =>
        new("AWS.SimpleQueueService.UnsupportedOperation", message);
}
