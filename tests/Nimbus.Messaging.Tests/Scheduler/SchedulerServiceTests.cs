using System.Globalization;
using System.Text.Json.Nodes;
using Nimbus.Messaging.Scheduler;

namespace Nimbus.Messaging.Tests.Scheduler;

public sealed class SchedulerServiceTests : IDisposable
{
    private readonly SchedulerHarness _h = new();

    public void Dispose() => _h.Dispose();

    private JsonObject Get(string name, string? group = null) =>
        _h.Service.GetSchedule(SchedulerHarness.Caller, group is null ? new JsonObject { ["Name"] = name } : new JsonObject { ["Name"] = name, ["GroupName"] = group });

    [Fact]
    public async Task Rate_FiresAtCreationThenEveryInterval()
    {
        _h.Service.CreateSchedule(SchedulerHarness.Caller, SchedulerHarness.Schedule("tick", "rate(5 minutes)", extra: """{"Target": {"Arn": "arn:aws:sqs:us-east-1:000000000000:q", "RoleArn": "arn:aws:iam::000000000000:role/r", "Input": "at <aws.scheduler.scheduled-time>"}}"""));
        Assert.Equal(1, await _h.TickAsync());
        Assert.Equal(0, await _h.TickAsync());
        _h.Clock.Advance(TimeSpan.FromMinutes(4));
        Assert.Equal(0, await _h.TickAsync());
        _h.Clock.Advance(TimeSpan.FromMinutes(1));
        Assert.Equal(1, await _h.TickAsync());
        Assert.Equal(["at 2026-01-05T10:00:00Z", "at 2026-01-05T10:05:00Z"], _h.Sqs.Deliveries.Select(d => d.Message.Body));
    }

    [Fact]
    public async Task At_FiresOnceAndIsDeleted_WhenActionAfterCompletionIsDelete()
    {
        _h.Service.CreateSchedule(SchedulerHarness.Caller, SchedulerHarness.Schedule("once", "at(2026-01-05T10:02:00)", SchedulerHarness.Function,
            """{"ActionAfterCompletion": "DELETE"}"""));
        _h.Service.CreateSchedule(SchedulerHarness.Caller, SchedulerHarness.Schedule("kept", "at(2026-01-05T10:02:00)", SchedulerHarness.Function));
        _h.Clock.Advance(TimeSpan.FromSeconds(119));
        Assert.Equal(0, await _h.TickAsync());
        _h.Clock.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(2, await _h.TickAsync());
        _h.Clock.Advance(TimeSpan.FromDays(1));
        Assert.Equal(0, await _h.TickAsync());

        Assert.Equal(2, _h.Lambda.Deliveries.Count);
        Assert.All(_h.Lambda.Deliveries, d => Assert.Equal("{}", d.Message.Body));
        Assert.Equal("ResourceNotFoundException (404): Schedule once does not exist.", SchedulerHarness.Error(() => Get("once")));
        Assert.Equal("NONE", Get("kept")["ActionAfterCompletion"]!.GetValue<string>());
    }

    [Fact]
    public async Task At_InATimeZone_FiresAtThatWallClockTime()
    {
        // 05:00 in New York in January (EST, UTC-5) is 10:00 UTC.
        _h.Service.CreateSchedule(SchedulerHarness.Caller, SchedulerHarness.Schedule("ny", "at(2026-01-05T05:03:00)", extra: """{"ScheduleExpressionTimezone": "America/New_York"}"""));
        _h.Clock.Advance(TimeSpan.FromMinutes(2));
        Assert.Equal(0, await _h.TickAsync());
        _h.Clock.Advance(TimeSpan.FromMinutes(1));
        Assert.Equal(1, await _h.TickAsync());
    }

    [Fact]
    public async Task Disabled_DoesNotFire_UntilEnabled()
    {
        _h.Service.CreateSchedule(SchedulerHarness.Caller, SchedulerHarness.Schedule("off", "rate(1 minute)", extra: """{"State": "DISABLED"}"""));
        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(0, await _h.TickAsync());
            _h.Clock.Advance(TimeSpan.FromMinutes(1));
        }

        Assert.Empty(_h.Sqs.Deliveries);
        _h.Service.UpdateSchedule(SchedulerHarness.Caller, SchedulerHarness.Schedule("off", "rate(1 minute)"));
        Assert.Equal(1, await _h.TickAsync());
        Assert.Single(_h.Sqs.Deliveries);
    }

    [Fact]
    public async Task EndDate_StopsFiring_AndStartDateDelaysTheFirst()
    {
        var start = _h.Clock.Now.AddMinutes(10).ToUnixTimeSeconds();
        var end = _h.Clock.Now.AddMinutes(25).ToUnixTimeSeconds();
        _h.Service.CreateSchedule(SchedulerHarness.Caller, SchedulerHarness.Schedule("window", "rate(10 minutes)", extra: $$"""{"StartDate": {{start}}, "EndDate": {{end}}, "ActionAfterCompletion": "DELETE"}"""));
        var fired = new List<DateTimeOffset>();
        for (var i = 0; i < 40; i++)
        {
            if (await _h.TickAsync() > 0)
            {
                fired.Add(_h.Clock.Now);
            }

            _h.Clock.Advance(TimeSpan.FromMinutes(1));
        }

        Assert.Equal([_h.Clock.Now.AddMinutes(-30), _h.Clock.Now.AddMinutes(-20)], fired);
        Assert.Equal("ResourceNotFoundException (404): Schedule window does not exist.", SchedulerHarness.Error(() => Get("window")));
    }

    [Fact]
    public async Task Update_MayResendAPastStartDate_AndContinuesTheRateFromIt()
    {
        var start = _h.Clock.Now.AddMinutes(10).ToUnixTimeSeconds();
        var input = SchedulerHarness.Schedule("s", "rate(1 hour)", extra: $$"""{"StartDate": {{start}}}""");
        _h.Service.CreateSchedule(SchedulerHarness.Caller, input);
        _h.Clock.Advance(TimeSpan.FromMinutes(10));
        Assert.Equal(1, await _h.TickAsync());
        _h.Clock.Advance(TimeSpan.FromMinutes(150));
        _h.Service.UpdateSchedule(SchedulerHarness.Caller, SchedulerHarness.Schedule("s", "rate(1 hour)", extra: $$"""{"StartDate": {{start}}, "Description": "resent"}"""));
        Assert.Equal("resent", Get("s")["Description"]!.GetValue<string>());
        Assert.Equal(0, await _h.TickAsync());
        _h.Clock.Advance(TimeSpan.FromMinutes(30));
        Assert.Equal(1, await _h.TickAsync());
        Assert.Equal(2, _h.Sqs.Deliveries.Count);
    }

    [Theory]
    [InlineData("cron(0 9 ? * MON-FRI *)", "America/New_York", "2026-01-05T10:00:00Z", "2026-01-05T14:00:00Z")]
    [InlineData("cron(0 9 ? * MON-FRI *)", "Europe/Paris", "2026-01-05T10:00:00Z", "2026-01-06T08:00:00Z")]
    [InlineData("cron(30 2 * * ? *)", "America/New_York", "2026-03-08T05:00:00Z", "2026-03-09T06:30:00Z")]
    [InlineData("cron(30 1 * * ? *)", "America/New_York", "2026-11-01T05:00:00Z", "2026-11-01T05:30:00Z")]
    [InlineData("cron(30 1 * * ? *)", "America/New_York", "2026-11-01T05:31:00Z", "2026-11-02T06:30:00Z")]
    [InlineData("cron(0/15 * * * ? *)", null, "2026-01-05T10:07:00Z", "2026-01-05T10:15:00Z")]
    [InlineData("at(2026-07-01T12:00:00)", "Asia/Tokyo", "2026-01-05T10:00:00Z", "2026-07-01T03:00:00Z")]
    public void Recurrence_NextFrom_FollowsTheTimeZoneAndDaylightSaving(string expression, string? zone, string from, string expected)
    {
        var at = DateTimeOffset.Parse(from, CultureInfo.InvariantCulture);
        Assert.Equal(DateTimeOffset.Parse(expected, CultureInfo.InvariantCulture), ScheduleRecurrence.Parse(expression, zone, null, null).NextFrom(at, at));
    }

    [Fact]
    public void Errors_AreTheSchedulersOwn()
    {
        var c = SchedulerHarness.Caller;
        foreach (var bad in new[] { "rate(0 minutes)", "cron(0 12 * * *)", "at(2026-02-30T00:00:00)", "at(2026-01-05 10:00:00)", "rate(5 fortnights)" })
        {
            Assert.Equal($"ValidationException (400): Invalid Schedule Expression {bad}.", SchedulerHarness.Error(() => _h.Service.CreateSchedule(c, SchedulerHarness.Schedule("s", bad))));
        }

        Assert.Equal("ValidationException (400): Invalid ScheduleExpressionTimezone Moon/Base.",
            SchedulerHarness.Error(() => _h.Service.CreateSchedule(c, SchedulerHarness.Schedule("s", "rate(1 hour)", extra: """{"ScheduleExpressionTimezone": "Moon/Base"}"""))));
        _h.Service.CreateSchedule(c, SchedulerHarness.Schedule("s", "rate(1 hour)"));
        Assert.Equal("ConflictException (409): Schedule s already exists.", SchedulerHarness.Error(() => _h.Service.CreateSchedule(c, SchedulerHarness.Schedule("s", "rate(1 hour)"))));
        Assert.Equal("ResourceNotFoundException (404): Schedule group g does not exist.",
            SchedulerHarness.Error(() => _h.Service.CreateSchedule(c, SchedulerHarness.Schedule("s", "rate(1 hour)", extra: """{"GroupName": "g"}"""))));
        Assert.Equal(
            "ValidationException (400): 2 validation errors detected: Value null at 'flexibleTimeWindow' failed to satisfy constraint: Member must not be null; " +
            "Value '500' at 'target.retryPolicy.maximumRetryAttempts' failed to satisfy constraint: Member must have value less than or equal to 185",
            SchedulerHarness.Error(() => _h.Service.CreateSchedule(c, new JsonObject
            {
                ["Name"] = "t",
                ["ScheduleExpression"] = "rate(1 hour)",
                ["Target"] = new JsonObject { ["Arn"] = SchedulerHarness.Queue, ["RoleArn"] = SchedulerHarness.Role, ["RetryPolicy"] = new JsonObject { ["MaximumRetryAttempts"] = 500 } },
            })));
        Assert.Equal("ValidationException (400): The StartDate you specify cannot be earlier than 5 minutes ago.",
            SchedulerHarness.Error(() => _h.Service.CreateSchedule(c, SchedulerHarness.Schedule("t", "rate(1 hour)", extra: $$"""{"StartDate": {{_h.Clock.Now.AddHours(-1).ToUnixTimeSeconds()}}}"""))));
        Assert.Equal("ValidationException (400): Invalid input for target arn:aws:lambda:us-east-1:000000000000:function:f: the input must be well-formed JSON.",
            SchedulerHarness.Error(() => _h.Service.CreateSchedule(c, SchedulerHarness.Schedule("t", "rate(1 hour)", extra: """{"Target": {"Arn": "arn:aws:lambda:us-east-1:000000000000:function:f", "RoleArn": "arn:aws:iam::000000000000:role/r", "Input": "not json"}}"""))));
        Assert.StartsWith("ValidationException (400): Nimbus does not deliver to kinesis targets",
            SchedulerHarness.Error(() => _h.Service.CreateSchedule(c, SchedulerHarness.Schedule("t", "rate(1 hour)", "arn:aws:kinesis:us-east-1:000000000000:stream/s"))));
        Assert.Equal("ValidationException (400): The default schedule group cannot be deleted.",
            SchedulerHarness.Error(() => _h.Service.DeleteScheduleGroup(c, new JsonObject { ["Name"] = "default" })));
    }

    [Fact]
    public async Task Restart_KeepsGroupsSchedulesAndTheirNextFiring()
    {
        var c = SchedulerHarness.Caller;
        _h.Service.CreateScheduleGroup(c, new JsonObject { ["Name"] = "g", ["Tags"] = JsonNode.Parse("""[{"Key": "k", "Value": "v"}]""") });
        _h.Service.CreateSchedule(c, SchedulerHarness.Schedule("r", "rate(1 hour)", extra: """{"GroupName": "g"}"""));
        Assert.Equal(1, await _h.TickAsync());
        _h.Service.CreateSchedule(c, SchedulerHarness.Schedule("a", "at(2026-01-05T10:30:00)", extra: """{"ActionAfterCompletion": "DELETE"}"""));

        using var restarted = new SchedulerHarness(_h.Directory, _h.Clock);
        Assert.Equal("v", restarted.Service.ListTagsForResource(c, new JsonObject { ["ResourceArn"] = "arn:aws:scheduler:us-east-1:000000000000:schedule-group/g" })["Tags"]![0]!["Value"]!.GetValue<string>());
        Assert.Equal(2, restarted.Service.ListSchedules(c, [])["Schedules"]!.AsArray().Count);
        Assert.Equal(0, await restarted.TickAsync());
        _h.Clock.Advance(TimeSpan.FromMinutes(30));
        Assert.Equal(1, await restarted.TickAsync());
        _h.Clock.Advance(TimeSpan.FromMinutes(30));
        Assert.Equal(1, await restarted.TickAsync());
        Assert.Equal(2, restarted.Sqs.Deliveries.Count);
        Assert.Equal(["r"], restarted.Service.ListSchedules(c, [])["Schedules"]!.AsArray().Select(s => s!["Name"]!.GetValue<string>()));
    }

    [Fact]
    public async Task FailingTarget_IsRetriedPerRetryPolicy_ThenDeadLettered()
    {
        _h.Lambda.Failing.Add(SchedulerHarness.Function);
        _h.Service.CreateSchedule(SchedulerHarness.Caller, SchedulerHarness.Schedule("fail", "at(2026-01-05T10:00:00)", extra: $$$"""
            {"Target": {"Arn": "{{{SchedulerHarness.Function}}}", "RoleArn": "{{{SchedulerHarness.Role}}}", "Input": "{\"n\": 1}",
             "RetryPolicy": {"MaximumRetryAttempts": 2, "MaximumEventAgeInSeconds": 3600}, "DeadLetterConfig": {"Arn": "{{{SchedulerHarness.Dlq}}}"} } }
            """));
        Assert.Equal(1, await _h.TickAsync());
        for (var i = 0; i < 5; i++)
        {
            _h.Clock.Advance(TimeSpan.FromSeconds(10));
            await _h.TickAsync();
        }

        var (arn, message) = Assert.Single(_h.Sqs.Deliveries);
        Assert.Equal(SchedulerHarness.Dlq, arn.ToString());
        Assert.Equal("""{"n": 1}""", message.Body);
        Assert.Equal("MaximumRetryAttempts", message.Attributes!["EXHAUSTED_RETRY_CONDITION"]);
        Assert.Equal("2", message.Attributes["RETRY_ATTEMPTS"]);
        Assert.Equal(SchedulerHarness.Function, message.Attributes["TARGET_ARN"]);
        Assert.Equal("arn:aws:scheduler:us-east-1:000000000000:schedule/default/fail", message.Attributes["SCHEDULE_ARN"]);
        Assert.Equal(0, await _h.Worker.DrainAsync());
    }

    [Fact]
    public async Task Targets_GetSqsGroupIdsEventBridgeParametersAndContextAttributes()
    {
        const string fifo = "arn:aws:sqs:us-east-1:000000000000:q.fifo";
        const string bus = "arn:aws:events:us-east-1:000000000000:event-bus/default";
        _h.Service.CreateSchedule(SchedulerHarness.Caller, SchedulerHarness.Schedule("sqs", "at(2026-01-05T10:00:00)", extra: $$$"""
            {"Target": {"Arn": "{{{fifo}}}", "RoleArn": "{{{SchedulerHarness.Role}}}", "SqsParameters": {"MessageGroupId": "g1"},
             "Input": "<aws.scheduler.execution-id>|<aws.scheduler.attempt-number>"}}
            """));
        _h.Service.CreateSchedule(SchedulerHarness.Caller, SchedulerHarness.Schedule("eb", "at(2026-01-05T10:00:00)", extra: $$$"""
            {"Target": {"Arn": "{{{bus}}}", "RoleArn": "{{{SchedulerHarness.Role}}}", "EventBridgeParameters": {"DetailType": "Tick", "Source": "my.app"},
             "Input": "{\"schedule\": \"<aws.scheduler.schedule-arn>\"}"}}
            """));
        Assert.Equal("ValidationException (400): EventBridgeParameters is required for an EventBridge PutEvents target.",
            SchedulerHarness.Error(() => _h.Service.CreateSchedule(SchedulerHarness.Caller, SchedulerHarness.Schedule("eb2", "rate(1 hour)", bus))));
        Assert.Equal(2, await _h.TickAsync());

        var sqs = Assert.Single(_h.Sqs.Deliveries).Message;
        Assert.Equal("g1", sqs.MessageGroupId);
        var parts = sqs.Body.Split('|');
        Assert.True(Guid.TryParse(parts[0], out _), sqs.Body);
        Assert.Equal("1", parts[1]);
        var eb = Assert.Single(_h.Events.Deliveries).Message;
        Assert.Equal(("my.app", "Tick"), (eb.EventSource, eb.DetailType));
        Assert.Equal("arn:aws:scheduler:us-east-1:000000000000:schedule/default/eb", JsonNode.Parse(eb.Body)!["schedule"]!.GetValue<string>());
    }

    [Fact]
    public async Task Wire_RoutesRestJsonAndWritesTheModelsErrorShape()
    {
        var (status, _, body) = await _h.HttpAsync("POST", "/schedule-groups/team", """{"Tags": [{"Key": "a", "Value": "b"}]}""");
        Assert.Equal((200, """{"ScheduleGroupArn":"arn:aws:scheduler:us-east-1:000000000000:schedule-group/team"}"""), (status, body));
        (status, _, _) = await _h.HttpAsync("POST", "/schedules/s1", """{"GroupName": "team", "ScheduleExpression": "rate(1 day)", "FlexibleTimeWindow": {"Mode": "OFF"}, "Target": {"Arn": "arn:aws:sqs:us-east-1:000000000000:q", "RoleArn": "arn:aws:iam::000000000000:role/r"}}""");
        Assert.Equal(200, status);
        (status, _, body) = await _h.HttpAsync("GET", "/schedules?ScheduleGroup=team&NamePrefix=s&MaxResults=5");
        Assert.Equal(200, status);
        Assert.Equal("s1", JsonNode.Parse(body)!["Schedules"]![0]!["Name"]!.GetValue<string>());
        (status, var type, body) = await _h.HttpAsync("GET", "/schedules/s1");
        Assert.Equal((404, "ResourceNotFoundException", """{"Message":"Schedule s1 does not exist."}"""), (status, type, body));
        (status, _, body) = await _h.HttpAsync("GET", "/schedules/s1?groupName=team");
        Assert.Equal("team", JsonNode.Parse(body)!["GroupName"]!.GetValue<string>());
        (status, _, body) = await _h.HttpAsync("GET", "/tags/" + Uri.EscapeDataString("arn:aws:scheduler:us-east-1:000000000000:schedule-group/team"));
        Assert.Equal((200, """{"Tags":[{"Key":"a","Value":"b"}]}"""), (status, body));
        (status, _, _) = await _h.HttpAsync("DELETE", "/tags/" + Uri.EscapeDataString("arn:aws:scheduler:us-east-1:000000000000:schedule-group/team") + "?TagKeys=a");
        Assert.Equal(200, status);
        (status, type, _) = await _h.HttpAsync("GET", "/schedules?MaxResults=500");
        Assert.Equal((400, "ValidationException"), (status, type));
        (status, _, _) = await _h.HttpAsync("DELETE", "/schedule-groups/team");
        Assert.Equal(200, status);
        Assert.Empty(_h.Service.ListSchedules(SchedulerHarness.Caller, [])["Schedules"]!.AsArray());
    }
}
