using System.Text.Json.Nodes;
using Nimbus.Core.Errors;
using Nimbus.Core.Provisioning;
using Nimbus.Logs.Metrics.Alarms;

namespace Nimbus.Logs.Metrics.Provisioning;

/// <summary>Provisions <c>AWS::CloudWatch::Alarm</c> through the alarm service: Ref is the alarm name, GetAtt Arn its ARN.</summary>
/// <remarks>The properties are PutMetricAlarm's members. Without AlarmName, CloudFormation generates one
/// (<c>{stack}-{logicalId}-{RANDOM}</c>); changing AlarmName replaces the alarm. Metric-math and anomaly-detection alarms
/// (<c>Metrics</c>, <c>ThresholdMetricId</c>), which Nimbus does not evaluate, are stored as given and stay INSUFFICIENT_DATA,
/// so templates that have them still deploy (and a deployment group listing one is not stopped by it).</remarks>
internal sealed class AlarmProvisioner(AlarmService alarms) : IResourceProvisioner
{
    public string ResourceType => "AWS::CloudWatch::Alarm";

    public bool RequiresReplacement(string property) => property == "AlarmName";

    public Task<ProvisionedResource> CreateAsync(ProvisioningRequest request, CancellationToken cancellationToken) =>
        Task.FromResult(Put(request, request.NameOr("AlarmName", 255)));

    public Task<ProvisionedResource> UpdateAsync(ProvisioningRequest request, CancellationToken cancellationToken) =>
        Task.FromResult(Put(request, request.PhysicalId!));

    public Task DeleteAsync(ProvisioningRequest request, CancellationToken cancellationToken)
    {
        if (request.PhysicalId is { } name)
        {
            alarms.Delete(request.Caller.AccountId, request.Caller.Region, [name], ignoreMissing: true);
        }

        return Task.CompletedTask;
    }

    private ProvisionedResource Put(ProvisioningRequest request, string name)
    {
        var input = request.Properties.DeepClone().AsObject();
        input["AlarmName"] = name;
        try
        {
            if (IsMetricMath(input))
            {
                alarms.PutUnevaluated(request.Caller.AccountId, request.Caller.Region, input);
            }
            else
            {
                alarms.Put(request.Caller.AccountId, request.Caller.Region, input);
            }
        }
        catch (AwsServiceException e)
        {
            throw new ProvisioningException($"{e.Error.Code[(e.Error.Code.IndexOf('#', StringComparison.Ordinal) + 1)..]}: {e.Message}");
        }

        return Resource(request, name);
    }

    private static bool IsMetricMath(JsonObject properties) => properties["Metrics"] is JsonArray { Count: > 0 } || properties["ThresholdMetricId"] is not null;

    private static ProvisionedResource Resource(ProvisioningRequest request, string name)
    {
        return new ProvisionedResource(name, new Dictionary<string, JsonNode?>
        {
            ["Arn"] = MetricAlarm.ArnFor(request.Caller.AccountId, request.Caller.Region, name),
        });
    }
}
