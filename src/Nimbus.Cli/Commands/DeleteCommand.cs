using Nimbus.Cli.Commands.Sam;

namespace Nimbus.Cli.Commands;

/// <summary><c>nimbus delete --stack-name NAME</c>: DeleteStack, then follow the events until the stack is gone.</summary>
internal static class DeleteCommand
{
    public static async Task<int> RunAsync(Arguments args)
    {
        var stackName = args.Get("stack-name") ?? throw new CliException("Missing option --stack-name.");
        using var client = new AwsClient(Endpoint.Url(args), args.Get("region") ?? DeployCommand.LocalRegion());
        var cfn = new CloudFormation(client);
        var stack = await cfn.DescribeStackAsync(stackName);
        if (stack is null)
        {
            Console.WriteLine($"Error: The input stack {stackName} does not exist on Nimbus at {client.Endpoint}");
            return 1;
        }

        var stackId = AwsClient.Child(stack, "StackId") ?? stackName;
        var since = DateTimeOffset.UtcNow.AddSeconds(-1);
        await cfn.CallAsync("DeleteStack", ("StackName", stackId));
        Console.WriteLine($"\t- Deleting Cloudformation stack {stackName}");
        var status = await StackProgress.WaitAsync(cfn, stackName, stackId, since, TimeSpan.FromMinutes(30));
        if (status != "DELETE_COMPLETE")
        {
            throw new CliException($"Failed to delete the stack {stackName}: it ended in {status}");
        }

        Console.WriteLine("\nDeleted successfully");
        return 0;
    }
}
