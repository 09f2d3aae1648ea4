using System.Text.Json.Nodes;
using Nimbus.Logs.Metrics.Alarms;

namespace Nimbus.Logs.Tests.Metrics;

public sealed class AlarmEvaluationTests : IDisposable
{
    private readonly MetricsTestState _state = new();

    public void Dispose() => _state.Dispose();

    private void PutAlarm(string name, int periods, int toAlarm, string missing = "missing", double threshold = 5, string statistic = "\"Statistic\":\"Sum\"") =>
        _state.Call("PutMetricAlarm", $$"""
            {"AlarmName":"{{name}}","Namespace":"App","MetricName":"Errors",{{statistic}},"Period":60,"EvaluationPeriods":{{periods}},
             "DatapointsToAlarm":{{toAlarm}},"Threshold":{{threshold}},"ComparisonOperator":"GreaterThanThreshold","TreatMissingData":"{{missing}}"}
            """);

    private List<string> History(string name) =>
        _state.Call("DescribeAlarmHistory", $$"""{"AlarmName":"{{name}}","HistoryItemType":"StateUpdate","ScanBy":"TimestampAscending"}""")["AlarmHistoryItems"]!.AsArray()
            .Select(h => h!["HistorySummary"]!.GetValue<string>()).ToList();

    [Fact]
    public void Evaluate_TwoOfThreeDatapointsBreaching_GoesFromOkToAlarm()
    {
        PutAlarm("m-of-n", periods: 3, toAlarm: 2);
        Assert.Equal(MetricAlarm.InsufficientData, _state.Alarm("m-of-n").State);

        _state.Time.Advance(TimeSpan.FromSeconds(10));
        _state.Put(1);
        _state.Time.Advance(TimeSpan.FromMinutes(1));
        _state.Evaluate();
        var ok = _state.Alarm("m-of-n");
        Assert.Equal(MetricAlarm.Ok, ok.State);
        Assert.Equal("Threshold Crossed: 1 out of the last 3 datapoints [1.0 (27/11/26 10:00:00)] was not greater than the threshold (5.0) (minimum 2 datapoints for ALARM -> OK transition).", ok.StateReason);

        _state.Put(10);
        _state.Evaluate();
        Assert.Equal(MetricAlarm.Ok, _state.Alarm("m-of-n").State);

        _state.Time.Advance(TimeSpan.FromMinutes(1));
        _state.Put(4);
        _state.Put(3);
        _state.Evaluate();
        var alarm = _state.Alarm("m-of-n");
        Assert.Equal(MetricAlarm.Alarm, alarm.State);
        Assert.Equal("Threshold Crossed: 2 out of the last 3 datapoints [7.0 (27/11/26 10:02:00), 10.0 (27/11/26 10:01:00)] were greater than the threshold (5.0) (minimum 2 datapoints for OK -> ALARM transition).", alarm.StateReason);
        var data = JsonNode.Parse(alarm.StateReasonData!)!;
        Assert.Equal("Sum", data["statistic"]!.GetValue<string>());
        Assert.Equal([1.0, 10.0, 7.0], data["recentDatapoints"]!.AsArray().Select(v => v!.GetValue<double>()));
        Assert.Equal(["Alarm updated from INSUFFICIENT_DATA to OK", "Alarm updated from OK to ALARM"], History("m-of-n"));
    }

    [Fact]
    public void Evaluate_PeriodJustBegunWithoutData_IsNotTakenForMissing()
    {
        PutAlarm("fresh", periods: 1, toAlarm: 1);
        _state.Put(9);
        _state.Time.Advance(TimeSpan.FromSeconds(65));

        _state.Evaluate();

        var alarm = _state.Alarm("fresh");
        Assert.Equal(MetricAlarm.Alarm, alarm.State);
        Assert.Equal("Threshold Crossed: 1 datapoint [9.0 (27/11/26 10:00:00)] was greater than the threshold (5.0).", alarm.StateReason);
    }

    [Theory]
    [InlineData("missing", "OK", "INSUFFICIENT_DATA", "Insufficient Data: 2 datapoints were unknown.")]
    [InlineData("notBreaching", "ALARM", "OK", "Threshold Crossed: 2 out of the last 2 datapoints [] were not greater than the threshold (5.0) (minimum 1 datapoint for ALARM -> OK transition).")]
    [InlineData("breaching", "OK", "ALARM", "Threshold Crossed: 2 out of the last 2 datapoints [] were greater than the threshold (5.0) (minimum 2 datapoints for OK -> ALARM transition).")]
    [InlineData("ignore", "ALARM", "ALARM", "set by hand")]
    public void Evaluate_NoDataAtAll_FollowsTreatMissingData(string treatment, string initial, string expectedState, string expectedReason)
    {
        PutAlarm("gaps", periods: 2, toAlarm: 2, missing: treatment);
        _state.Call("SetAlarmState", $$"""{"AlarmName":"gaps","StateValue":"{{initial}}","StateReason":"set by hand"}""");
        _state.Time.Advance(TimeSpan.FromMinutes(5));

        _state.Evaluate();

        var alarm = _state.Alarm("gaps");
        Assert.Equal(expectedState, alarm.State);
        Assert.Equal(expectedReason, alarm.StateReason);
    }

    [Fact]
    public void Evaluate_SomeDataMissing_MissingCountsOnlyPresentDatapoints()
    {
        PutAlarm("sparse", periods: 3, toAlarm: 1, missing: "missing");
        _state.Put(1);
        _state.Time.Advance(TimeSpan.FromMinutes(2));

        _state.Evaluate();

        Assert.Equal(MetricAlarm.Ok, _state.Alarm("sparse").State);
    }

    [Fact]
    public void SetAlarmState_HoldsUntilTheNextEvaluation_ThenTheMetricDecidesAgain()
    {
        PutAlarm("manual", periods: 1, toAlarm: 1);
        _state.Put(1);
        _state.Time.Advance(TimeSpan.FromSeconds(61));
        _state.Evaluator.EvaluateDue(_state.Time.GetUtcNow(), force: false);
        Assert.Equal(MetricAlarm.Ok, _state.Alarm("manual").State);

        _state.Call("SetAlarmState", """{"AlarmName":"manual","StateValue":"ALARM","StateReason":"testing the rollback","StateReasonData":"{\"by\":\"test\"}"}""");
        _state.Time.Advance(TimeSpan.FromSeconds(30));
        _state.Put(1);
        _state.Evaluator.EvaluateDue(_state.Time.GetUtcNow(), force: false);
        var held = _state.Alarm("manual");
        Assert.Equal(MetricAlarm.Alarm, held.State);
        Assert.Equal("testing the rollback", held.StateReason);

        _state.Time.Advance(TimeSpan.FromSeconds(31));
        _state.Evaluator.EvaluateDue(_state.Time.GetUtcNow(), force: false);
        Assert.Equal(MetricAlarm.Ok, _state.Alarm("manual").State);
        Assert.Equal(["Alarm updated from INSUFFICIENT_DATA to OK", "Alarm updated from OK to ALARM", "Alarm updated from ALARM to OK"], History("manual"));
        var manual = _state.Call("DescribeAlarmHistory", """{"AlarmName":"manual","HistoryItemType":"StateUpdate"}""")["AlarmHistoryItems"]![1]!;
        var data = JsonNode.Parse(manual["HistoryData"]!.GetValue<string>())!;
        Assert.Equal("ALARM", data["newState"]!["stateValue"]!.GetValue<string>());
        Assert.Equal("test", data["newState"]!["stateReasonData"]!["by"]!.GetValue<string>());
    }

    [Fact]
    public void Poll_AlarmThatWentBackToOk_CountsWhenItEnteredAlarmSinceTheGivenTime()
    {
        PutAlarm("flap", periods: 1, toAlarm: 1);
        PutAlarm("calm", periods: 1, toAlarm: 1);
        var start = _state.Time.GetUtcNow();
        _state.Time.Advance(TimeSpan.FromSeconds(1));
        _state.Call("SetAlarmState", """{"AlarmName":"flap","StateValue":"ALARM","StateReason":"blip"}""");
        _state.Call("SetAlarmState", """{"AlarmName":"flap","StateValue":"OK","StateReason":"over"}""");
        _state.Time.Advance(TimeSpan.FromSeconds(1));

        var sinceStart = _state.Service.Poll("123456789012", "us-east-1", ["flap", "calm", "gone"], start);
        var sinceNow = _state.Service.Poll("123456789012", "us-east-1", ["flap", "calm"], _state.Time.GetUtcNow());

        Assert.Equal(["flap"], sinceStart.InAlarm);
        Assert.Equal(["gone"], sinceStart.Missing);
        Assert.Empty(sinceNow.InAlarm);
    }

    [Fact]
    public void Evaluate_PercentileAlarm_UsesTheRawValues()
    {
        PutAlarm("p90", periods: 1, toAlarm: 1, threshold: 100, statistic: "\"ExtendedStatistic\":\"p90\"");
        _state.Call("PutMetricData", """{"Namespace":"App","MetricData":[{"MetricName":"Errors","Values":[10,50,500],"Counts":[8,1,1]}]}""");
        _state.Time.Advance(TimeSpan.FromSeconds(30));

        _state.Evaluate();
        Assert.Equal(MetricAlarm.Ok, _state.Alarm("p90").State);

        _state.Call("PutMetricData", """{"Namespace":"App","MetricData":[{"MetricName":"Errors","Values":[500],"Counts":[2]}]}""");
        _state.Evaluate();
        Assert.Equal(MetricAlarm.Alarm, _state.Alarm("p90").State);
    }

    [Fact]
    public async Task StateChange_WithSnsAction_PublishesTheAlarmNotificationAndRecordsTheAction()
    {
        var targets = new RecordingTargets();
        using var state = new MetricsTestState(targets);
        state.Call("PutMetricAlarm", """
            {"AlarmName":"notify","AlarmDescription":"errors!","Namespace":"App","MetricName":"Errors","Statistic":"Sum","Period":60,"EvaluationPeriods":1,
             "Threshold":0,"ComparisonOperator":"GreaterThanThreshold","AlarmActions":["arn:aws:sns:us-east-1:123456789012:alerts"],
             "Dimensions":[{"Name":"FunctionName","Value":"fn"}]}
            """);
        state.Call("PutMetricData", """{"Namespace":"App","MetricData":[{"MetricName":"Errors","Value":3,"Dimensions":[{"Name":"FunctionName","Value":"fn"}]}]}""");

        state.Evaluate();
        await state.Transitions.ActionsDrainedAsync().WaitAsync(TimeSpan.FromSeconds(10));

        var (arn, message) = Assert.Single(targets.Delivered);
        Assert.Equal("arn:aws:sns:us-east-1:123456789012:alerts", arn);
        Assert.Equal("ALARM: \"notify\" in US East (N. Virginia)", message.Subject);
        var body = JsonNode.Parse(message.Body)!;
        Assert.Equal("ALARM", body["NewStateValue"]!.GetValue<string>());
        Assert.Equal("INSUFFICIENT_DATA", body["OldStateValue"]!.GetValue<string>());
        Assert.Equal("errors!", body["AlarmDescription"]!.GetValue<string>());
        Assert.Equal("arn:aws:cloudwatch:us-east-1:123456789012:alarm:notify", body["AlarmArn"]!.GetValue<string>());
        Assert.Equal("SUM", body["Trigger"]!["Statistic"]!.GetValue<string>());
        Assert.Equal("fn", body["Trigger"]!["Dimensions"]![0]!["value"]!.GetValue<string>());
        var action = state.Call("DescribeAlarmHistory", """{"AlarmName":"notify","HistoryItemType":"Action"}""")["AlarmHistoryItems"]![0]!;
        Assert.Equal("Successfully executed action arn:aws:sns:us-east-1:123456789012:alerts", action["HistorySummary"]!.GetValue<string>());
    }

    [Fact]
    public async Task StateChange_ActionsDisabled_RunsNoAction()
    {
        var targets = new RecordingTargets();
        using var state = new MetricsTestState(targets);
        state.Call("PutMetricAlarm", """
            {"AlarmName":"quiet","Namespace":"App","MetricName":"Errors","Statistic":"Sum","Period":60,"EvaluationPeriods":1,
             "Threshold":0,"ComparisonOperator":"GreaterThanThreshold","AlarmActions":["arn:aws:sns:us-east-1:123456789012:alerts"]}
            """);
        state.Call("DisableAlarmActions", """{"AlarmNames":["quiet"]}""");
        state.Put(1);

        state.Evaluate();
        await state.Transitions.ActionsDrainedAsync().WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Equal(MetricAlarm.Alarm, state.Alarm("quiet").State);
        Assert.Empty(targets.Delivered);
        Assert.False(state.Call("DescribeAlarms", """{"AlarmNames":["quiet"]}""")["MetricAlarms"]![0]!["ActionsEnabled"]!.GetValue<bool>());
    }

    private sealed class RecordingTargets : Nimbus.Core.Targets.IArnTargets
    {
        public System.Collections.Concurrent.ConcurrentQueue<(string, Nimbus.Core.Targets.ArnMessage)> Delivered { get; } = new();

        public bool Supports(string arn) => true;

        public Task<Nimbus.Core.Targets.ArnDeliveryResult> DeliverAsync(string arn, Nimbus.Core.Targets.ArnMessage message, CancellationToken cancellationToken = default)
        {
            Delivered.Enqueue((arn, message));
            return Task.FromResult(new Nimbus.Core.Targets.ArnDeliveryResult("m-1"));
        }
    }
}
