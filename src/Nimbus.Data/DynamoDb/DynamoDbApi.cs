using System.Buffers;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http;
using Nimbus.Core.Errors;
using Nimbus.Core.Identity;
using Nimbus.Core.Protocols;

namespace Nimbus.Data.DynamoDb;

/// <summary>The DynamoDB API (JSON 1.0, <c>DynamoDB_20120810.*</c>): tables, tags, TTL settings and single-item reads and writes.</summary>
internal sealed partial class DynamoDbApi(DynamoStore store, TimeProvider time) : IJsonProtocolService
{
    public string TargetPrefix => "DynamoDB_20120810";

    public AwsProtocol Protocol => AwsProtocol.AwsJson10;

    public async Task HandleAsync(HttpContext http, string operation, AwsRequestContext caller)
    {
        JsonObject body;
        try
        {
            body = (await JsonNode.ParseAsync(http.Request.Body) as JsonObject) ?? [];
        }
        catch (System.Text.Json.JsonException e)
        {
            throw CommonErrors.SerializationException(e.Message).ToException();
        }

        JsonObject result;
        try
        {
            result = await DispatchAsync(operation, body, caller);
        }
        catch (AwsServiceException e) when (DynamoErrors.Members(e.Error) is { } members)
        {
            var error = new JsonObject { ["__type"] = e.Error.Code, ["message"] = e.Error.Message };
            foreach (var (k, v) in members)
            {
                error[k] = v!.DeepClone();
            }

            var errorBytes = System.Text.Encoding.UTF8.GetBytes(error.ToJsonString());
            http.Response.StatusCode = e.Error.StatusCode;
            http.Response.ContentType = "application/x-amz-json-1.0";
            http.Response.Headers["x-amzn-RequestId"] = caller.RequestId;
            http.Response.Headers["x-amzn-ErrorType"] = e.Error.Code;
            http.Response.Headers["x-amz-crc32"] = Nimbus.Data.S3.Crc32.Ieee(errorBytes).ToString(CultureInfo.InvariantCulture);
            await http.Response.Body.WriteAsync(errorBytes);
            return;
        }

        var buffer = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            result.WriteTo(writer);
        }

        http.Response.ContentType = "application/x-amz-json-1.0";
        http.Response.ContentLength = buffer.WrittenCount;
        http.Response.Headers["x-amzn-RequestId"] = caller.RequestId;
        http.Response.Headers["x-amz-crc32"] = Nimbus.Data.S3.Crc32.Ieee(buffer.WrittenSpan).ToString(CultureInfo.InvariantCulture);
        await http.Response.Body.WriteAsync(buffer.WrittenMemory);
    }

    /// <summary>Runs an operation to completion on the calling thread (tests and in-process callers that are not async).</summary>
    public JsonObject Dispatch(string operation, JsonObject body, AwsRequestContext caller) =>
        DispatchAsync(operation, body, caller).AsTask().GetAwaiter().GetResult();

    /// <summary>Runs an operation; item writes complete asynchronously when their group commit has committed.</summary>
    public ValueTask<JsonObject> DispatchAsync(string operation, JsonObject body, AwsRequestContext caller)
    {
        if (body["ReturnConsumedCapacity"] is null)
        {
            if (Meter.Value is not null)
            {
                Meter.Value = null;
            }

            return RunAsync(operation, body, caller);
        }

        return MeteredAsync(operation, body, caller);
    }

    /// <summary>The meter of the request being served (set when it asked for ReturnConsumedCapacity).</summary>
    private static readonly AsyncLocal<CapacityMeter?> Meter = new();

    private async ValueTask<JsonObject> MeteredAsync(string operation, JsonObject body, AwsRequestContext caller)
    {
        var meter = CapacityMeter.From(body);
        Meter.Value = meter;
        var result = await RunAsync(operation, body, caller);
        if (meter is not null)
        {
            switch (operation)
            {
                case "GetItem" or "PutItem" or "UpdateItem" or "DeleteItem" or "Query" or "Scan":
                    meter.AddTo(result, body["TableName"]!.GetValue<string>());
                    break;
                case "BatchGetItem" or "BatchWriteItem" or "TransactGetItems" or "TransactWriteItems":
                    meter.AddListTo(result);
                    break;
            }
        }

        return result;
    }

    private ValueTask<JsonObject> RunAsync(string operation, JsonObject body, AwsRequestContext caller) => operation switch
    {
        "PutItem" => new(PutItem(body, caller)),
        "DeleteItem" => new(DeleteItem(body, caller)),
        "UpdateItem" => new(UpdateItem(body, caller)),
        "BatchWriteItem" => new(BatchWriteItem(body, caller)),
        _ => new(Route(operation, body, caller)),
    };

    private JsonObject Route(string operation, JsonObject body, AwsRequestContext caller) => operation switch
    {
        "CreateTable" => CreateTable(body, caller),
        "DescribeTable" => new JsonObject { ["Table"] = Describe(store.Get(caller.AccountId, caller.Region, TableName(body))) },
        "ListTables" => ListTables(body, caller),
        "DeleteTable" => DeleteTable(body, caller),
        "UpdateTable" => UpdateTable(body, caller),
        "DescribeTimeToLive" => DescribeTimeToLive(body, caller),
        "UpdateTimeToLive" => UpdateTimeToLive(body, caller),
        "TagResource" => TagResource(body, caller),
        "UntagResource" => UntagResource(body, caller),
        "ListTagsOfResource" => ListTags(body, caller),
        "GetItem" => GetItem(body, caller),
        "Query" => Query(body, caller),
        "BatchGetItem" => BatchGetItem(body, caller),
        "Scan" => Scan(body, caller),
        "TransactWriteItems" => TransactWriteItems(body, caller),
        "TransactGetItems" => TransactGetItems(body, caller),
        "DescribeEndpoints" => new JsonObject { ["Endpoints"] = new JsonArray(new JsonObject { ["Address"] = "localhost", ["CachePeriodInMinutes"] = 1440 }) },
        _ => throw CommonErrors.UnknownOperation("dynamodb", operation).ToException(),
    };

    private static AwsServiceException Validation(string message) => AttributeValues.Validation(message);

    private static string TableName(JsonObject body)
    {
        var name = body["TableName"]?.GetValue<string>() ?? throw Validation("1 validation error detected: Value null at 'tableName' failed to satisfy constraint: Member must not be null");
        if (name.StartsWith("arn:", StringComparison.Ordinal) && name.Contains(":table/", StringComparison.Ordinal))
        {
            name = name[(name.IndexOf(":table/", StringComparison.Ordinal) + 7)..];
        }

        if (name.Length is < 3 or > 255)
        {
            throw Validation($"1 validation error detected: Value '{name}' at 'tableName' failed to satisfy constraint: Member must have length {(name.Length < 3 ? "greater than or equal to 3" : "less than or equal to 255")}");
        }

        if (!TableNamePattern().IsMatch(name))
        {
            throw Validation($"1 validation error detected: Value '{name}' at 'tableName' failed to satisfy constraint: Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+");
        }

        return name;
    }

    [GeneratedRegex("^[a-zA-Z0-9_.-]+$")]
    private static partial Regex TableNamePattern();
}
