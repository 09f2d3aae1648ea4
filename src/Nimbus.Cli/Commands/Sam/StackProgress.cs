using System.Diagnostics;

namespace Nimbus.Cli.Commands.Sam;

/// <summary>The live view of a stack operation: new stack events printed as they happen, until the stack settles.</summary>
internal static class StackProgress
{
    private static readonly string[] Headers = ["ResourceStatus", "ResourceType", "LogicalResourceId", "ResourceStatusReason"];

    /// <summary>Polls DescribeStackEvents and DescribeStacks; returns the final stack status (<c>DELETE_COMPLETE</c> when it is gone).</summary>
    public static async Task<string> WaitAsync(CloudFormation cfn, string stackName, string stackId, DateTimeOffset since, TimeSpan timeout)
    {
        Console.WriteLine();
        Console.WriteLine($"CloudFormation events from stack operations (refresh every 0.2 seconds)");
        Console.WriteLine(new string('-', 110));
        Console.WriteLine($"{Headers[0],-28}{Headers[1],-34}{Headers[2],-28}{Headers[3]}");
        Console.WriteLine(new string('-', 110));
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var deadline = Stopwatch.GetTimestamp() + (long)(timeout.TotalSeconds * Stopwatch.Frequency);
        while (true)
        {
            var stack = await cfn.DescribeStackAsync(stackId);
            var status = stack is null ? "DELETE_COMPLETE" : AwsClient.Child(stack, "StackStatus") ?? "";
            foreach (var e in await SafeEventsAsync(cfn, stackId, since))
            {
                if (seen.Add(e.EventId))
                {
                    var line = $"{e.Status,-28}{e.Type,-34}{e.LogicalId,-28}{e.Reason}";
                    Console.WriteLine(e.Status.Contains("FAILED", StringComparison.Ordinal) || e.Status.Contains("ROLLBACK", StringComparison.Ordinal) ? Output.Red(line) : e.Status.EndsWith("_COMPLETE", StringComparison.Ordinal) ? Output.Green(line) : line);
                }
            }

            if (CloudFormation.IsTerminal(status))
            {
                Console.WriteLine(new string('-', 110));
                return status;
            }

            if (Stopwatch.GetTimestamp() > deadline)
            {
                throw new CliException($"Timed out after {timeout.TotalSeconds:F0} s waiting for stack {stackName} (status {status}).");
            }

            await Task.Delay(200);
        }
    }

    private static async Task<List<StackEvent>> SafeEventsAsync(CloudFormation cfn, string stackId, DateTimeOffset since)
    {
        try
        {
            return await cfn.EventsAsync(stackId, since);
        }
        catch (AwsCallException e) when (e.Code == "ValidationError")
        {
            return [];
        }
    }
}
