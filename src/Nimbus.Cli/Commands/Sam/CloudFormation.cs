using System.Globalization;
using System.Xml.Linq;

namespace Nimbus.Cli.Commands.Sam;

/// <summary>The CloudFormation calls <c>sam deploy</c> makes (query protocol, API version 2010-05-15).</summary>
internal sealed class CloudFormation(AwsClient client)
{
    private const string Version = "2010-05-15";

    public Task<XElement> CallAsync(string action, params (string Key, string Value)[] parameters) =>
        client.QueryAsync("cloudformation", action, Version, parameters.Select(p => KeyValuePair.Create(p.Key, p.Value)));

    public Task<XElement> CallAsync(string action, List<KeyValuePair<string, string>> parameters) =>
        client.QueryAsync("cloudformation", action, Version, parameters);

    /// <summary>The stack, or null when CloudFormation says it does not exist (ValidationError).</summary>
    public async Task<XElement?> DescribeStackAsync(string stackName)
    {
        try
        {
            var result = await CallAsync("DescribeStacks", ("StackName", stackName));
            return AwsClient.Members(result, "Stacks").FirstOrDefault();
        }
        catch (AwsCallException e) when (e.Code == "ValidationError" && e.AwsMessage.Contains("does not exist", StringComparison.Ordinal))
        {
            return null;
        }
    }

    /// <summary>Stack events newer than <paramref name="since"/>, oldest first.</summary>
    public async Task<List<StackEvent>> EventsAsync(string stackName, DateTimeOffset since)
    {
        var events = new List<StackEvent>();
        string? token = null;
        do
        {
            var parameters = new List<KeyValuePair<string, string>> { new("StackName", stackName) };
            if (token is not null)
            {
                parameters.Add(new("NextToken", token));
            }

            var page = await CallAsync("DescribeStackEvents", parameters);
            var batch = AwsClient.Members(page, "StackEvents").Select(StackEvent.From).ToList();
            events.AddRange(batch.Where(e => e.Timestamp >= since));
            token = batch.Count > 0 && batch.All(e => e.Timestamp >= since) ? AwsClient.Child(page, "NextToken") : null;
        }
        while (token is not null);

        events.Reverse();
        return events;
    }

    public static bool IsTerminal(string status) => !status.EndsWith("_IN_PROGRESS", StringComparison.Ordinal);

    public static bool IsSuccess(string status) => status is "CREATE_COMPLETE" or "UPDATE_COMPLETE" or "DELETE_COMPLETE" or "IMPORT_COMPLETE";
}

/// <summary>One row of DescribeStackEvents.</summary>
internal sealed record StackEvent(string EventId, DateTimeOffset Timestamp, string Status, string Type, string LogicalId, string Reason)
{
    public static StackEvent From(XElement e) => new(
        AwsClient.Child(e, "EventId") ?? "",
        DateTimeOffset.TryParse(AwsClient.Child(e, "Timestamp"), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var t) ? t : DateTimeOffset.MinValue,
        AwsClient.Child(e, "ResourceStatus") ?? "",
        AwsClient.Child(e, "ResourceType") ?? "",
        AwsClient.Child(e, "LogicalResourceId") ?? "",
        AwsClient.Child(e, "ResourceStatusReason") ?? "-");
}
