using Nimbus.Core.Errors;

namespace Nimbus.StepFunctions.Service;

/// <summary>The Step Functions API errors, with AWS's codes and message style.</summary>
internal static class SfnErrors
{
    public static AwsServiceException InvalidArn(string? arn) => new("InvalidArn", $"Invalid Arn: 'Resource type not valid in this context: {arn}'");

    public static AwsServiceException InvalidName(string? name) => new("InvalidName", $"Invalid Name: '{name}'");

    public static AwsServiceException InvalidDefinition(string message) => new("InvalidDefinition", $"Invalid State Machine Definition: '{message}'");

    public static AwsServiceException StateMachineAlreadyExists(string arn) => new("StateMachineAlreadyExists", $"State Machine Already Exists: '{arn}'");

    public static AwsServiceException StateMachineDoesNotExist(string arn) => new("StateMachineDoesNotExist", $"State Machine Does Not Exist: '{arn}'");

    public static AwsServiceException ExecutionDoesNotExist(string arn) => new("ExecutionDoesNotExist", $"Execution Does Not Exist: '{arn}'");

    public static AwsServiceException ExecutionAlreadyExists(string arn) => new("ExecutionAlreadyExists", $"Execution Already Exists: '{arn}'");

    public static AwsServiceException InvalidExecutionInput(string detail) => new("InvalidExecutionInput", $"Invalid State Machine Execution Input: '{detail}'");

    public static AwsServiceException TypeNotSupported() => new("StateMachineTypeNotSupported", "This operation is not supported by this type of state machine");

    public static AwsServiceException ActivityDoesNotExist(string arn) => new("ActivityDoesNotExist", $"Activity Does Not Exist: '{arn}'");

    public static AwsServiceException InvalidToken(string detail) => new("InvalidToken", $"Invalid Token: '{detail}'");

    public static AwsServiceException TaskDoesNotExist() => new("TaskDoesNotExist", "Task Does Not Exist");

    public static AwsServiceException InvalidOutput(string detail) => new("InvalidOutput", $"Invalid Output: '{detail}'");

    public static AwsServiceException ResourceNotFound(string arn) =>
        new AwsError("ResourceNotFound", $"Resource not found: '{arn}'") { Fields = new Dictionary<string, string> { ["resourceName"] = arn } }.ToException();

    public static AwsServiceException NotRedrivable(string arn, string reason) =>
        new("ExecutionNotRedrivable", $"Execution Not Redrivable: '{arn}': {reason}");

    public static AwsServiceException Conflict(string message) => new("ConflictException", message, 409);

    public static AwsServiceException QuotaExceeded(string message) => new("ServiceQuotaExceededException", message, 402);

    public static AwsServiceException Validation(string message) => new("ValidationException", message);

    public static AwsServiceException Missing(string member) =>
        Validation($"1 validation error detected: Value null at '{member}' failed to satisfy constraint: Member must not be null");
}
