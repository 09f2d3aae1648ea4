using System.Text.Json.Nodes;
using Nimbus.Messaging.Events;

namespace Nimbus.Messaging.Tests.Events;

public sealed class EventsServiceTests : IDisposable
{
    private const string Function = "arn:aws:lambda:us-east-1:000000000000:function:handler";
    private const string Queue = "arn:aws:sqs:us-east-1:000000000000:q";
    private readonly Harness _h = new();

    public void Dispose() => _h.Dispose();

    private async Task RuleAsync(string name, string extra, string targets)
    {
        Assert.Equal(200, (await _h.EventsAsync("PutRule", $$"""{"Name": "{{name}}", {{extra}}}""")).Status);
        Assert.Equal(200, (await _h.EventsAsync("PutTargets", $$"""{"Rule": "{{name}}", "Targets": {{targets}}}""")).Status);
    }

    [Fact]
    public async Task PutEvents_MatchingRule_DeliversEventJsonToLambda()
    {
        await RuleAsync("r", """ "EventPattern": "{\"source\": [\"shop\"]}" """, $$"""[{"Id": "f", "Arn": "{{Function}}"}]""");
        var (_, body) = await _h.EventsAsync("PutEvents", """{"Entries": [{"Source": "shop", "DetailType": "Order", "Detail": "{\"n\": 1}", "Resources": ["r1"]}, {"Source": "other", "DetailType": "x", "Detail": "{}"}]}""");
        var result = JsonNode.Parse(body)!;
        Assert.Equal(0, result["FailedEntryCount"]!.GetValue<int>());
        await _h.EventsWorker.DrainAsync();
        var e = JsonNode.Parse(Assert.Single(_h.Lambda.Deliveries).Message.Body)!;
        Assert.Equal(result["Entries"]![0]!["EventId"]!.GetValue<string>(), e["id"]!.GetValue<string>());
        Assert.Equal("0", e["version"]!.GetValue<string>());
        Assert.Equal("Order", e["detail-type"]!.GetValue<string>());
        Assert.Equal("2026-01-05T10:00:00Z", e["time"]!.GetValue<string>());
        Assert.Equal("r1", e["resources"]![0]!.GetValue<string>());
        Assert.Equal(1, e["detail"]!["n"]!.GetValue<int>());
    }

    [Fact]
    public async Task Targets_InputPathAndConstantInput()
    {
        await RuleAsync("r", """ "EventPattern": "{\"source\": [\"shop\"]}" """,
            $$"""[{"Id": "a", "Arn": "{{Queue}}", "InputPath": "$.detail.order"}, {"Id": "b", "Arn": "{{Function}}", "Input": "{\"fixed\": true}"}]""");
        await _h.EventsAsync("PutEvents", """{"Entries": [{"Source": "shop", "DetailType": "Order", "Detail": "{\"order\": {\"id\": 7}}"}]}""");
        await _h.EventsWorker.DrainAsync();
        Assert.Equal("""{"id":7}""", Assert.Single(_h.Sqs.Deliveries).Message.Body);
        Assert.Equal("""{"fixed": true}""", Assert.Single(_h.Lambda.Deliveries).Message.Body);
    }

    [Fact]
    public async Task Delivery_RetryPolicyExhausted_GoesToDeadLetterQueueWithAttributes()
    {
        const string dlq = "arn:aws:sqs:us-east-1:000000000000:dlq";
        await RuleAsync("r", """ "EventPattern": "{\"source\": [\"shop\"]}" """,
            $$$"""[{"Id": "f", "Arn": "{{{Function}}}", "RetryPolicy": {"MaximumRetryAttempts": 2}, "DeadLetterConfig": {"Arn": "{{{dlq}}}"}}]""");
        _h.Lambda.Failing.Add(Function);
        await _h.EventsAsync("PutEvents", """{"Entries": [{"Source": "shop", "DetailType": "Order", "Detail": "{}"}]}""");
        for (var i = 0; i < 4; i++)
        {
            await _h.EventsWorker.DrainAsync();
            _h.Clock.Advance(TimeSpan.FromSeconds(10));
        }

        var (arn, message) = Assert.Single(_h.Sqs.Deliveries);
        Assert.Equal(dlq, arn.ToString());
        Assert.Equal(Function, message.Attributes!["TARGET_ARN"]);
        Assert.Equal("arn:aws:events:us-east-1:000000000000:rule/r", message.Attributes["RULE_ARN"]);
        Assert.Equal("shop", JsonNode.Parse(message.Body)!["source"]!.GetValue<string>());
    }

    [Fact]
    public async Task Scheduler_RateRule_FiresScheduledEventsOnTheClock()
    {
        await RuleAsync("tick", """ "ScheduleExpression": "rate(5 minutes)" """, $$"""[{"Id": "f", "Arn": "{{Function}}"}]""");
        var rule = Assert.Single(_h.EventsStore.AllRules());
        Assert.NotNull(rule.Schedule);
        Assert.True(rule.Enabled, rule.Doc.ToJsonString());
        Assert.Equal(0, _h.Scheduler.Tick());
        _h.Clock.Advance(TimeSpan.FromMinutes(4));
        Assert.Equal(0, _h.Scheduler.Tick());
        _h.Clock.Advance(TimeSpan.FromMinutes(1));
        Assert.Equal(1, _h.Scheduler.Tick());
        Assert.Equal(0, _h.Scheduler.Tick());
        await _h.EventsWorker.DrainAsync();
        var e = JsonNode.Parse(Assert.Single(_h.Lambda.Deliveries).Message.Body)!;
        Assert.Equal("aws.events", e["source"]!.GetValue<string>());
        Assert.Equal("Scheduled Event", e["detail-type"]!.GetValue<string>());
        Assert.Equal("arn:aws:events:us-east-1:000000000000:rule/tick", e["resources"]![0]!.GetValue<string>());
        Assert.Equal("2026-01-05T10:05:00Z", e["time"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("cron(0 12 * * ? *)", "2026-01-05T10:00:00Z", "2026-01-05T12:00:00Z")]
    [InlineData("cron(15 10 ? * MON-FRI *)", "2026-01-09T11:00:00Z", "2026-01-12T10:15:00Z")]
    [InlineData("cron(0/15 * * * ? *)", "2026-01-05T10:07:00Z", "2026-01-05T10:15:00Z")]
    [InlineData("cron(0 8 L * ? *)", "2026-02-01T00:00:00Z", "2026-02-28T08:00:00Z")]
    [InlineData("cron(0 9 ? * 2#1 *)", "2026-01-06T00:00:00Z", "2026-02-02T09:00:00Z")]
    [InlineData("cron(30 6 1 JAN ? 2027)", "2026-01-05T00:00:00Z", "2027-01-01T06:30:00Z")]
    public void Cron_Next_FollowsAwsSemantics(string expression, string after, string expected)
    {
        var at = DateTimeOffset.Parse(after, System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal(DateTimeOffset.Parse(expected, System.Globalization.CultureInfo.InvariantCulture), Schedule.Parse(expression).Next(at, at));
    }

    [Theory]
    [InlineData("cron(0 12 * * * *)")]
    [InlineData("cron(0 12 * *)")]
    [InlineData("rate(1 minutes)")]
    [InlineData("rate(5 minute)")]
    [InlineData("rate(0 hours)")]
    [InlineData("every 5 minutes")]
    public void Schedule_Invalid_IsValidationException(string expression)
    {
        Assert.Equal("ValidationException", Assert.Throws<Core.Errors.AwsServiceException>(() => Schedule.Parse(expression)).Error.Code);
    }

    [Fact]
    public async Task InputTransformer_FillsTemplateAndReservedPlaceholders()
    {
        await RuleAsync("r", """ "EventPattern": "{\"source\": [\"shop\"]}" """,
            $$$"""[{"Id": "f", "Arn": "{{{Function}}}", "InputTransformer": {"InputPathsMap": {"id": "$.detail.id", "n": "$.detail.n"}, "InputTemplate": "{\"id\": \"<id>\", \"n\": <n>, \"rule\": \"<aws.events.rule-arn>\"}"}}]""");
        await _h.EventsAsync("PutEvents", """{"Entries": [{"Source": "shop", "DetailType": "Order", "Detail": "{\"id\": \"x\\\"y\", \"n\": 3}"}]}""");
        await _h.EventsWorker.DrainAsync();
        var payload = JsonNode.Parse(Assert.Single(_h.Lambda.Deliveries).Message.Body)!;
        Assert.Equal("x\"y", payload["id"]!.GetValue<string>());
        Assert.Equal(3, payload["n"]!.GetValue<int>());
        Assert.Equal("arn:aws:events:us-east-1:000000000000:rule/r", payload["rule"]!.GetValue<string>());
    }

    [Fact]
    public async Task Errors_AreAwsShaped()
    {
        Assert.Equal((400, "InvalidEventPatternException: Event pattern is not valid. Reason: \"source\" must be an object or an array"),
            await _h.EventsAsync("PutRule", """{"Name": "r", "EventPattern": "{\"source\": \"x\"}"}"""));
        Assert.Equal((400, "ResourceNotFoundException: Rule nope does not exist on EventBus default."),
            await _h.EventsAsync("DescribeRule", """{"Name": "nope"}"""));
        Assert.Equal((400, "ValidationException: Parameter(s) EventPattern or ScheduleExpression must be specified."),
            await _h.EventsAsync("PutRule", """{"Name": "r"}"""));
    }

    [Fact]
    public async Task RulesTargetsAndPendingDeliveries_SurviveARestart()
    {
        await RuleAsync("r", """ "EventPattern": "{\"source\": [\"shop\"]}" """, $$"""[{"Id": "f", "Arn": "{{Function}}"}]""");
        await _h.EventsAsync("PutEvents", """{"Entries": [{"Source": "shop", "DetailType": "Order", "Detail": "{}"}]}""");

        using var restarted = new Harness(_h.Directory, _h.Clock);
        Assert.Equal(1, await restarted.EventsWorker.DrainAsync());
        Assert.Single(restarted.Lambda.Deliveries);
        await restarted.EventsAsync("PutEvents", """{"Entries": [{"Source": "shop", "DetailType": "Order", "Detail": "{}"}]}""");
        await restarted.EventsWorker.DrainAsync();
        Assert.Equal(2, restarted.Lambda.Deliveries.Count);
        var (_, names) = await restarted.EventsAsync("ListRuleNamesByTarget", $$"""{"TargetArn": "{{Function}}"}""");
        Assert.Equal("""{"RuleNames":["r"]}""", names);
    }

    [Fact]
    public async Task ListRules_PagesWithLimitAndNamePrefix()
    {
        for (var i = 0; i < 5; i++)
        {
            await _h.EventsAsync("PutRule", $$"""{"Name": "app-{{i}}", "EventPattern": "{\"source\": [\"a\"]}"}""");
        }

        await _h.EventsAsync("PutRule", """{"Name": "other", "EventPattern": "{\"source\": [\"a\"]}"}""");
        var first = JsonNode.Parse((await _h.EventsAsync("ListRules", """{"NamePrefix": "app-", "Limit": 3}""")).Body)!;
        Assert.Equal(3, first["Rules"]!.AsArray().Count);
        var token = first["NextToken"]!.GetValue<string>();
        var second = JsonNode.Parse((await _h.EventsAsync("ListRules", $$"""{"NamePrefix": "app-", "Limit": 3, "NextToken": "{{token}}"}""")).Body)!;
        Assert.Equal(["app-3", "app-4"], second["Rules"]!.AsArray().Select(r => r!["Name"]!.GetValue<string>()));
        Assert.Null(second["NextToken"]);
    }

    [Fact]
    public async Task EventsArnTarget_PutsEventOnBusWithSourceAndDetailType()
    {
        await RuleAsync("r", """ "EventPattern": "{\"detail-type\": [\"Relayed\"]}" """, $$"""[{"Id": "f", "Arn": "{{Function}}"}]""");
        await _h.Targets.DeliverAsync("arn:aws:events:us-east-1:000000000000:event-bus/default",
            new Core.Targets.ArnMessage("""{"k": 1}""", Harness.Caller) { EventSource = "my.app", DetailType = "Relayed" });
        await _h.EventsWorker.DrainAsync();
        var e = JsonNode.Parse(Assert.Single(_h.Lambda.Deliveries).Message.Body)!;
        Assert.Equal("my.app", e["source"]!.GetValue<string>());
        Assert.Equal(1, e["detail"]!["k"]!.GetValue<int>());
    }

    [Fact]
    public async Task PutEvents_UnknownBus_IsAcceptedAndDroppedAsAws()
    {
        var (_, body) = await _h.EventsAsync("PutEvents", """{"Entries": [{"Source": "a", "DetailType": "b", "Detail": "{}", "EventBusName": "ghost"}]}""");
        var result = JsonNode.Parse(body)!;
        Assert.Equal(0, result["FailedEntryCount"]!.GetValue<int>());
        Assert.NotNull(result["Entries"]![0]!["EventId"]);
        Assert.Null(_h.EventsStore.NextDue());
    }
}
