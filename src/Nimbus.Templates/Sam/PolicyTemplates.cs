using System.Text.Json.Nodes;

namespace Nimbus.Templates.Sam;

/// <summary>
/// SAM policy templates (<c>- DynamoDBCrudPolicy: {TableName: !Ref T}</c>): each expands into an inline policy whose
/// statements scope the permissions to the named resource, as the AWS SAM developer guide's policy template list documents.
/// </summary>
/// <remarks>
/// Nimbus does not enforce IAM, but the generated role must be what SAM generates so templates translate (and stacks
/// deploy) unchanged. The commonly used templates are defined here; a known SAM template that is not defined yet fails
/// the transform with a message naming it, and an unknown name gives SAM's "Policy at index N … is not valid".
/// Parameters are substituted where a definition says <c>{"Ref": "ParameterName"}</c>; extra parameters are ignored.
/// </remarks>
internal static class PolicyTemplates
{
    private const string Account = "arn:${AWS::Partition}:";

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

    private sealed record Template(string[] Parameters, Func<JsonArray> Statements);

    private static readonly Dictionary<string, Template> Definitions = new(StringComparer.Ordinal)
    {
        ["SQSPollerPolicy"] = new(["QueueName"], () => Statements(
            Allow(["sqs:ChangeMessageVisibility", "sqs:ChangeMessageVisibilityBatch", "sqs:DeleteMessage", "sqs:DeleteMessageBatch", "sqs:GetQueueAttributes", "sqs:ReceiveMessage"],
                Sub(Account + "sqs:${AWS::Region}:${AWS::AccountId}:${queueName}", "queueName", "QueueName")))),
        ["SQSSendMessagePolicy"] = new(["QueueName"], () => Statements(
            Allow(["sqs:SendMessage*"], Sub(Account + "sqs:${AWS::Region}:${AWS::AccountId}:${queueName}", "queueName", "QueueName")))),
        ["LambdaInvokePolicy"] = new(["FunctionName"], () => Statements(
            Allow(["lambda:InvokeFunction"], Sub(Account + "lambda:${AWS::Region}:${AWS::AccountId}:function:${functionName}*", "functionName", "FunctionName")))),
        ["DynamoDBCrudPolicy"] = new(["TableName"], () => Statements(
            Allow(["dynamodb:GetItem", "dynamodb:DeleteItem", "dynamodb:PutItem", "dynamodb:Scan", "dynamodb:Query", "dynamodb:UpdateItem", "dynamodb:BatchWriteItem", "dynamodb:BatchGetItem", "dynamodb:DescribeTable", "dynamodb:ConditionCheckItem"],
                TableAndIndexes()))),
        ["DynamoDBReadPolicy"] = new(["TableName"], () => Statements(
            Allow(["dynamodb:GetItem", "dynamodb:Scan", "dynamodb:Query", "dynamodb:BatchGetItem", "dynamodb:DescribeTable"], TableAndIndexes()))),
        ["DynamoDBWritePolicy"] = new(["TableName"], () => Statements(
            Allow(["dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:BatchWriteItem"], TableAndIndexes()))),
        ["DynamoDBStreamReadPolicy"] = new(["TableName", "StreamName"], () => Statements(
            Allow(["dynamodb:DescribeStream", "dynamodb:GetRecords", "dynamodb:GetShardIterator"],
                Sub2(Account + "dynamodb:${AWS::Region}:${AWS::AccountId}:table/${tableName}/stream/${streamName}", ("tableName", "TableName"), ("streamName", "StreamName"))),
            Allow(["dynamodb:ListStreams"], Sub(Account + "dynamodb:${AWS::Region}:${AWS::AccountId}:table/${tableName}/stream/*", "tableName", "TableName")))),
        ["S3ReadPolicy"] = new(["BucketName"], () => Statements(
            Allow(["s3:GetObject", "s3:ListBucket", "s3:GetBucketLocation", "s3:GetObjectVersion", "s3:GetLifecycleConfiguration"], BucketAndObjects()))),
        ["S3WritePolicy"] = new(["BucketName"], () => Statements(
            Allow(["s3:PutObject", "s3:PutObjectAcl", "s3:PutLifecycleConfiguration"], BucketAndObjects()))),
        ["S3CrudPolicy"] = new(["BucketName"], () => Statements(
            Allow(["s3:GetObject", "s3:ListBucket", "s3:GetBucketLocation", "s3:GetObjectVersion", "s3:PutObject", "s3:PutObjectAcl", "s3:GetLifecycleConfiguration", "s3:PutLifecycleConfiguration", "s3:DeleteObject"], BucketAndObjects()))),
        ["S3FullAccessPolicy"] = new(["BucketName"], () => Statements(
            Allow(["s3:GetObject", "s3:GetObjectAcl", "s3:GetObjectVersion", "s3:PutObject", "s3:PutObjectAcl", "s3:DeleteObject", "s3:DeleteObjectTagging", "s3:DeleteObjectVersionTagging", "s3:GetObjectTagging", "s3:GetObjectVersionTagging", "s3:PutObjectTagging", "s3:PutObjectVersionTagging"],
                Sub(Account + "s3:::${bucketName}/*", "bucketName", "BucketName")),
            Allow(["s3:ListBucket", "s3:GetBucketLocation", "s3:GetLifecycleConfiguration", "s3:PutLifecycleConfiguration"],
                Sub(Account + "s3:::${bucketName}", "bucketName", "BucketName")))),
        ["SNSPublishMessagePolicy"] = new(["TopicName"], () => Statements(
            Allow(["sns:Publish"], Sub(Account + "sns:${AWS::Region}:${AWS::AccountId}:${topicName}", "topicName", "TopicName")))),
        ["SNSCrudPolicy"] = new(["TopicName"], () => Statements(
            Allow(["sns:ListSubscriptionsByTopic", "sns:CreateTopic", "sns:SetTopicAttributes", "sns:Subscribe", "sns:Publish"],
                Sub(Account + "sns:${AWS::Region}:${AWS::AccountId}:${topicName}*", "topicName", "TopicName")))),
        ["StepFunctionsExecutionPolicy"] = new(["StateMachineName"], () => Statements(
            Allow(["states:StartExecution"], Sub(Account + "states:${AWS::Region}:${AWS::AccountId}:stateMachine:${stateMachineName}", "stateMachineName", "StateMachineName")))),
        ["EventBridgePutEventsPolicy"] = new(["EventBusName"], () => Statements(
            AllowOne("events:PutEvents", Sub(Account + "events:${AWS::Region}:${AWS::AccountId}:event-bus/${eventBusName}", "eventBusName", "EventBusName")))),
        ["CloudWatchPutMetricPolicy"] = new([], () => Statements(Allow(["cloudwatch:PutMetricData"], "*"))),
        ["CloudFormationDescribeStacksPolicy"] = new([], () => Statements(
            Allow(["cloudformation:DescribeStacks"], new JsonObject { ["Fn::Sub"] = Account + "cloudformation:${AWS::Region}:${AWS::AccountId}:stack/*" }))),
        ["SSMParameterReadPolicy"] = new(["ParameterName"], () => Statements(
            Allow(["ssm:DescribeParameters"], "*"),
            Allow(["ssm:GetParameters", "ssm:GetParameter", "ssm:GetParametersByPath"],
                Sub(Account + "ssm:${AWS::Region}:${AWS::AccountId}:parameter/${parameterName}", "parameterName", "ParameterName")))),
        ["AWSSecretsManagerGetSecretValuePolicy"] = new(["SecretArn"], () => Statements(
            Allow(["secretsmanager:GetSecretValue"], Sub("${secretArn}", "secretArn", "SecretArn")))),
        ["KMSDecryptPolicy"] = new(["KeyId"], () => Statements(
            Allow(["kms:Decrypt"], Sub(Account + "kms:${AWS::Region}:${AWS::AccountId}:key/${keyId}", "keyId", "KeyId")))),
        ["KMSEncryptPolicy"] = new(["KeyId"], () => Statements(
            Allow(["kms:Encrypt"], Sub(Account + "kms:${AWS::Region}:${AWS::AccountId}:key/${keyId}", "keyId", "KeyId")))),
        ["VPCAccessPolicy"] = new([], () => Statements(
            Allow(["ec2:CreateNetworkInterface", "ec2:DeleteNetworkInterface", "ec2:DescribeNetworkInterfaces", "ec2:DetachNetworkInterface"], "*"))),
        ["AMIDescribePolicy"] = new([], () => Statements(Allow(["ec2:DescribeImages"], "*"))),
        ["CloudWatchDescribeAlarmHistoryPolicy"] = new([], () => Statements(Allow(["cloudwatch:DescribeAlarmHistory"], "*"))),
        ["FilterLogEventsPolicy"] = new(["LogGroupName"], () => Statements(
            Allow(["logs:FilterLogEvents"], Sub(Account + "logs:${AWS::Region}:${AWS::AccountId}:log-group:${logGroupName}:log-stream:*", "logGroupName", "LogGroupName")))),
    };

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

        var statements = template.Statements();
        Substitute(statements, values);
        return new JsonObject { ["Statement"] = statements };
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

    private static JsonArray Statements(params JsonObject[] statements) => new(statements.Select(s => (JsonNode?)s).ToArray());

    private static JsonObject Allow(string[] actions, JsonNode resource) => new()
    {
        ["Effect"] = "Allow",
        ["Action"] = new JsonArray(actions.Select(a => (JsonNode?)a).ToArray()),
        ["Resource"] = resource,
    };

    /// <summary>A statement whose Action is a single string (as SAM's template for it has it), not a list.</summary>
    private static JsonObject AllowOne(string action, JsonNode resource) => new()
    {
        ["Action"] = action,
        ["Effect"] = "Allow",
        ["Resource"] = resource,
    };

    private static JsonObject Sub(string text, string variable, string parameter) => Sub2(text, (variable, parameter));

    private static JsonObject Sub2(string text, params (string Variable, string Parameter)[] variables)
    {
        var map = new JsonObject();
        foreach (var (variable, parameter) in variables)
        {
            map[variable] = new JsonObject { ["Ref"] = parameter };
        }

        return new JsonObject { ["Fn::Sub"] = new JsonArray(text, map) };
    }

    private static JsonArray TableAndIndexes() => new(
        Sub(Account + "dynamodb:${AWS::Region}:${AWS::AccountId}:table/${tableName}", "tableName", "TableName"),
        Sub(Account + "dynamodb:${AWS::Region}:${AWS::AccountId}:table/${tableName}/index/*", "tableName", "TableName"));

    private static JsonArray BucketAndObjects() => new(
        Sub(Account + "s3:::${bucketName}", "bucketName", "BucketName"),
        Sub(Account + "s3:::${bucketName}/*", "bucketName", "BucketName"));
}
