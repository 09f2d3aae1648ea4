using System.Text.Json.Nodes;

namespace Nimbus.Templates.Sam;

/// <summary>
/// SAM policy templates (<c>- DynamoDBCrudPolicy: {TableName: !Ref T}</c>): each expands into an inline policy whose
/// statements scope the permissions to the named resource, as the AWS SAM developer guide's policy template list documents.
/// </summary>
/// <remarks>
/// Nimbus does not enforce IAM, but the generated role must be what SAM generates so templates translate (and stacks
/// deploy) unchanged. The definitions are data (PolicyTemplates.json, embedded): SAM's policy_templates.json as the
/// translator's kitchen-sink test expands it. A documented template missing from that file fails the transform with a
/// message naming it, and an unknown name gives SAM's "Policy at index N … is not valid". Parameters are substituted
/// where a definition says <c>{"Ref": "ParameterName"}</c>; extra parameters are ignored.
/// </remarks>
internal static class PolicyTemplates
{
    /// <summary>Every policy template name SAM documents (the ones not in <see cref="Definitions"/> are not defined yet).</summary>
    private static readonly HashSet<string> KnownNames = new(StringComparer.Ordinal)
    {
        "AcmGetCertificatePolicy", "AMIDescribePolicy", "AthenaQueryPolicy", "AWSSecretsManagerGetSecretValuePolicy",
        "AWSSecretsManagerRotationPolicy", "CloudFormationDescribeStacksPolicy", "CloudWatchDashboardPolicy",
        "CloudWatchDescribeAlarmHistoryPolicy", "CloudWatchPutMetricPolicy", "CodePipelineLambdaExecutionPolicy",
        "CodePipelineReadOnlyPolicy", "CodeCommitCrudPolicy", "CodeCommitReadPolicy", "ComprehendBasicAccessPolicy",
        "CostExplorerReadOnlyPolicy", "DynamoDBBackupFullAccessPolicy", "DynamoDBCrudPolicy", "DynamoDBReadPolicy",
        "DynamoDBReconfigurePolicy", "DynamoDBRestoreFromBackupPolicy", "DynamoDBStreamReadPolicy", "DynamoDBWritePolicy",
        "EC2CopyImagePolicy", "EC2DescribePolicy", "EcsRunTaskPolicy", "EFSWriteAccessPolicy", "EKSDescribePolicy",
        "ElasticMapReduceAddJobFlowStepsPolicy", "ElasticMapReduceCancelStepsPolicy", "ElasticMapReduceModifyInstanceFleetPolicy",
        "ElasticMapReduceModifyInstanceGroupsPolicy", "ElasticMapReduceSetTerminationProtectionPolicy",
        "ElasticMapReduceTerminateJobFlowsPolicy", "ElasticsearchHttpPostPolicy", "EventBridgePutEventsPolicy",
        "FilterLogEventsPolicy", "FirehoseCrudPolicy", "FirehoseWritePolicy", "KinesisCrudPolicy", "KinesisStreamReadPolicy",
        "KMSDecryptPolicy", "KMSEncryptPolicy", "LambdaInvokePolicy", "MobileAnalyticsWriteOnlyAccessPolicy",
        "OrganizationsListAccountsPolicy", "PinpointEndpointAccessPolicy", "PollyFullAccessPolicy", "RekognitionDetectOnlyPolicy",
        "RekognitionFacesManagementPolicy", "RekognitionFacesPolicy", "RekognitionLabelsPolicy", "RekognitionNoDataAccessPolicy",
        "RekognitionReadPolicy", "RekognitionWriteOnlyAccessPolicy", "Route53ChangeResourceRecordSetsPolicy", "S3CrudPolicy",
        "S3FullAccessPolicy", "S3ReadPolicy", "S3WritePolicy", "SageMakerCreateEndpointConfigPolicy", "SageMakerCreateEndpointPolicy",
        "ServerlessRepoReadWriteAccessPolicy", "SESBulkTemplatedCrudPolicy", "SESBulkTemplatedCrudPolicy_v2", "SESCrudPolicy",
        "SESEmailTemplateCrudPolicy", "SESSendBouncePolicy", "SNSCrudPolicy", "SNSPublishMessagePolicy", "SQSPollerPolicy",
        "SQSSendMessagePolicy", "SSMParameterReadPolicy", "SSMParameterWithSlashPrefixReadPolicy", "StepFunctionsExecutionPolicy",
        "TextractDetectAnalyzePolicy", "TextractGetResultPolicy", "TextractPolicy", "VPCAccessPolicy", "DynamoDBSchemaVersionPolicy",
        "AWSSecretsManagerCreateSecretPolicy", "StepFunctionsCallbackPolicy",
    };

    private sealed record Template(string[] Parameters, JsonObject Definition);

    /// <summary>The templates' definitions, from the embedded PolicyTemplates.json (SAM's policy_templates.json).</summary>
    private static readonly Dictionary<string, Template> Definitions = Load();

    private static Dictionary<string, Template> Load()
    {
        using var stream = typeof(PolicyTemplates).Assembly.GetManifestResourceStream("Nimbus.Templates.Sam.PolicyTemplates.json")
            ?? throw new InvalidOperationException("The embedded SAM policy templates are missing.");
        var root = JsonNode.Parse(stream)!.AsObject();
        var templates = new Dictionary<string, Template>(StringComparer.Ordinal);
        foreach (var (name, node) in root["Templates"]!.AsObject())
        {
            var t = node!.AsObject();
            templates[name] = new Template(
                t["Parameters"]!.AsArray().Select(x => x!.GetValue<string>()).ToArray(),
                t["Definition"]!.AsObject());
        }
        return templates;
    }

    /// <summary>Whether <paramref name="name"/> is a SAM policy template (defined here or not).</summary>
    public static bool IsTemplate(string name) => Definitions.ContainsKey(name) || KnownNames.Contains(name);

    /// <summary>
    /// Expands <paramref name="entry"/> (a one-key map) when it names a policy template; null when it is not a template.
    /// Throws SAM's errors for unknown templates, missing or invalid parameters.
    /// </summary>
    public static JsonObject? Expand(string resourceId, JsonObject entry, int index)
    {
        var (name, parameters) = entry.First();
        if (!Definitions.TryGetValue(name, out var template))
        {
            if (KnownNames.Contains(name))
            {
                throw new InvalidResourceException(resourceId, $"Policy template '{name}' is not supported by this transform yet.");
            }

            throw new InvalidResourceException(resourceId, $"Policy at index {index} in the 'Policies' property is not valid");
        }

        if (parameters is not JsonObject values)
        {
            throw new InvalidResourceException(resourceId, $"Must specify valid parameter values for policy template '{name}'");
        }

        var missing = template.Parameters.Where(p => !values.ContainsKey(p)).ToList();
        if (missing.Count > 0)
        {
            throw new InvalidResourceException(resourceId, $"Following required parameters of template '{name}' don't have values: [{string.Join(", ", missing.Select(m => "'" + m + "'"))}]");
        }

        var document = template.Definition.DeepClone().AsObject();
        Substitute(document, values);
        return document;
    }

    private static void Substitute(JsonNode? node, JsonObject values)
    {
        switch (node)
        {
            case JsonObject o:
                foreach (var (key, value) in o.ToList())
                {
                    if (value is JsonObject r && r.Count == 1 && Json.Str(r["Ref"]) is { } name && values.ContainsKey(name))
                    {
                        o[key] = values[name]?.DeepClone();
                    }
                    else
                    {
                        Substitute(value, values);
                    }
                }

                break;
            case JsonArray a:
                for (var i = 0; i < a.Count; i++)
                {
                    if (a[i] is JsonObject r && r.Count == 1 && Json.Str(r["Ref"]) is { } name && values.ContainsKey(name))
                    {
                        a[i] = values[name]?.DeepClone();
                    }
                    else
                    {
                        Substitute(a[i], values);
                    }
                }

                break;
        }
    }
}
