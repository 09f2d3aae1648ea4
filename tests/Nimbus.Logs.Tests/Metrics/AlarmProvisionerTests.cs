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
}
