using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Nimbus.Core.Errors;
using Nimbus.Core.Identity;
using Nimbus.Core.Protocols;
using Nimbus.Logs.Metrics.Alarms;
using Nimbus.Logs.Metrics.Store;

namespace Nimbus.Logs.Metrics.Api;

/// <summary>The CloudWatch API (AWS JSON 1.0, <c>GraniteServiceVersion20100801.*</c>, awsQueryCompatible): metrics and metric alarms.</summary>
/// <remarks>@aws-sdk/client-cloudwatch speaks this protocol. The older query protocol (form-encoded <c>Action=…</c>, XML
/// responses) is not served: Core has no model-driven query/XML codec to reuse (SQS's lives in Messaging).</remarks>
internal sealed partial class CloudWatchApi(MetricStore metrics, AlarmStore alarms, AlarmService alarmService, AlarmEvaluator evaluator, TimeProvider time) : IJsonProtocolService
{
    public string TargetPrefix => "GraniteServiceVersion20100801";

    public AwsProtocol Protocol => AwsProtocol.AwsJson10;

    public async Task HandleAsync(HttpContext http, string operation, AwsRequestContext caller)
    {
        using var buffer = new MemoryStream();
        await http.Request.Body.CopyToAsync(buffer, http.RequestAborted);
        var body = buffer.Length == 0 ? [] : JsonNode.Parse(buffer.ToArray()) as JsonObject
            ?? throw CommonErrors.SerializationException("The request body must be a JSON object.").ToException();
        var result = Invoke(operation, body, caller);
        http.Response.ContentType = "application/x-amz-json-1.0";
        http.Response.Headers["x-amzn-RequestId"] = caller.RequestId;
        await http.Response.WriteAsync(result.ToJsonString(), http.RequestAborted);
    }

    /// <summary>Runs one operation on a parsed request.</summary>
    public JsonObject Invoke(string operation, JsonObject body, AwsRequestContext caller)
    {
        var (a, r) = (caller.AccountId, caller.Region);
        return operation switch
        {
            "PutMetricData" => PutMetricData(body, a, r),
            "GetMetricStatistics" => GetMetricStatistics(body, a, r),
            "GetMetricData" => GetMetricData(body, a, r),
            "ListMetrics" => ListMetrics(body, a, r),
            "PutMetricAlarm" => Done(() => alarmService.Put(a, r, body)),
            "DescribeAlarms" => DescribeAlarms(body, a, r),
            "DescribeAlarmsForMetric" => DescribeAlarmsForMetric(body, a, r),
            "SetAlarmState" => Done(() => alarmService.SetState(a, r, Wire.RequiredString(body, "AlarmName"), Wire.RequiredString(body, "StateValue"),
                Wire.RequiredString(body, "StateReason"), Wire.String(body, "StateReasonData"))),
            "DeleteAlarms" => Done(() => alarmService.Delete(a, r, Wire.Strings(body, "AlarmNames"), ignoreMissing: false)),
            "DescribeAlarmHistory" => DescribeAlarmHistory(body, a, r),
            "EnableAlarmActions" => Done(() => alarms.SetActionsEnabled(a, r, Wire.Strings(body, "AlarmNames"), true)),
            "DisableAlarmActions" => Done(() => alarms.SetActionsEnabled(a, r, Wire.Strings(body, "AlarmNames"), false)),
            "TagResource" => TagResource(body, a, r),
            "UntagResource" => UntagResource(body, a, r),
            "ListTagsForResource" => ListTagsForResource(body, a, r),
            _ => throw CommonErrors.UnknownOperation("monitoring", operation).ToException(),
        };
    }

    private static JsonObject Done(Action action)
    {
        action();
        return [];
    }

    private static JsonObject Done<T>(Func<T> action)
    {
        action();
        return [];
    }

    /// <summary>The alarm a CloudWatch ARN names, or ResourceNotFoundException.</summary>
    private MetricAlarm AlarmByArn(string arn, string account, string region)
    {
        var prefix = $"arn:aws:cloudwatch:{region}:{account}:alarm:";
        return arn.StartsWith(prefix, StringComparison.Ordinal) && alarms.Get(account, region, arn[prefix.Length..]) is { } alarm
            ? alarm
            : throw CloudWatchErrors.ResourceNotFoundException($"The resource {arn} does not exist.");
    }

    private JsonObject TagResource(JsonObject body, string a, string r)
    {
        var alarm = AlarmByArn(Wire.RequiredString(body, "ResourceARN"), a, r);
        var tags = new Dictionary<string, string>(alarm.Tags, StringComparer.Ordinal);
        foreach (var t in (body["Tags"] as JsonArray ?? []).OfType<JsonObject>())
        {
            tags[Wire.RequiredString(t, "Key")] = Wire.String(t, "Value") ?? "";
        }

        if (tags.Count > 50)
        {
            throw CloudWatchErrors.InvalidParameterValue("A resource can have at most 50 tags.");
        }

        alarms.SetTags(a, r, alarm.Name, tags);
        return [];
    }

    private JsonObject UntagResource(JsonObject body, string a, string r)
    {
        var alarm = AlarmByArn(Wire.RequiredString(body, "ResourceARN"), a, r);
        var tags = new Dictionary<string, string>(alarm.Tags, StringComparer.Ordinal);
        foreach (var key in Wire.Strings(body, "TagKeys"))
        {
            tags.Remove(key);
        }

        alarms.SetTags(a, r, alarm.Name, tags);
        return [];
    }

    private JsonObject ListTagsForResource(JsonObject body, string a, string r)
    {
        var alarm = AlarmByArn(Wire.RequiredString(body, "ResourceARN"), a, r);
        return new JsonObject
        {
            ["Tags"] = new JsonArray(alarm.Tags.OrderBy(t => t.Key, StringComparer.Ordinal).Select(t => (JsonNode)new JsonObject { ["Key"] = t.Key, ["Value"] = t.Value }).ToArray()),
        };
    }
}
