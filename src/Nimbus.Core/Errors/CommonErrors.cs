namespace Nimbus.Core.Errors;

/// <summary>Factories for the errors every AWS service shares.</summary>
public static class CommonErrors
{
    public static AwsError UnknownOperation(string service, string? operation) =>
        new("UnknownOperationException", $"Unknown operation {operation} for service {service}", 400);

    public static AwsError InvalidAction(string? action) =>
        new("InvalidAction", $"The action {action} is not valid for this web service.", 400);

    public static AwsError SerializationException(string message) =>
        new("SerializationException", message, 400);

    public static AwsError Internal(string message) =>
        new("ServiceException", message, 500);
}
