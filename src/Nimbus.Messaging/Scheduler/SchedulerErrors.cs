using Nimbus.Core.Errors;

namespace Nimbus.Messaging.Scheduler;

/// <summary>EventBridge Scheduler's errors (restJson1: the exception name in <c>x-amzn-ErrorType</c>, the text in <c>Message</c>).</summary>
internal static class SchedulerErrors
{
    public static AwsServiceException Validation(string message) => new("ValidationException", message, 400);

    public static AwsServiceException Conflict(string message) => new("ConflictException", message, 409);

    public static AwsServiceException NotFound(string message) => new("ResourceNotFoundException", message, 404);

    public static AwsServiceException InvalidExpression(string expression) => Validation($"Invalid Schedule Expression {expression}.");

    public static AwsServiceException ScheduleNotFound(string name) => NotFound($"Schedule {name} does not exist.");

    public static AwsServiceException GroupNotFound(string name) => NotFound($"Schedule group {name} does not exist.");
}
