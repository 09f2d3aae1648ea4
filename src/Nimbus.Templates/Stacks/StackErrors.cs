using Nimbus.Core.Errors;

namespace Nimbus.Templates.Stacks;

/// <summary>CloudFormation's errors, with its codes and wording.</summary>
internal static class StackErrors
{
    public static AwsServiceException Validation(string message) => new("ValidationError", message, 400);

    public static AwsServiceException StackNotFound(string nameOrId) => Validation($"Stack with id {nameOrId} does not exist");

    public static AwsServiceException AlreadyExists(string name) => new("AlreadyExistsException", $"Stack [{name}] already exists", 400);

    public static AwsServiceException ChangeSetNotFound(string name) => new("ChangeSetNotFound", $"ChangeSet [{name}] does not exist", 404);

    public static AwsServiceException InsufficientCapabilities(IEnumerable<string> needed) =>
        new("InsufficientCapabilitiesException", $"Requires capabilities : [{string.Join(", ", needed)}]", 400);

    public static AwsServiceException InvalidChangeSetStatus(string message) => new("InvalidChangeSetStatus", message, 400);
}
