using System.Text.Json.Nodes;
using Nimbus.Core.Provisioning;
using Nimbus.Logs.Metrics.Provisioning;

namespace Nimbus.Logs.Tests.Metrics;

public sealed class AlarmProvisionerTests : IDisposable
{
    private readonly MetricsTestState _state = new();

    public void Dispose() => _state.Dispose();

    private static ProvisioningRequest Request(string properties) =>
        new("ErrorsAlarm", "AWS::CloudWatch::Alarm", JsonNode.Parse(properties)!.AsObject(), MetricsTestState.Caller, "my-stack", "stack-id");

    private const string Properties = """
        {"Namespace":"AWS/Lambda","MetricName":"Errors","Dimensions":[{"Name":"FunctionName","Value":"fn"}],"Statistic":"Sum",
         "Period":"60","EvaluationPeriods":"1","Threshold":"0","ComparisonOperator":"GreaterThanThreshold","TreatMissingData":"notBreaching"}
        """;

    [Fact]
    public async Task CreateUpdateDelete_WithoutAlarmName_GeneratesANameAndManagesTheAlarm()
    {
        var provisioner = new AlarmProvisioner(_state.Service);

        var created = await provisioner.CreateAsync(Request(Properties), CancellationToken.None);

        Assert.Matches("^my-stack-ErrorsAlarm-[A-Z0-9]{12}$", created.PhysicalId);
        Assert.Equal($"arn:aws:cloudwatch:us-east-1:123456789012:alarm:{created.PhysicalId}", created.Attributes["Arn"]!.GetValue<string>());
        Assert.Equal("notBreaching", _state.Alarm(created.PhysicalId).Definition.TreatMissingData);

        await provisioner.UpdateAsync(Request(Properties.Replace("\"Threshold\":\"0\"", "\"Threshold\":\"3\"", StringComparison.Ordinal)) with { PhysicalId = created.PhysicalId }, CancellationToken.None);
        Assert.Equal(3, _state.Alarm(created.PhysicalId).Definition.Threshold);

        await provisioner.DeleteAsync(Request(Properties) with { PhysicalId = created.PhysicalId }, CancellationToken.None);
        Assert.Null(_state.Alarms.Get("123456789012", "us-east-1", created.PhysicalId));
        await provisioner.DeleteAsync(Request(Properties) with { PhysicalId = created.PhysicalId }, CancellationToken.None);
    }

    [Fact]
    public async Task Create_InvalidProperties_FailsWithTheCloudWatchError()
    {
        var provisioner = new AlarmProvisioner(_state.Service);

        var e = await Assert.ThrowsAsync<ProvisioningException>(() => provisioner.CreateAsync(Request("""{"AlarmName":"x","Namespace":"N","MetricName":"M","Statistic":"Sum","Period":60,"EvaluationPeriods":1,"Threshold":1,"ComparisonOperator":"Sideways"}"""), CancellationToken.None));

        Assert.StartsWith("InvalidParameterValueException: The value Sideways for parameter ComparisonOperator is invalid", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Create_MetricMathAlarm_IsStoredButNeverEvaluated()
    {
        var provisioner = new AlarmProvisioner(_state.Service);

        var created = await provisioner.CreateAsync(Request("""
            {"AlarmName":"math","EvaluationPeriods":1,"Threshold":1,"ComparisonOperator":"GreaterThanThreshold",
             "Metrics":[{"Id":"e1","Expression":"m1 * 2"},{"Id":"m1","MetricStat":{"Metric":{"Namespace":"N","MetricName":"M"},"Period":60,"Stat":"Sum"},"ReturnData":false}]}
            """), CancellationToken.None);

        Assert.Equal("math", created.PhysicalId);
        Assert.Equal("arn:aws:cloudwatch:us-east-1:123456789012:alarm:math", created.Attributes["Arn"]!.GetValue<string>());
        _state.Put(100, "M");
        _state.Evaluate();
        var described = _state.Call("DescribeAlarms", """{"AlarmNames":["math"]}""")["MetricAlarms"]![0]!;
        Assert.Equal("INSUFFICIENT_DATA", described["StateValue"]!.GetValue<string>());
        Assert.Equal("m1 * 2", described["Metrics"]![0]!["Expression"]!.GetValue<string>());
        _state.Call("SetAlarmState", """{"AlarmName":"math","StateValue":"ALARM","StateReason":"drill"}""");
        Assert.Equal("ALARM", _state.Alarm("math").State);
        await provisioner.DeleteAsync(Request("{}") with { PhysicalId = "math" }, CancellationToken.None);
        Assert.Null(_state.Alarms.Get("123456789012", "us-east-1", "math"));
    }
}
