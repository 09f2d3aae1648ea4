using Nimbus.Core.Errors;

namespace Nimbus.Messaging.Events;

/// <summary>EventBridge's errors with its message texts.</summary>
internal static class EventsErrors
{
    public static AwsServiceException Validation(string message) => new("ValidationException", message, 400);

    public static AwsServiceException NotFound(string message) => new("ResourceNotFoundException", message, 400);

    public static AwsServiceException BusNotFound(string name) => NotFound($"Event bus {name} does not exist.");

    public static AwsServiceException RuleNotFound(string rule, string bus) => NotFound($"Rule {rule} does not exist on EventBus {bus}.");

    public static AwsServiceException InvalidPattern(string reason) => new("InvalidEventPatternException", $"Event pattern is not valid. Reason: {reason}", 400);
}
