using System.Text.Json.Nodes;
using Nimbus.Messaging.Events;

namespace Nimbus.Messaging.Tests.Events;

public sealed class TargetInputTests
{
    private static readonly JsonObject Event = JsonNode.Parse(
        """{"id":"e1","time":"2026-01-01T00:00:00Z","detail":{"instance":"i-123","state":"RUNNING","n":7,"gone":null}}""")!.AsObject();

    private static string Render(string template) => TargetInput.Render(
        new JsonObject
        {
            ["InputTransformer"] = new JsonObject
            {
                ["InputPathsMap"] = new JsonObject { ["instance"] = "$.detail.instance", ["state"] = "$.detail.state", ["n"] = "$.detail.n", ["missing"] = "$.detail.nope" },
                ["InputTemplate"] = template,
            },
        },
        Event, "arn:aws:events:us-east-1:1:rule/r", "r", DateTimeOffset.UnixEpoch);

    [Theory]
    [InlineData("<instance> is in state <state>", "i-123 is in state RUNNING")]
    [InlineData("<instance> is in state \"<state>\"", "i-123 is in state \"RUNNING\"")]
    [InlineData("{\"i\": <instance>, \"n\": <n>}", "{\"i\": \"i-123\", \"n\": 7}")]
    [InlineData("{\"i\": \"<instance> is <state>\", \"n\": \"<n>\"}", "{\"i\": \"i-123 is RUNNING\", \"n\": \"7\"}")]
    [InlineData("{\"rule\": <aws.events.rule-name>, \"arn\": \"<aws.events.rule-arn>\"}", "{\"rule\": \"r\", \"arn\": \"arn:aws:events:us-east-1:1:rule/r\"}")]
    [InlineData("{\"m\": <missing>}", "{\"m\": null}")]
    public void Placeholders_FollowAwsQuotingRules(string template, string expected) => Assert.Equal(expected, Render(template));
}
