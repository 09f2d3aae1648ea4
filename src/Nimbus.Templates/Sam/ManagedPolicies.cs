using System.Text.Json.Nodes;

namespace Nimbus.Templates.Sam;

/// <summary>Managed policy names the transform turns into ARNs (the caller's map first, then well-known AWS managed policies).</summary>
internal static class ManagedPolicies
{
    private static readonly Dictionary<string, string> WellKnown = new(StringComparer.Ordinal)
    {
        ["AmazonS3FullAccess"] = "AmazonS3FullAccess",
        ["AmazonS3ReadOnlyAccess"] = "AmazonS3ReadOnlyAccess",
        ["AmazonSQSFullAccess"] = "AmazonSQSFullAccess",
        ["AmazonSQSReadOnlyAccess"] = "AmazonSQSReadOnlyAccess",
        ["AmazonSNSFullAccess"] = "AmazonSNSFullAccess",
        ["AmazonSNSReadOnlyAccess"] = "AmazonSNSReadOnlyAccess",
        ["AmazonDynamoDBFullAccess"] = "AmazonDynamoDBFullAccess",
        ["AmazonDynamoDBReadOnlyAccess"] = "AmazonDynamoDBReadOnlyAccess",
        ["AmazonKinesisFullAccess"] = "AmazonKinesisFullAccess",
        ["AmazonKinesisReadOnlyAccess"] = "AmazonKinesisReadOnlyAccess",
        ["AWSLambdaExecute"] = "AWSLambdaExecute",
        ["AWSLambda_FullAccess"] = "AWSLambda_FullAccess",
        ["AWSLambdaRole"] = "service-role/AWSLambdaRole",
        ["AWSLambdaBasicExecutionRole"] = "service-role/AWSLambdaBasicExecutionRole",
        ["AWSLambdaVPCAccessExecutionRole"] = "service-role/AWSLambdaVPCAccessExecutionRole",
        ["AWSLambdaSQSQueueExecutionRole"] = "service-role/AWSLambdaSQSQueueExecutionRole",
        ["AWSLambdaKinesisExecutionRole"] = "service-role/AWSLambdaKinesisExecutionRole",
        ["AWSLambdaDynamoDBExecutionRole"] = "service-role/AWSLambdaDynamoDBExecutionRole",
        ["AWSXrayWriteOnlyAccess"] = "AWSXrayWriteOnlyAccess",
        ["AWSXRayDaemonWriteAccess"] = "AWSXRayDaemonWriteAccess",
        ["CloudWatchLogsFullAccess"] = "CloudWatchLogsFullAccess",
        ["CloudWatchFullAccess"] = "CloudWatchFullAccess",
        ["AWSStepFunctionsFullAccess"] = "AWSStepFunctionsFullAccess",
        ["AmazonEventBridgeFullAccess"] = "AmazonEventBridgeFullAccess",
        ["AmazonAPIGatewayPushToCloudWatchLogs"] = "service-role/AmazonAPIGatewayPushToCloudWatchLogs",
        ["AmazonAPIGatewayInvokeFullAccess"] = "AmazonAPIGatewayInvokeFullAccess",
        ["SecretsManagerReadWrite"] = "SecretsManagerReadWrite",
        ["AWSKeyManagementServicePowerUser"] = "AWSKeyManagementServicePowerUser",
        ["ReadOnlyAccess"] = "ReadOnlyAccess",
        ["AdministratorAccess"] = "AdministratorAccess",
        ["PowerUserAccess"] = "PowerUserAccess",
    };

    public static JsonNode? Resolve(string name, TranslationContext context) =>
        context.ManagedPolicyMap.TryGetValue(name, out var arn) ? arn
        : WellKnown.TryGetValue(name, out var path) ? context.ManagedPolicyArn(path)
        : null;
}
