using System.Text.Json;
using System.Text.Json.Nodes;
using Nimbus.Cli.Commands.Sam;

namespace Nimbus.Cli.Commands;

/// <summary><c>nimbus outputs --stack-name NAME [--output json]</c>: a stack's outputs (DescribeStacks).</summary>
internal static class OutputsCommand
{
    public static async Task<int> RunAsync(Arguments args)
    {
        var stackName = args.Get("stack-name") ?? throw new CliException("Missing option --stack-name.");
        using var client = new AwsClient(Endpoint.Url(args), args.Get("region") ?? DeployCommand.LocalRegion());
        var cfn = new CloudFormation(client);
        if (args.Get("output") == "json")
        {
            var stack = await cfn.DescribeStackAsync(stackName) ?? throw new CliException($"Stack with id {stackName} does not exist");
            var list = new JsonArray(Outputs(stack).Select(o => (JsonNode)new JsonObject
            {
                ["OutputKey"] = o.Key,
                ["OutputValue"] = o.Value,
                ["Description"] = o.Description,
            }).ToArray());
            Console.WriteLine(list.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
            return 0;
        }

        await PrintAsync(cfn, stackName);
        return 0;
    }

    public static async Task PrintAsync(CloudFormation cfn, string stackName)
    {
        var stack = await cfn.DescribeStackAsync(stackName) ?? throw new CliException($"Stack with id {stackName} does not exist");
        var outputs = Outputs(stack);
        if (outputs.Count == 0)
        {
            return;
        }

        Console.WriteLine("\nCloudFormation outputs from deployed stack");
        Console.WriteLine(new string('-', 110));
        foreach (var (key, value, description) in outputs)
        {
            Console.WriteLine($"Key                 {key}");
            Console.WriteLine($"Description         {description ?? "-"}");
            Console.WriteLine($"Value               {value}");
            Console.WriteLine();
        }

        Console.WriteLine(new string('-', 110));
    }

    private static List<(string Key, string Value, string? Description)> Outputs(System.Xml.Linq.XElement stack) =>
        AwsClient.Members(stack, "Outputs")
            .Select(o => (AwsClient.Child(o, "OutputKey") ?? "", AwsClient.Child(o, "OutputValue") ?? "", AwsClient.Child(o, "Description")))
            .ToList();
}
