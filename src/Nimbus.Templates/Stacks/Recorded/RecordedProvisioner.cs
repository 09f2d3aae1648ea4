using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Nimbus.Core.Provisioning;

namespace Nimbus.Templates.Stacks.Recorded;

/// <summary>A resource type that only matters in AWS (IAM, log groups, alarms, CodeDeploy…): recorded with a physical id and attributes, nothing run.</summary>
/// <remarks>Nimbus does not enforce IAM or run alarms; the record keeps <c>Ref</c> and <c>Fn::GetAtt</c> (a role's <c>Arn</c>) resolvable
/// with the shapes AWS returns, so the rest of the template deploys unchanged.</remarks>
internal sealed class RecordedProvisioner(string type, string? nameProperty, int maxLength, Func<ProvisioningRequest, string, (string Ref, Dictionary<string, JsonNode?> Attributes)> describe) : IResourceProvisioner
{
    public string ResourceType => type;

    public bool RequiresReplacement(string property) => property == nameProperty;

    public Task<ProvisionedResource> CreateAsync(ProvisioningRequest request, CancellationToken cancellationToken)
    {
        var name = nameProperty is null ? PhysicalNames.Generate(request.StackName, request.LogicalId, maxLength) : request.NameOr(nameProperty, maxLength);
        var (id, attributes) = describe(request, name);
        return Task.FromResult(new ProvisionedResource(id, attributes));
    }

    public Task<ProvisionedResource> UpdateAsync(ProvisioningRequest request, CancellationToken cancellationToken)
    {
        var attributes = new Dictionary<string, JsonNode?>(request.PreviousAttributes.Select(a => KeyValuePair.Create(a.Key, a.Value?.DeepClone())));
        return Task.FromResult(new ProvisionedResource(request.PhysicalId!, attributes));
    }

    public Task DeleteAsync(ProvisioningRequest request, CancellationToken cancellationToken) => Task.CompletedTask;

    public static string RandomId(string prefix, int length = 17) => prefix + RandomNumberGenerator.GetString("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567", length);

    /// <summary>The AWS-only types Nimbus records, with AWS's Ref and GetAtt shapes.</summary>
    public static IEnumerable<IResourceProvisioner> All()
    {
        static string Path(ProvisioningRequest r) => r.String("Path") ?? "/";
        static Dictionary<string, JsonNode?> A(params (string, string)[] pairs) => pairs.ToDictionary(p => p.Item1, p => (JsonNode?)JsonValue.Create(p.Item2));

        yield return new RecordedProvisioner("AWS::IAM::Role", "RoleName", 64, (r, name) =>
            (name, A(("Arn", $"arn:aws:iam::{r.Caller.AccountId}:role{Path(r)}{name}"), ("RoleId", RandomId("AROA")))));
        yield return new RecordedProvisioner("AWS::IAM::Policy", null, 128, (r, name) => (name, A(("Id", name))));
        yield return new RecordedProvisioner("AWS::IAM::RolePolicy", null, 128, (r, name) => (name, A()));
        yield return new RecordedProvisioner("AWS::IAM::ManagedPolicy", "ManagedPolicyName", 128, (r, name) =>
        {
            var arn = $"arn:aws:iam::{r.Caller.AccountId}:policy{Path(r)}{name}";
            return (arn, A(("PolicyArn", arn), ("PolicyId", RandomId("ANPA")), ("DefaultVersionId", "v1"), ("AttachmentCount", "0"), ("IsAttachable", "true")));
        });
        yield return new RecordedProvisioner("AWS::IAM::InstanceProfile", "InstanceProfileName", 128, (r, name) =>
            (name, A(("Arn", $"arn:aws:iam::{r.Caller.AccountId}:instance-profile{Path(r)}{name}"))));
        yield return new RecordedProvisioner("AWS::IAM::User", "UserName", 64, (r, name) =>
            (name, A(("Arn", $"arn:aws:iam::{r.Caller.AccountId}:user{Path(r)}{name}"))));
        yield return new RecordedProvisioner("AWS::IAM::Group", "GroupName", 128, (r, name) =>
            (name, A(("Arn", $"arn:aws:iam::{r.Caller.AccountId}:group{Path(r)}{name}"))));
        yield return new RecordedProvisioner("AWS::IAM::ServiceLinkedRole", null, 64, (r, name) => (name, A()));
        yield return new RecordedProvisioner("AWS::Logs::LogGroup", "LogGroupName", 512, (r, name) =>
            (name, A(("Arn", $"arn:aws:logs:{r.Caller.Region}:{r.Caller.AccountId}:log-group:{name}:*"))));
        yield return new RecordedProvisioner("AWS::Logs::SubscriptionFilter", "FilterName", 512, (r, name) => (name, A()));
        yield return new RecordedProvisioner("AWS::Logs::MetricFilter", "FilterName", 512, (r, name) => (name, A()));
        yield return new RecordedProvisioner("AWS::CloudWatch::Alarm", "AlarmName", 255, (r, name) =>
            (name, A(("Arn", $"arn:aws:cloudwatch:{r.Caller.Region}:{r.Caller.AccountId}:alarm:{name}"))));
        yield return new RecordedProvisioner("AWS::CloudWatch::Dashboard", "DashboardName", 255, (r, name) => (name, A()));
        yield return new RecordedProvisioner("AWS::CodeDeploy::Application", "ApplicationName", 100, (r, name) =>
            (name, A(("ApplicationId", Guid.NewGuid().ToString()))));
        yield return new RecordedProvisioner("AWS::CodeDeploy::DeploymentGroup", "DeploymentGroupName", 100, (r, name) => (name, A()));
        yield return new RecordedProvisioner("AWS::CodeDeploy::DeploymentConfig", "DeploymentConfigName", 100, (r, name) => (name, A()));
        yield return new RecordedProvisioner("AWS::CloudFormation::WaitConditionHandle", null, 128, (r, name) =>
            ($"https://cloudformation-waitcondition-{r.Caller.Region}.s3.amazonaws.com/{Uri.EscapeDataString(r.StackId)}/{name}", A()));
        yield return new RecordedProvisioner("AWS::CDK::Metadata", null, 128, (r, name) => (Guid.NewGuid().ToString(), A()));
        yield return new RecordedProvisioner("AWS::ApiGateway::Account", null, 128, (r, name) => (name, A()));
        yield return new RecordedProvisioner("AWS::XRay::Group", "GroupName", 32, (r, name) =>
            ($"arn:aws:xray:{r.Caller.Region}:{r.Caller.AccountId}:group/{name}/{RandomId("", 24)}", A()));
    }
}
