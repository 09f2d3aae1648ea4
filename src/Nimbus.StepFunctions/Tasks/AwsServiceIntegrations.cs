using System.Globalization;
using System.Text.Json.Nodes;
using Nimbus.Core.Errors;
using Nimbus.Core.Identity;
using Nimbus.Core.Services;
using Nimbus.Core.Targets;
using Nimbus.StepFunctions.Execution;
using Nimbus.StepFunctions.Json;

namespace Nimbus.StepFunctions.Tasks;

/// <summary>
/// Task resources that call other AWS services: the optimized integrations (<c>arn:aws:states:::dynamodb:putItem</c>,
/// <c>sqs:sendMessage</c>, <c>sns:publish</c>, <c>events:putEvents</c>) and the AWS SDK integrations
/// (<c>arn:aws:states:::aws-sdk:{service}:{action}</c>) for every JSON-protocol service Nimbus runs.
/// </summary>
/// <remarks>
/// Calls go through <see cref="IAwsServiceCaller"/> (in-process, as a client would make them) or, for SNS, <see cref="IArnTargets"/>.
/// A service error becomes the task error <c>{Service}.{ErrorCode}</c> as AWS names it (<c>DynamoDB.ConditionalCheckFailedException</c>
/// for optimized integrations, <c>DynamoDb.ConditionalCheckFailedException</c> for SDK ones) with AWS's cause format.
/// A service Nimbus does not run fails with <c>States.Runtime</c> naming the resource, never silently.
/// </remarks>
public sealed class AwsServiceIntegrations(IAwsServiceCaller? caller, IArnTargets? targets, IObjectStorage? objects = null)
{
    private const string Prefix = "arn:aws:states:::";
    private const string SdkPrefix = "arn:aws:states:::aws-sdk:";

    /// <summary>SDK service names (as in the resource) to the names AWS prefixes their errors with.</summary>
    private static readonly Dictionary<string, string> SdkErrorPrefixes = new(StringComparer.Ordinal)
    {
        ["dynamodb"] = "DynamoDb",
        ["dynamodbstreams"] = "DynamoDbStreams",
        ["sqs"] = "Sqs",
        ["eventbridge"] = "EventBridge",
        ["sfn"] = "Sfn",
        ["cloudwatchlogs"] = "CloudWatchLogs",
    };

    /// <summary>Whether <paramref name="resource"/> (without a <c>.waitForTaskToken</c>/<c>.sync</c> suffix) is a service integration handled here.</summary>
    public static bool Handles(string resource) =>
        resource.StartsWith(SdkPrefix, StringComparison.Ordinal)
        || resource.StartsWith(Prefix + "dynamodb:", StringComparison.Ordinal)
        || resource.StartsWith(Prefix + "sqs:", StringComparison.Ordinal)
        || resource.StartsWith(Prefix + "sns:", StringComparison.Ordinal)
        || resource.StartsWith(Prefix + "events:", StringComparison.Ordinal)
        || resource.StartsWith(Prefix + "s3:", StringComparison.Ordinal);

    public async ValueTask<TaskInvocationResult> InvokeAsync(string resource, JsonNode? parameters, AwsRequestContext context, CancellationToken cancellationToken)
    {
        var input = parameters as JsonObject ?? [];
        if (resource.StartsWith(SdkPrefix, StringComparison.Ordinal))
        {
            var parts = resource[SdkPrefix.Length..].Split(':');
            if (parts.Length != 2 || parts[1].Length == 0)
            {
                return TaskInvocationResult.Failure(StatesErrors.Runtime, $"The resource '{resource}' is not a valid AWS SDK integration.");
            }

            var service = parts[0];
            if (service == "s3")
            {
                return await S3Async(parts[1], input, resource, context, cancellationToken).ConfigureAwait(false);
            }

            var errorPrefix = SdkErrorPrefixes.GetValueOrDefault(service) ?? Pascal(service);
            return await CallAsync(service, Pascal(parts[1]), input, errorPrefix, sdkMetadata: false, resource, context, cancellationToken).ConfigureAwait(false);
        }

        var rest = resource[Prefix.Length..];
        switch (rest)
        {
            case "dynamodb:getItem" or "dynamodb:putItem" or "dynamodb:updateItem" or "dynamodb:deleteItem":
                return await CallAsync("dynamodb", Pascal(rest["dynamodb:".Length..]), input, "DynamoDB", sdkMetadata: true, resource, context, cancellationToken).ConfigureAwait(false);
            case "sqs:sendMessage":
                StringifyMember(input, "MessageBody");
                return await CallAsync("sqs", "SendMessage", input, "SQS", sdkMetadata: true, resource, context, cancellationToken).ConfigureAwait(false);
            case "events:putEvents":
                if (input["Entries"] is JsonArray entries)
                {
                    foreach (var entry in entries.OfType<JsonObject>())
                    {
                        StringifyMember(entry, "Detail");
                    }
                }

                return await CallAsync("events", "PutEvents", input, "EventBridge", sdkMetadata: true, resource, context, cancellationToken).ConfigureAwait(false);
            case "sns:publish":
                return await PublishAsync(input, context, cancellationToken).ConfigureAwait(false);
            case "s3:getObject" or "s3:putObject" or "s3:listObjectsV2":
                return await S3Async(rest["s3:".Length..], input, resource, context, cancellationToken).ConfigureAwait(false);
            default:
                return TaskInvocationResult.Failure(StatesErrors.Runtime, $"Nimbus does not support the task resource '{resource}' yet.");
        }
    }

    private async ValueTask<TaskInvocationResult> CallAsync(
        string service, string operation, JsonObject input, string errorPrefix, bool sdkMetadata, string resource, AwsRequestContext context,
        CancellationToken cancellationToken)
    {
        if (caller is null || !caller.Has(service))
        {
            return TaskInvocationResult.Failure(StatesErrors.Runtime, $"Nimbus does not run the service behind '{resource}'.");
        }

        try
        {
            var output = await caller.CallAsync(service, operation, (JsonObject)input.DeepClone(), context, cancellationToken).ConfigureAwait(false);
            var result = output as JsonObject ?? [];
            if (sdkMetadata)
            {
                AddSdkMetadata(result, context.RequestId);
            }

            return TaskInvocationResult.Success(result);
        }
        catch (AwsServiceException e)
        {
            return Failure(errorPrefix, e.Error.Code, e.Error.Message, e.Error.StatusCode, context.RequestId);
        }
    }

    private async ValueTask<TaskInvocationResult> PublishAsync(JsonObject input, AwsRequestContext context, CancellationToken cancellationToken)
    {
        var topic = JsonText.AsString(input["TopicArn"]) ?? JsonText.AsString(input["TargetArn"]);
        if (targets is null || topic is null || !targets.Supports(topic))
        {
            return TaskInvocationResult.Failure(StatesErrors.Runtime,
                topic is null ? "The field 'TopicArn' is required for resource arn:aws:states:::sns:publish." : "Nimbus does not run SNS.");
        }

        StringifyMember(input, "Message");
        Dictionary<string, string>? attributes = null;
        if (input["MessageAttributes"] is JsonObject attrs)
        {
            attributes = attrs.Where(a => a.Value is JsonObject).ToDictionary(
                a => a.Key, a => JsonText.AsString(a.Value!["StringValue"]) ?? "", StringComparer.Ordinal);
        }

        try
        {
            var delivered = await targets.DeliverAsync(topic, new ArnMessage(JsonText.AsString(input["Message"]) ?? "", context)
            {
                Subject = JsonText.AsString(input["Subject"]),
                Attributes = attributes,
                MessageGroupId = JsonText.AsString(input["MessageGroupId"]),
                DeduplicationId = JsonText.AsString(input["MessageDeduplicationId"]),
            }, cancellationToken).ConfigureAwait(false);
            var result = new JsonObject { ["MessageId"] = delivered.Id };
            AddSdkMetadata(result, context.RequestId);
            return TaskInvocationResult.Success(result);
        }
        catch (ArnDeliveryException e)
        {
            return Failure("SNS", e.ErrorCode, e.Message, 400, context.RequestId);
        }
    }

    /// <summary>
    /// S3 (REST-XML, so not through the JSON caller): GetObject, PutObject and ListObjectsV2 with the SDK's JSON shapes —
    /// what the distributed Map's ItemReader/ResultWriter and <c>aws-sdk:s3:*</c> tasks use. The body is text, as AWS returns it.
    /// </summary>
    private async ValueTask<TaskInvocationResult> S3Async(string action, JsonObject input, string resource, AwsRequestContext context, CancellationToken cancellationToken)
    {
        if (objects is null)
        {
            return TaskInvocationResult.Failure(StatesErrors.Runtime, $"Nimbus does not run the service behind '{resource}'.");
        }

        var bucket = JsonText.AsString(input["Bucket"]);
        if (bucket is null)
        {
            return TaskInvocationResult.Failure(StatesErrors.Runtime, $"The field 'Bucket' is required for resource {resource}.");
        }

        try
        {
            switch (action)
            {
                case "getObject":
                    {
                        var key = JsonText.AsString(input["Key"]) ?? throw new AwsServiceException("InvalidRequest", "Key is required", 400);
                        var o = await objects.GetAsync(bucket, key, JsonText.AsString(input["VersionId"]), context, cancellationToken).ConfigureAwait(false);
                        var result = new JsonObject
                        {
                            ["Body"] = System.Text.Encoding.UTF8.GetString(o.Body),
                            ["ContentLength"] = o.Body.Length,
                            ["ContentType"] = o.ContentType,
                            ["ETag"] = o.ETag,
                            ["LastModified"] = o.LastModified.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture),
                        };
                        if (o.VersionId is not null)
                        {
                            result["VersionId"] = o.VersionId;
                        }

                        return TaskInvocationResult.Success(result);
                    }

                case "putObject":
                    {
                        var key = JsonText.AsString(input["Key"]) ?? throw new AwsServiceException("InvalidRequest", "Key is required", 400);
                        var body = input["Body"] is JsonValue v && v.TryGetValue<string>(out var text) ? text : JsonText.Serialize(input["Body"]);
                        var etag = await objects.PutAsync(bucket, key, System.Text.Encoding.UTF8.GetBytes(body), JsonText.AsString(input["ContentType"]) ?? "binary/octet-stream", context, cancellationToken).ConfigureAwait(false);
                        return TaskInvocationResult.Success(new JsonObject { ["ETag"] = etag });
                    }

                case "listObjectsV2":
                    {
                        var max = input["MaxKeys"] is JsonValue m && m.TryGetValue<int>(out var mk) ? mk : 1000;
                        var listing = await objects.ListAsync(bucket, JsonText.AsString(input["Prefix"]), JsonText.AsString(input["ContinuationToken"]), max, context, cancellationToken).ConfigureAwait(false);
                        var contents = new JsonArray();
                        foreach (var item in listing.Objects)
                        {
                            contents.Add(new JsonObject
                            {
                                ["Etag"] = item.ETag,
                                ["Key"] = item.Key,
                                ["LastModified"] = item.LastModified.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture),
                                ["Size"] = item.Size,
                                ["StorageClass"] = item.StorageClass,
                            });
                        }

                        var result = new JsonObject
                        {
                            ["Contents"] = contents,
                            ["IsTruncated"] = listing.NextContinuationToken is not null,
                            ["KeyCount"] = listing.Objects.Count,
                            ["MaxKeys"] = max,
                            ["Name"] = bucket,
                            ["Prefix"] = JsonText.AsString(input["Prefix"]) ?? "",
                        };
                        if (listing.NextContinuationToken is { } next)
                        {
                            result["NextContinuationToken"] = next;
                        }

                        return TaskInvocationResult.Success(result);
                    }

                default:
                    return TaskInvocationResult.Failure(StatesErrors.Runtime, $"Nimbus does not support the task resource '{resource}' yet.");
            }
        }
        catch (AwsServiceException e)
        {
            return Failure("S3", e.Error.Code, e.Error.Message, e.Error.StatusCode, context.RequestId);
        }
    }

    private static TaskInvocationResult Failure(string prefix, string code, string message, int status, string requestId)
    {
        // AWS names the error after the Java SDK's exception class: the error shape's name, with "Exception" appended when missing
        // (SQS's QueueDoesNotExist is Sqs.QueueDoesNotExistException); legacy dotted codes keep their last segment.
        // A JSON-protocol __type may carry the model's namespace (com.amazonaws.sqs#QueueDoesNotExist).
        code = code.Contains('#', StringComparison.Ordinal) ? code[(code.IndexOf('#', StringComparison.Ordinal) + 1)..] : code;
        var shape = code.Contains('.', StringComparison.Ordinal) ? code[(code.LastIndexOf('.') + 1)..] : code;
        var name = shape.EndsWith("Exception", StringComparison.Ordinal) ? shape : shape + "Exception";
        return TaskInvocationResult.Failure(
            $"{prefix}.{name}",
            $"{message} (Service: {prefix}, Status Code: {status.ToString(CultureInfo.InvariantCulture)}, Error Code: {code}, Request ID: {requestId})");
    }

    /// <summary>Optimized integrations take JSON for string members (MessageBody, Message, Detail) and send it serialized.</summary>
    private static void StringifyMember(JsonObject o, string member)
    {
        var node = o[member];
        var isString = node is JsonValue v && v.TryGetValue<string>(out _);
        if (node is not null && !isString)
        {
            o[member] = JsonText.Serialize(node);
        }
    }

    private static void AddSdkMetadata(JsonObject result, string requestId)
    {
        result["SdkHttpMetadata"] = new JsonObject
        {
            ["AllHttpHeaders"] = new JsonObject
            {
                ["Content-Type"] = new JsonArray("application/x-amz-json-1.0"),
                ["x-amzn-RequestId"] = new JsonArray(requestId),
            },
            ["HttpHeaders"] = new JsonObject { ["Content-Type"] = "application/x-amz-json-1.0", ["x-amzn-RequestId"] = requestId },
            ["HttpStatusCode"] = 200,
        };
        result["SdkResponseMetadata"] = new JsonObject { ["RequestId"] = requestId };
    }

    /// <summary><c>getItem</c> → <c>GetItem</c>.</summary>
    private static string Pascal(string name) => name.Length == 0 ? name : char.ToUpperInvariant(name[0]) + name[1..];
}
