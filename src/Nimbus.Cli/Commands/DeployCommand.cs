using System.Diagnostics;
using System.Globalization;
using Nimbus.Cli.Commands.Sam;

namespace Nimbus.Cli.Commands;

/// <summary>
/// <c>nimbus deploy --stack-name NAME</c>: what <c>sam deploy</c> does, against a running Nimbus's CloudFormation API —
/// package local code to S3, CreateChangeSet (CREATE or UPDATE, with capabilities and parameters), wait for it, show
/// the changes, ExecuteChangeSet, follow the stack events live, and print the outputs.
/// </summary>
internal static class DeployCommand
{
    public const string ManagedBucket = "nimbus-managed-deployment-bucket";

    public static async Task<int> RunAsync(Arguments args)
    {
        var started = Stopwatch.GetTimestamp();
        var stackName = args.Get("stack-name") ?? throw new CliException("Missing option --stack-name.");
        var template = TemplateFile.Load(args, preferBuilt: true);
        var region = args.Get("region") ?? LocalRegion();
        using var client = new AwsClient(Endpoint.Url(args), region);
        var cfn = new CloudFormation(client);

        var bucket = args.Get("s3-bucket") ?? ManagedBucket;
        var packager = new CodePackager(client, bucket, args.Get("s3-prefix") ?? stackName);
        if (args.Get("s3-bucket") is null)
        {
            await packager.EnsureBucketAsync();
        }

        var packaged = await packager.PackageAsync(template, args.Has("force-upload"));
        var existing = await cfn.DescribeStackAsync(stackName);
        var existingStatus = existing is null ? null : AwsClient.Child(existing, "StackStatus");
        var changeSetType = existing is null || existingStatus == "REVIEW_IN_PROGRESS" ? "CREATE" : "UPDATE";
        Console.WriteLine();
        Console.WriteLine("\tDeploying with following values\n\t===============================");
        Console.WriteLine($"\tStack name                   : {stackName}");
        Console.WriteLine($"\tRegion                       : {region}");
        Console.WriteLine($"\tEndpoint                     : {client.Endpoint}");
        Console.WriteLine($"\tDeployment s3 bucket         : {bucket}");
        Console.WriteLine($"\tCapabilities                 : [{string.Join(", ", Capabilities(args))}]");
        Console.WriteLine($"\tParameter overrides          : {{{string.Join(", ", ParameterOverrides.Parse(args.All("parameter-overrides")).Select(kv => $"\"{kv.Key}\": \"{kv.Value}\""))}}}");
        Console.WriteLine();

        var changeSetName = "nimbus-deploy-" + DateTimeOffset.UtcNow.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture);
        var parameters = new List<KeyValuePair<string, string>>
        {
            new("StackName", stackName),
            new("ChangeSetName", changeSetName),
            new("ChangeSetType", changeSetType),
            new("TemplateBody", packaged.ToJsonString()),
            new("Description", "Created by nimbus deploy"),
        };
        var n = 1;
        foreach (var capability in Capabilities(args))
        {
            parameters.Add(new($"Capabilities.member.{n++}", capability));
        }

        n = 1;
        foreach (var (key, value) in ParameterOverrides.Parse(args.All("parameter-overrides")))
        {
            parameters.Add(new($"Parameters.member.{n}.ParameterKey", key));
            parameters.Add(new($"Parameters.member.{n++}.ParameterValue", value));
        }

        n = 1;
        foreach (var tag in args.All("tags"))
        {
            var eq = tag.IndexOf('=', StringComparison.Ordinal);
            if (eq > 0)
            {
                parameters.Add(new($"Tags.member.{n}.Key", tag[..eq]));
                parameters.Add(new($"Tags.member.{n++}.Value", tag[(eq + 1)..]));
            }
        }

        Console.WriteLine("Initiating deployment\n=====================\n");
        var created = await cfn.CallAsync("CreateChangeSet", parameters);
        var changeSetId = AwsClient.Child(created, "Id") ?? changeSetName;
        var stackId = AwsClient.Child(created, "StackId") ?? stackName;
        Console.WriteLine("Waiting for changeset to be created..");
        var changeSet = await WaitForChangeSetAsync(cfn, changeSetId, stackName);
        if (changeSet is null)
        {
            if (args.Has("fail-on-empty-changeset"))
            {
                throw new CliException($"No changes to deploy. Stack {stackName} is up to date");
            }

            Console.WriteLine($"\nNo changes to deploy. Stack {stackName} is up to date");
            return 0;
        }

        PrintChanges(changeSet);
        Console.WriteLine($"Changeset created successfully. {changeSetId}\n");
        if (args.Has("no-execute-changeset"))
        {
            return 0;
        }

        var since = DateTimeOffset.UtcNow.AddSeconds(-1);
        await cfn.CallAsync("ExecuteChangeSet", ("ChangeSetName", changeSetId), ("StackName", stackName));
        Console.WriteLine($"{DateTimeOffset.Now:yyyy-MM-dd HH:mm:ss} - Waiting for stack create/update to complete");
        var status = await StackProgress.WaitAsync(cfn, stackName, stackId, since, TimeSpan.FromMinutes(30));
        if (!CloudFormation.IsSuccess(status))
        {
            throw new CliException($"Failed to create/update the stack: {stackName}, Waiter StackCreateComplete failed: the stack ended in {status}");
        }

        await OutputsCommand.PrintAsync(cfn, stackName);
        var seconds = Stopwatch.GetElapsedTime(started).TotalSeconds.ToString("F2", CultureInfo.InvariantCulture);
        Console.WriteLine($"\n{Output.Green("Successfully created/updated stack")} - {stackName} in {region} ({seconds} s)");
        return 0;
    }

    internal static string LocalRegion() => Environment.GetEnvironmentVariable("AWS_REGION") ?? Environment.GetEnvironmentVariable("AWS_DEFAULT_REGION") ?? "us-east-1";

    /// <summary>The capabilities to acknowledge: <c>--capabilities</c>, else the two a SAM application needs.</summary>
    private static IReadOnlyList<string> Capabilities(Arguments args) =>
        args.All("capabilities") is { Count: > 0 } given ? given : ["CAPABILITY_IAM", "CAPABILITY_AUTO_EXPAND"];

    /// <summary>Polls DescribeChangeSet; returns it when ready, null when it failed for having no changes.</summary>
    private static async Task<System.Xml.Linq.XElement?> WaitForChangeSetAsync(CloudFormation cfn, string changeSetId, string stackName)
    {
        var deadline = DateTimeOffset.UtcNow.AddMinutes(10);
        while (true)
        {
            var described = await cfn.CallAsync("DescribeChangeSet", ("ChangeSetName", changeSetId), ("StackName", stackName));
            var status = AwsClient.Child(described, "Status");
            if (status == "CREATE_COMPLETE")
            {
                return described;
            }

            if (status == "FAILED")
            {
                var reason = AwsClient.Child(described, "StatusReason") ?? "";
                if (reason.Contains("didn't contain changes", StringComparison.Ordinal) || reason.Contains("No updates are to be performed", StringComparison.Ordinal))
                {
                    return null;
                }

                throw new CliException($"Failed to create the changeset: Waiter ChangeSetCreateComplete failed: Status: FAILED. Reason: {reason}");
            }

            if (DateTimeOffset.UtcNow > deadline)
            {
                throw new CliException($"Timed out waiting for change set {changeSetId} (status {status}).");
            }

            await Task.Delay(100);
        }
    }

    private static void PrintChanges(System.Xml.Linq.XElement changeSet)
    {
        Console.WriteLine("\nCloudFormation stack changeset");
        Console.WriteLine(new string('-', 110));
        Console.WriteLine($"{"Operation",-16}{"LogicalResourceId",-34}{"ResourceType",-40}{"Replacement"}");
        Console.WriteLine(new string('-', 110));
        foreach (var change in AwsClient.Members(changeSet, "Changes"))
        {
            var rc = change.Elements().FirstOrDefault(e => e.Name.LocalName == "ResourceChange");
            var action = AwsClient.Child(rc, "Action") ?? "";
            var op = action switch { "Add" => "+ Add", "Modify" => "* Modify", "Remove" => "- Delete", _ => action };
            Console.WriteLine($"{op,-16}{AwsClient.Child(rc, "LogicalResourceId"),-34}{AwsClient.Child(rc, "ResourceType"),-40}{AwsClient.Child(rc, "Replacement") ?? "N/A"}");
        }

        Console.WriteLine(new string('-', 110));
        Console.WriteLine();
    }
}
