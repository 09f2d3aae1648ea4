using System.Text.Json.Nodes;
using System.Xml.Linq;
using Nimbus.Core.Identity;
using Nimbus.Core.Provisioning;

namespace Nimbus.Messaging.Provisioning;

/// <summary>Calls SQS, SNS and EventBridge through their own APIs, in-process.</summary>
internal sealed class MessagingCalls(IServiceProvider services)
{
    public Task<JsonNode?> CallAsync(string service, string operation, JsonObject input, AwsRequestContext caller, CancellationToken cancellationToken = default) =>
        InProcessApi.JsonAsync(services, service switch { "sqs" => "AmazonSQS", "events" => "AWSEvents", _ => service }, operation, input, caller, cancellationToken);

    public Task<XElement?> SnsAsync(string action, IReadOnlyDictionary<string, string> parameters, AwsRequestContext caller, CancellationToken cancellationToken = default) =>
        InProcessApi.QueryAsync(services, "sns", action, parameters, caller, cancellationToken);
}
