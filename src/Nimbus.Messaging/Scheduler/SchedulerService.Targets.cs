using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Nimbus.Core.Identity;

namespace Nimbus.Messaging.Scheduler;

/// <summary>A schedule's target: the model's constraints, then what Nimbus can deliver to.</summary>
/// <remarks>
/// Templated targets Nimbus runs: Lambda (Invoke, asynchronous), SQS (SendMessage), SNS (Publish), Step Functions
/// (StartExecution) and EventBridge (PutEvents). Universal targets (<c>arn:aws:scheduler:::aws-sdk:service:action</c>) and
/// templated targets of services Nimbus does not run (ECS, Kinesis, SageMaker…) are refused when the schedule is created,
/// rather than failing silently at every firing.
/// </remarks>
internal sealed partial class SchedulerService
{
    public const int DefaultMaximumRetryAttempts = 185;
    public const int DefaultMaximumEventAgeInSeconds = 86400;

    private static readonly HashSet<string> JsonInputServices = ["lambda", "states", "events"];

    [GeneratedRegex(@"^arn:aws(-[a-z]+)?:iam::\d{12}:role\/[\w+=,.@\/-]+$")]
    private static partial Regex RoleArnRegex();

    [GeneratedRegex(@"^arn:aws(-[a-z]+)?:sqs:[a-z0-9\-]+:\d{12}:[a-zA-Z0-9\-_]+$")]
    private static partial Regex DeadLetterArnRegex();

    [GeneratedRegex(@"^(?=[/\.\-_A-Za-z0-9]+)((?!aws\.).*)|(\$(\.[\w_-]+(\[(\d+|\*)\])*)*)$")]
    private static partial Regex SourceRegex();

    private static JsonObject? ReadTarget(ConstraintErrors errors, JsonNode? node)
    {
        var target = errors.Object(node, "target", required: true);
        if (target is null)
        {
            return null;
        }

        var result = new JsonObject
        {
            ["Arn"] = errors.Text(target["Arn"], "target.arn", required: true, max: 1600),
            ["RoleArn"] = errors.Text(target["RoleArn"], "target.roleArn", required: true, max: 1600, pattern: RoleArnRegex(),
                patternText: @"^arn:aws(-[a-z]+)?:iam::\d{12}:role\/[\w+=,.@\/-]+$"),
        };
        if (errors.Text(target["Input"], "target.input", required: false) is { } input)
        {
            result["Input"] = input;
        }

        var retry = errors.Object(target["RetryPolicy"], "target.retryPolicy", required: false);
        result["RetryPolicy"] = new JsonObject
        {
            ["MaximumEventAgeInSeconds"] = errors.Integer(retry?["MaximumEventAgeInSeconds"], "target.retryPolicy.maximumEventAgeInSeconds", 60, 86400) ?? DefaultMaximumEventAgeInSeconds,
            ["MaximumRetryAttempts"] = errors.Integer(retry?["MaximumRetryAttempts"], "target.retryPolicy.maximumRetryAttempts", 0, 185) ?? DefaultMaximumRetryAttempts,
        };
        if (errors.Object(target["DeadLetterConfig"], "target.deadLetterConfig", required: false) is { } dlq)
        {
            var arn = errors.Text(dlq["Arn"], "target.deadLetterConfig.arn", required: false, max: 1600, pattern: DeadLetterArnRegex(),
                patternText: @"^arn:aws(-[a-z]+)?:sqs:[a-z0-9\-]+:\d{12}:[a-zA-Z0-9\-_]+$");
            result["DeadLetterConfig"] = arn is null ? new JsonObject() : new JsonObject { ["Arn"] = arn };
        }

        if (errors.Object(target["SqsParameters"], "target.sqsParameters", required: false) is { } sqs)
        {
            var group = errors.Text(sqs["MessageGroupId"], "target.sqsParameters.messageGroupId", required: false, max: 128);
            result["SqsParameters"] = group is null ? new JsonObject() : new JsonObject { ["MessageGroupId"] = group };
        }

        if (errors.Object(target["EventBridgeParameters"], "target.eventBridgeParameters", required: false) is { } eb)
        {
            result["EventBridgeParameters"] = new JsonObject
            {
                ["DetailType"] = errors.Text(eb["DetailType"], "target.eventBridgeParameters.detailType", required: true, max: 128),
                ["Source"] = errors.Text(eb["Source"], "target.eventBridgeParameters.source", required: true, max: 256, pattern: SourceRegex(),
                    patternText: @"^(?=[/\.\-_A-Za-z0-9]+)((?!aws\.).*)|(\$(\.[\w_-]+(\[(\d+|\*)\])*)*)$"),
            };
        }

        foreach (var unsupported in new[] { "EcsParameters", "KinesisParameters", "SageMakerPipelineParameters" })
        {
            if (target[unsupported] is not null)
            {
                throw SchedulerErrors.Validation($"Nimbus does not run the targets {unsupported} is for; remove it from the target.");
            }
        }

        return result;
    }

    /// <summary>Semantic checks once the shape is valid: a target Nimbus can deliver to, and JSON input where the target needs it.</summary>
    private void CheckTarget(JsonObject? target)
    {
        var arnText = target!["Arn"]!.GetValue<string>();
        if (arnText.StartsWith("arn:aws:scheduler:::aws-sdk:", StringComparison.Ordinal))
        {
            throw SchedulerErrors.Validation($"Universal targets are not supported by Nimbus ({arnText}); use a templated target: Lambda, SQS, SNS, Step Functions or EventBridge.");
        }

        if (!Arn.TryParse(arnText, out var arn))
        {
            throw SchedulerErrors.Validation($"Invalid target ARN {arnText}.");
        }

        if (!targets.Supports(arnText) || arn.Service == "scheduler")
        {
            throw SchedulerErrors.Validation($"Nimbus does not deliver to {arn.Service} targets ({arnText}); supported: Lambda, SQS, SNS, Step Functions and EventBridge.");
        }

        if (arn.Service == "events")
        {
            if (!arn.Resource.StartsWith("event-bus/", StringComparison.Ordinal))
            {
                throw SchedulerErrors.Validation($"Invalid target ARN {arnText}: an EventBridge target is an event bus.");
            }

            if (target["EventBridgeParameters"] is null)
            {
                throw SchedulerErrors.Validation("EventBridgeParameters is required for an EventBridge PutEvents target.");
            }
        }

        if (JsonInputServices.Contains(arn.Service) && target["Input"]?.GetValue<string>() is { } input)
        {
            try
            {
                using var _ = JsonDocument.Parse(input);
            }
            catch (JsonException)
            {
                throw SchedulerErrors.Validation($"Invalid input for target {arnText}: the input must be well-formed JSON.");
            }
        }
    }
}
