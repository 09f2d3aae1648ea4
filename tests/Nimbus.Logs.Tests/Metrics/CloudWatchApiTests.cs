using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Nimbus.Core.Errors;

namespace Nimbus.Logs.Tests.Metrics;

public sealed class CloudWatchApiTests : IDisposable
{
    private readonly MetricsTestState _state = new();

    public void Dispose() => _state.Dispose();

    private static long Seconds(DateTimeOffset t) => t.ToUnixTimeSeconds();

    [Fact]
    public void GetMetricStatistics_ValuesStatisticSetsAndValueLists_AggregatePerPeriod()
    {
        var t0 = _state.Time.GetUtcNow();
        _state.Call("PutMetricData", $$"""
            {"Namespace":"Shop","MetricData":[
              {"MetricName":"Latency","Dimensions":[{"Name":"Api","Value":"orders"}],"Timestamp":{{Seconds(t0)}},"Value":10,"Unit":"Milliseconds"},
              {"MetricName":"Latency","Dimensions":[{"Name":"Api","Value":"orders"}],"Timestamp":{{Seconds(t0.AddSeconds(20))}},"Values":[20,30],"Counts":[1,2],"Unit":"Milliseconds"},
              {"MetricName":"Latency","Dimensions":[{"Name":"Api","Value":"orders"}],"Timestamp":{{Seconds(t0.AddMinutes(1))}},"StatisticValues":{"SampleCount":4,"Sum":400,"Minimum":50,"Maximum":150},"Unit":"Milliseconds"},
              {"MetricName":"Latency","Dimensions":[{"Name":"Api","Value":"users"}],"Timestamp":{{Seconds(t0)}},"Value":999,"Unit":"Milliseconds"}]}
            """);
        _state.Time.Advance(TimeSpan.FromMinutes(3));

        var result = _state.Call("GetMetricStatistics", $$"""
            {"Namespace":"Shop","MetricName":"Latency","Dimensions":[{"Name":"Api","Value":"orders"}],"StartTime":{{Seconds(t0)}},"EndTime":{{Seconds(t0.AddMinutes(3))}},
             "Period":60,"Statistics":["Sum","SampleCount","Average","Minimum","Maximum"],"ExtendedStatistics":["p50"]}
            """);

        Assert.Equal("Latency", result["Label"]!.GetValue<string>());
        var points = result["Datapoints"]!.AsArray();
        Assert.Equal(2, points.Count);
        var first = points[0]!;
        Assert.Equal(Seconds(t0), first["Timestamp"]!.GetValue<long>());
        Assert.Equal(90, first["Sum"]!.GetValue<double>());
        Assert.Equal(4, first["SampleCount"]!.GetValue<double>());
        Assert.Equal(22.5, first["Average"]!.GetValue<double>());
        Assert.Equal(10, first["Minimum"]!.GetValue<double>());
        Assert.Equal(30, first["Maximum"]!.GetValue<double>());
        Assert.Equal(20, first["ExtendedStatistics"]!["p50"]!.GetValue<double>());
        Assert.Equal("Milliseconds", first["Unit"]!.GetValue<string>());
        Assert.Equal(400, points[1]!["Sum"]!.GetValue<double>());
        Assert.Null(points[1]!["ExtendedStatistics"]!["p50"]);
    }

    [Fact]
    public void GetMetricData_MetricStatQueries_ReturnTimestampsAndValuesNewestFirst()
    {
        var t0 = _state.Time.GetUtcNow();
        _state.Put(1);
        _state.Time.Advance(TimeSpan.FromMinutes(1));
        _state.Put(2);
        _state.Put(3);

        var result = _state.Call("GetMetricData", $$$"""
            {"StartTime":{{{Seconds(t0)}}},"EndTime":{{{Seconds(t0.AddMinutes(5))}}},"MetricDataQueries":[
              {"Id":"errors","MetricStat":{"Metric":{"Namespace":"App","MetricName":"Errors"},"Period":60,"Stat":"Sum"}},
              {"Id":"hidden","ReturnData":false,"MetricStat":{"Metric":{"Namespace":"App","MetricName":"Errors"},"Period":60,"Stat":"Sum"}},
              {"Id":"max","Label":"Peak","MetricStat":{"Metric":{"Namespace":"App","MetricName":"Errors"},"Period":300,"Stat":"Maximum"}}]}
            """)["MetricDataResults"]!.AsArray();

        Assert.Equal(2, result.Count);
        Assert.Equal("Errors", result[0]!["Label"]!.GetValue<string>());
        Assert.Equal([Seconds(t0) + 60, Seconds(t0)], result[0]!["Timestamps"]!.AsArray().Select(t => t!.GetValue<long>()));
        Assert.Equal([5.0, 1.0], result[0]!["Values"]!.AsArray().Select(v => v!.GetValue<double>()));
        Assert.Equal("Complete", result[0]!["StatusCode"]!.GetValue<string>());
        Assert.Equal("Peak", result[1]!["Label"]!.GetValue<string>());
        Assert.Equal([3.0], result[1]!["Values"]!.AsArray().Select(v => v!.GetValue<double>()));
    }

    [Fact]
    public void GetMetricData_Expression_IsAValidationError()
    {
        var error = _state.Fail("GetMetricData", """{"StartTime":0,"EndTime":60,"MetricDataQueries":[{"Id":"e1","Expression":"SUM(METRICS())"}]}""");

        Assert.Equal("com.amazonaws.cloudwatch#ValidationError", error.Code);
        Assert.Equal("ValidationError;Sender", error.Headers!["x-amzn-query-error"]);
        Assert.Contains("Expression", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ListMetrics_FiltersByNamespaceNameAndDimensions()
    {
        _state.Call("PutMetricData", """
            {"Namespace":"Shop","MetricData":[
              {"MetricName":"Orders","Value":1,"Dimensions":[{"Name":"Region","Value":"eu"},{"Name":"Api","Value":"v1"}]},
              {"MetricName":"Orders","Value":1,"Dimensions":[{"Name":"Region","Value":"us"}]},
              {"MetricName":"Refunds","Value":1}]}
            """);

        var all = _state.Call("ListMetrics", """{"Namespace":"Shop"}""")["Metrics"]!.AsArray();
        var eu = _state.Call("ListMetrics", """{"Namespace":"Shop","MetricName":"Orders","Dimensions":[{"Name":"Region","Value":"eu"}]}""")["Metrics"]!.AsArray();
        var withRegion = _state.Call("ListMetrics", """{"Dimensions":[{"Name":"Region"}]}""")["Metrics"]!.AsArray();

        Assert.Equal(3, all.Count);
        var single = Assert.Single(eu)!;
        Assert.Equal("""[{"Name":"Api","Value":"v1"},{"Name":"Region","Value":"eu"}]""", single["Dimensions"]!.ToJsonString());
        Assert.Equal(2, withRegion.Count);
    }

    [Theory]
    [InlineData("PutMetricData", """{"Namespace":"AWS/Lambda","MetricData":[{"MetricName":"x","Value":1}]}""", "InvalidParameterValueException", "InvalidParameterValue", 400)]
    [InlineData("PutMetricData", """{"Namespace":"App","MetricData":[{"MetricName":"x","Value":1,"StatisticValues":{"SampleCount":1,"Sum":1,"Minimum":1,"Maximum":1}}]}""", "InvalidParameterCombinationException", "InvalidParameterCombination", 400)]
    [InlineData("PutMetricData", """{"Namespace":"App","MetricData":[{"MetricName":"x","Values":[1,2],"Counts":[1]}]}""", "InvalidParameterValueException", "InvalidParameterValue", 400)]
    [InlineData("PutMetricData", """{"Namespace":"App","MetricData":[{"MetricName":"x","Value":1,"Unit":"Parsecs"}]}""", "InvalidParameterValueException", "InvalidParameterValue", 400)]
    [InlineData("PutMetricData", """{"MetricData":[]}""", "MissingRequiredParameterException", "MissingParameter", 400)]
    [InlineData("GetMetricStatistics", """{"Namespace":"App","MetricName":"x","StartTime":0,"EndTime":600,"Period":45,"Statistics":["Sum"]}""", "InvalidParameterValueException", "InvalidParameterValue", 400)]
    [InlineData("GetMetricStatistics", """{"Namespace":"App","MetricName":"x","StartTime":0,"EndTime":600,"Period":60}""", "InvalidParameterCombinationException", "InvalidParameterCombination", 400)]
    [InlineData("GetMetricStatistics", """{"Namespace":"App","MetricName":"x","StartTime":0,"EndTime":864000,"Period":60,"Statistics":["Sum"]}""", "InvalidParameterCombinationException", "InvalidParameterCombination", 400)]
    [InlineData("PutMetricAlarm", """{"AlarmName":"a","Namespace":"App","MetricName":"x","Statistic":"Sum","ExtendedStatistic":"p99","Period":60,"EvaluationPeriods":1,"Threshold":1,"ComparisonOperator":"GreaterThanThreshold"}""", "InvalidParameterCombinationException", "InvalidParameterCombination", 400)]
    [InlineData("PutMetricAlarm", """{"AlarmName":"a","Namespace":"App","MetricName":"x","Statistic":"Sum","Period":60,"EvaluationPeriods":2,"DatapointsToAlarm":3,"Threshold":1,"ComparisonOperator":"GreaterThanThreshold"}""", "InvalidParameterValueException", "InvalidParameterValue", 400)]
    [InlineData("PutMetricAlarm", """{"AlarmName":"a","Namespace":"App","MetricName":"x","Statistic":"Sum","Period":60,"EvaluationPeriods":1,"ComparisonOperator":"GreaterThanThreshold"}""", "MissingRequiredParameterException", "MissingParameter", 400)]
    [InlineData("SetAlarmState", """{"AlarmName":"nope","StateValue":"ALARM","StateReason":"x"}""", "ResourceNotFound", "ResourceNotFound", 404)]
    [InlineData("DeleteAlarms", """{"AlarmNames":["nope"]}""", "ResourceNotFound", "ResourceNotFound", 404)]
    [InlineData("ListTagsForResource", """{"ResourceARN":"arn:aws:cloudwatch:us-east-1:123456789012:alarm:nope"}""", "ResourceNotFoundException", "ResourceNotFoundException", 404)]
    [InlineData("DescribeAlarms", """{"NextToken":"garbage"}""", "InvalidNextToken", "InvalidNextToken", 400)]
    public void Operations_BadInput_AnswerCloudWatchErrors(string operation, string json, string shape, string queryCode, int status)
    {
        var error = _state.Fail(operation, json);

        Assert.Equal("com.amazonaws.cloudwatch#" + shape, error.Code);
        Assert.Equal($"{queryCode};Sender", error.Headers!["x-amzn-query-error"]);
        Assert.Equal(status, error.StatusCode);
    }

    [Fact]
    public async Task HandleAsync_WritesJson10WithTheRequestId()
    {
        var http = new DefaultHttpContext();
        http.Request.Body = new MemoryStream(Encoding.UTF8.GetBytes("""{"Namespace":"App","MetricData":[{"MetricName":"x","Value":1}]}"""));
        http.Response.Body = new MemoryStream();

        await _state.Api.HandleAsync(http, "PutMetricData", MetricsTestState.Caller);

        Assert.Equal("application/x-amz-json-1.0", http.Response.ContentType);
        Assert.Equal("req", http.Response.Headers["x-amzn-RequestId"].ToString());
        Assert.Equal("GraniteServiceVersion20100801", _state.Api.TargetPrefix);
    }

    [Fact]
    public void DescribeAlarms_ByNamePrefixStateAndPages()
    {
        foreach (var name in new[] { "api-errors", "api-latency", "db-cpu" })
        {
            _state.Call("PutMetricAlarm", $$"""{"AlarmName":"{{name}}","Namespace":"App","MetricName":"x","Statistic":"Sum","Period":60,"EvaluationPeriods":1,"Threshold":1,"ComparisonOperator":"GreaterThanThreshold","Tags":[{"Key":"team","Value":"a"}]}""");
        }

        _state.Call("SetAlarmState", """{"AlarmName":"api-latency","StateValue":"ALARM","StateReason":"x"}""");

        var prefix = _state.Call("DescribeAlarms", """{"AlarmNamePrefix":"api-"}""")["MetricAlarms"]!.AsArray();
        var inAlarm = _state.Call("DescribeAlarms", """{"StateValue":"ALARM"}""")["MetricAlarms"]!.AsArray();
        var page1 = _state.Call("DescribeAlarms", """{"MaxRecords":2}""");
        var page2 = _state.Call("DescribeAlarms", $$"""{"MaxRecords":2,"NextToken":"{{page1["NextToken"]}}"}""");
        var tags = _state.Call("ListTagsForResource", """{"ResourceARN":"arn:aws:cloudwatch:us-east-1:123456789012:alarm:db-cpu"}""");

        Assert.Equal(["api-errors", "api-latency"], prefix.Select(a => a!["AlarmName"]!.GetValue<string>()));
        var alarm = Assert.Single(inAlarm)!;
        Assert.Equal("api-latency", alarm["AlarmName"]!.GetValue<string>());
        Assert.Equal("arn:aws:cloudwatch:us-east-1:123456789012:alarm:api-latency", alarm["AlarmArn"]!.GetValue<string>());
        Assert.Equal("missing", alarm["TreatMissingData"]!.GetValue<string>());
        Assert.Equal(2, page1["MetricAlarms"]!.AsArray().Count);
        Assert.Equal("db-cpu", Assert.Single(page2["MetricAlarms"]!.AsArray())!["AlarmName"]!.GetValue<string>());
        Assert.Null(page2["NextToken"]);
        Assert.Equal("""[{"Key":"team","Value":"a"}]""", tags["Tags"]!.ToJsonString());
    }

    [Fact]
    public void PutMetricAlarm_Update_KeepsStateAndRecordsConfigurationUpdates()
    {
        const string Alarm = """{"AlarmName":"a","Namespace":"App","MetricName":"x","Statistic":"Sum","Period":60,"EvaluationPeriods":1,"Threshold":THRESHOLD,"ComparisonOperator":"GreaterThanThreshold"}""";
        _state.Call("PutMetricAlarm", Alarm.Replace("THRESHOLD", "1", StringComparison.Ordinal));
        _state.Call("SetAlarmState", """{"AlarmName":"a","StateValue":"ALARM","StateReason":"x"}""");

        _state.Call("PutMetricAlarm", Alarm.Replace("THRESHOLD", "7", StringComparison.Ordinal));
        _state.Call("DeleteAlarms", """{"AlarmNames":["a"]}""");

        var history = _state.Call("DescribeAlarmHistory", """{"AlarmName":"a","HistoryItemType":"ConfigurationUpdate","ScanBy":"TimestampAscending"}""")["AlarmHistoryItems"]!.AsArray();
        Assert.Equal(["Alarm \"a\" created", "Alarm \"a\" updated", "Alarm \"a\" deleted"], history.Select(h => h!["HistorySummary"]!.GetValue<string>()));
        Assert.Empty(_state.Call("DescribeAlarms", "{}")["MetricAlarms"]!.AsArray());
    }

    [Fact]
    public void PutMetricAlarm_UpdateOfExistingAlarm_KeepsItsState()
    {
        const string Alarm = """{"AlarmName":"a","Namespace":"App","MetricName":"x","Statistic":"Sum","Period":60,"EvaluationPeriods":1,"Threshold":THRESHOLD,"ComparisonOperator":"GreaterThanThreshold"}""";
        _state.Call("PutMetricAlarm", Alarm.Replace("THRESHOLD", "1", StringComparison.Ordinal));
        _state.Call("SetAlarmState", """{"AlarmName":"a","StateValue":"ALARM","StateReason":"x"}""");

        _state.Call("PutMetricAlarm", Alarm.Replace("THRESHOLD", "7", StringComparison.Ordinal));

        var alarm = _state.Call("DescribeAlarms", "{}")["MetricAlarms"]![0]!;
        Assert.Equal("ALARM", alarm["StateValue"]!.GetValue<string>());
        Assert.Equal(7, alarm["Threshold"]!.GetValue<double>());
    }

    [Fact]
    public void DescribeAlarmsForMetric_MatchesNamespaceNameAndDimensions()
    {
        _state.Call("PutMetricAlarm", """{"AlarmName":"fn-errors","Namespace":"AWS/Lambda","MetricName":"Errors","Dimensions":[{"Name":"FunctionName","Value":"fn"}],"Statistic":"Sum","Period":60,"EvaluationPeriods":1,"Threshold":0,"ComparisonOperator":"GreaterThanThreshold"}""");
        _state.Call("PutMetricAlarm", """{"AlarmName":"other","Namespace":"AWS/Lambda","MetricName":"Errors","Dimensions":[{"Name":"FunctionName","Value":"other"}],"Statistic":"Sum","Period":60,"EvaluationPeriods":1,"Threshold":0,"ComparisonOperator":"GreaterThanThreshold"}""");

        var found = _state.Call("DescribeAlarmsForMetric", """{"Namespace":"AWS/Lambda","MetricName":"Errors","Dimensions":[{"Name":"FunctionName","Value":"fn"}]}""")["MetricAlarms"]!.AsArray();

        Assert.Equal("fn-errors", Assert.Single(found)!["AlarmName"]!.GetValue<string>());
    }

    [Fact]
    public void Exceptions_AreAwsServiceExceptions() =>
        Assert.IsType<AwsServiceException>(Record.Exception(() => _state.Call("Nope", "{}")));
}
