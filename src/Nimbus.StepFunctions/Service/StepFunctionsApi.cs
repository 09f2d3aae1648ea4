using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Nimbus.Core.Errors;
using Nimbus.Core.Identity;
using Nimbus.Core.Protocols;
using Nimbus.StepFunctions.Asl.Parsing;
using Nimbus.StepFunctions.Asl.Validation;

namespace Nimbus.StepFunctions.Service;

/// <summary>The Step Functions API (JSON 1.0, <c>AWSStepFunctions.*</c>): state machines, executions, history, callbacks, tags.</summary>
internal sealed partial class StepFunctionsApi(ExecutionCoordinator engine, MockConfig mocks, TimeProvider time) : IJsonProtocolService
{
    private const int DefaultPageSize = 100;
    private readonly SfnStore _store = engine.Store;

    public string TargetPrefix => "AWSStepFunctions";

    public AwsProtocol Protocol => AwsProtocol.AwsJson10;

    public async Task HandleAsync(HttpContext http, string operation, AwsRequestContext caller)
    {
        var body = (await ReadBodyAsync(http.Request) as JsonObject) ?? [];
        JsonObject result = operation switch
        {
            "CreateStateMachine" => CreateStateMachine(body, caller),
            "DescribeStateMachine" => DescribeStateMachine(body),
            "UpdateStateMachine" => UpdateStateMachine(body),
            "DeleteStateMachine" => DeleteStateMachine(body),
            "ListStateMachines" => ListStateMachines(body, caller),
            "ValidateStateMachineDefinition" => ValidateStateMachineDefinition(body),
            "StartExecution" => StartExecution(body),
            "StartSyncExecution" => await StartSyncExecutionAsync(body, http.RequestAborted),
            "DescribeExecution" => DescribeExecution(body),
            "StopExecution" => await StopExecutionAsync(body),
            "ListExecutions" => ListExecutions(body),
            "GetExecutionHistory" => GetExecutionHistory(body),
            "DescribeStateMachineForExecution" => DescribeStateMachineForExecution(body),
            "SendTaskSuccess" => SendTaskSuccess(body),
            "SendTaskFailure" => SendTaskFailure(body),
            "SendTaskHeartbeat" => SendTaskHeartbeat(body),
            "PublishStateMachineVersion" => PublishStateMachineVersion(body),
            "ListStateMachineVersions" => ListStateMachineVersions(body),
            "DeleteStateMachineVersion" => DeleteStateMachineVersion(body),
            "CreateStateMachineAlias" => CreateStateMachineAlias(body),
            "DescribeStateMachineAlias" => DescribeStateMachineAlias(body),
            "UpdateStateMachineAlias" => UpdateStateMachineAlias(body),
            "DeleteStateMachineAlias" => DeleteStateMachineAlias(body),
            "ListStateMachineAliases" => ListStateMachineAliases(body),
            "DescribeMapRun" => DescribeMapRun(body),
            "ListMapRuns" => ListMapRuns(body),
            "UpdateMapRun" => UpdateMapRun(body),
            "RedriveExecution" => RedriveExecution(body),
            "TestState" => await TestStateAsync(body, caller, http.RequestAborted),
            "CreateActivity" => CreateActivity(body, caller),
            "DescribeActivity" => DescribeActivity(body),
            "DeleteActivity" => DeleteActivity(body),
            "ListActivities" => ListActivities(body, caller),
            "GetActivityTask" => await GetActivityTaskAsync(body, http.RequestAborted),
            "TagResource" => TagResource(body),
            "UntagResource" => UntagResource(body),
            "ListTagsForResource" => ListTagsForResource(body),
            _ => throw CommonErrors.UnknownOperation("states", operation).ToException(),
        };

        http.Response.StatusCode = 200;
        http.Response.ContentType = "application/x-amz-json-1.0";
        http.Response.Headers["x-amzn-RequestId"] = caller.RequestId;
        await http.Response.Body.WriteAsync(Encoding.UTF8.GetBytes(result.ToJsonString()), http.RequestAborted);
    }

    private static async Task<JsonNode?> ReadBodyAsync(HttpRequest request)
    {
        using var buffer = new MemoryStream();
        await request.Body.CopyToAsync(buffer);
        return buffer.Length == 0 ? null : JsonNode.Parse(buffer.ToArray());
    }

    // ---- helpers ----------------------------------------------------------------------------------------------------

    private long Now() => time.GetUtcNow().ToUnixTimeMilliseconds();

    private static string Required(JsonObject body, string member) =>
        Optional(body, member) ?? throw SfnErrors.Missing(member);

    private static string? Optional(JsonObject body, string member) =>
        body[member] is JsonValue v && v.GetValueKind() == JsonValueKind.String ? v.GetValue<string>()
        : body[member] is null ? null
        : throw CommonErrors.SerializationException($"Unexpected type for member '{member}'").ToException();

    private static int PageSize(JsonObject body)
    {
        var n = body["maxResults"]?.GetValue<int>() ?? 0;
        if (n is < 0 or > 1000)
        {
            throw SfnErrors.Validation($"1 validation error detected: Value '{n}' at 'maxResults' failed to satisfy constraint: Member must have value less than or equal to 1000");
        }

        return n == 0 ? DefaultPageSize : n;
    }

    private static int Offset(string? token)
    {
        if (token is null)
        {
            return 0;
        }

        try
        {
            var text = Encoding.UTF8.GetString(Convert.FromBase64String(token));
            if (text.StartsWith("o:", StringComparison.Ordinal) && int.TryParse(text[2..], CultureInfo.InvariantCulture, out var n) && n >= 0)
            {
                return n;
            }
        }
        catch (FormatException)
        {
        }

        throw SfnErrors.InvalidToken("Invalid token");
    }

    private static string OffsetToken(int offset) => Convert.ToBase64String(Encoding.UTF8.GetBytes("o:" + offset.ToString(CultureInfo.InvariantCulture)));

    private static (string Region, string Account, string Type, string[] Parts) ParseArn(string arn, params string[] types)
    {
        if (!Arn.TryParse(arn, out var parsed) || parsed.Service != "states")
        {
            throw SfnErrors.InvalidArn(arn);
        }

        var rest = parsed.Resource.Split(':');
        if (types.Length > 0 && !types.Contains(rest[0]))
        {
            throw SfnErrors.InvalidArn(arn);
        }

        return (parsed.Region, parsed.Account, rest[0], rest[1..]);
    }

    private static void ValidateName(string name)
    {
        if (name.Length is 0 or > 80 || name.Any(ch => char.IsWhiteSpace(ch) || char.IsControl(ch) || "<>{}[]?*\"#%\\^|~`$&,;:/".Contains(ch)))
        {
            throw SfnErrors.InvalidName(name);
        }
    }

    private static string DefinitionErrors(AslParseResult parsed) =>
        string.Join(", ", parsed.Diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error).Select(d => $"{d.Code}: {d.Message} at {(d.Location.Length == 0 ? "/" : d.Location)}"));

    private static List<KeyValuePair<string, string>> ReadTags(JsonObject body)
    {
        var tags = new List<KeyValuePair<string, string>>();
        foreach (var t in body["tags"] as JsonArray ?? [])
        {
            if (t is JsonObject o)
            {
                tags.Add(KeyValuePair.Create(o["key"]?.GetValue<string>() ?? "", o["value"]?.GetValue<string>() ?? ""));
            }
        }

        if (tags.Count > 50)
        {
            throw new AwsServiceException("TooManyTags", "Too many tags: the maximum is 50.");
        }

        return tags;
    }

    private static JsonArray TagsJson(IEnumerable<KeyValuePair<string, string>> tags) =>
        new([.. tags.Select(t => (JsonNode)new JsonObject { ["key"] = t.Key, ["value"] = t.Value })]);

    private static JsonObject DataDetails() => new() { ["included"] = true };
}
