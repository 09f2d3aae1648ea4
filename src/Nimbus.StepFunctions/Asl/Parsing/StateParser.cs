using System.Collections.Frozen;
using System.Text.Json.Nodes;
using Nimbus.StepFunctions.Asl.Model;
using Nimbus.StepFunctions.Json;

namespace Nimbus.StepFunctions.Asl.Parsing;

/// <summary>Parses one state object according to its Type.</summary>
internal static partial class StateParser
{
    private static readonly string[] Common = ["Type", "Comment", "QueryLanguage"];
    private static readonly string[] Flow = ["Next", "End"];
    private static readonly string[] JsonPathIo = ["InputPath", "OutputPath"];
    private static readonly string[] ErrorHandling = ["Retry", "Catch"];

    private static readonly FrozenDictionary<string, FrozenSet<string>> AllowedJsonPath = new Dictionary<string, FrozenSet<string>>
    {
        ["Pass"] = Set(Common, Flow, JsonPathIo, ["Result", "ResultPath", "Parameters", "Assign"]),
        ["Task"] = Set(Common, Flow, JsonPathIo, ErrorHandling, ["Resource", "Parameters", "ResultSelector", "ResultPath", "TimeoutSeconds", "TimeoutSecondsPath", "HeartbeatSeconds", "HeartbeatSecondsPath", "Credentials", "Assign"]),
        ["Choice"] = Set(Common, JsonPathIo, ["Choices", "Default", "Assign"]),
        ["Wait"] = Set(Common, Flow, JsonPathIo, ["Seconds", "Timestamp", "SecondsPath", "TimestampPath", "Assign"]),
        ["Succeed"] = Set(Common, JsonPathIo),
        ["Fail"] = Set(Common, ["Error", "Cause", "ErrorPath", "CausePath"]),
        ["Parallel"] = Set(Common, Flow, JsonPathIo, ErrorHandling, ["Branches", "Parameters", "ResultSelector", "ResultPath", "Assign"]),
        ["Map"] = Set(Common, Flow, JsonPathIo, ErrorHandling, ["Iterator", "ItemProcessor", "ItemsPath", "ItemSelector", "Parameters", "ResultSelector", "ResultPath", "MaxConcurrency", "MaxConcurrencyPath", "ToleratedFailurePercentage", "ToleratedFailurePercentagePath", "ToleratedFailureCount", "ToleratedFailureCountPath", "ItemBatcher", "ItemReader", "ResultWriter", "Label", "Assign"]),
    }.ToFrozenDictionary();

    private static readonly FrozenDictionary<string, FrozenSet<string>> AllowedJsonata = new Dictionary<string, FrozenSet<string>>
    {
        ["Pass"] = Set(Common, Flow, ["Output", "Assign"]),
        ["Task"] = Set(Common, Flow, ErrorHandling, ["Resource", "Arguments", "Output", "TimeoutSeconds", "HeartbeatSeconds", "Credentials", "Assign"]),
        ["Choice"] = Set(Common, ["Choices", "Default", "Output", "Assign"]),
        ["Wait"] = Set(Common, Flow, ["Seconds", "Timestamp", "Output", "Assign"]),
        ["Succeed"] = Set(Common, ["Output"]),
        ["Fail"] = Set(Common, ["Error", "Cause"]),
        ["Parallel"] = Set(Common, Flow, ErrorHandling, ["Branches", "Arguments", "Output", "Assign"]),
        ["Map"] = Set(Common, Flow, ErrorHandling, ["ItemProcessor", "Items", "ItemSelector", "MaxConcurrency", "ToleratedFailurePercentage", "ToleratedFailureCount", "ItemBatcher", "ItemReader", "ResultWriter", "Label", "Output", "Assign"]),
    }.ToFrozenDictionary();

    private static FrozenSet<string> Set(params string[][] parts) => parts.SelectMany(p => p).ToFrozenSet(StringComparer.Ordinal);

    public static StateDefinition? Parse(ParseContext ctx, string name, JsonObject obj, string loc, QueryLanguageKind inherited)
    {
        var type = ctx.RequiredString(obj, "Type", loc);
        if (type is null)
        {
            return null;
        }

        var ql = inherited;
        if (obj.TryGetPropertyValue("QueryLanguage", out var qlNode))
        {
            var parsed = AslParser.ParseQueryLanguage(ctx, qlNode, loc + "/QueryLanguage");
            if (parsed == QueryLanguageKind.JsonPath && inherited == QueryLanguageKind.Jsonata)
            {
                ctx.Error(loc, "'QueryLanguage' can not be 'JSONPath' if set to 'JSONata' for whole state machine");
            }

            ql = parsed ?? ql;
        }

        var allowed = ql == QueryLanguageKind.Jsonata ? AllowedJsonata : AllowedJsonPath;
        if (!allowed.TryGetValue(type, out var fields))
        {
            ctx.Error(loc + "/Type", $"Field \"Type\" is not one of the allowed values [\"Pass\", \"Task\", \"Choice\", \"Wait\", \"Succeed\", \"Fail\", \"Parallel\", \"Map\"]: {type}");
            return null;
        }

        CheckQueryLanguageFields(ctx, obj, loc, ql);
        ctx.CheckAllowed(obj, loc, fields, $"{type} states{(ql == QueryLanguageKind.Jsonata ? " using JSONata" : "")}", ql == QueryLanguageKind.Jsonata ? JsonPathOnly : JsonataOnly);
        if (ql == QueryLanguageKind.Jsonata)
        {
            ValidateJsonataFields(ctx, obj, loc);
        }
        var hasFlow = type is not ("Choice" or "Succeed" or "Fail");
        string? next = null;
        var end = false;
        if (hasFlow)
        {
            next = ctx.OptString(obj, "Next", loc);
            end = ctx.OptBool(obj, "End", loc) ?? false;
            if (next is not null && end)
            {
                ctx.Error(loc, "State may have only one of [\"Next\", \"End\"]");
            }
            else if (next is null && !end && !obj.ContainsKey("Next"))
            {
                ctx.Error(loc, $"State \"{name}\" must have a \"Next\" field or \"End\": true");
            }
        }

        var assignNode = obj.TryGetPropertyValue("Assign", out var a) ? a : null;
        var common = new CommonFields(
            name,
            ctx.OptString(obj, "Comment", loc),
            ql,
            next,
            end,
            ctx.NullablePathField(obj, "InputPath", loc, allowNull: true),
            ctx.NullablePathField(obj, "OutputPath", loc, allowNull: true),
            ql == QueryLanguageKind.JsonPath ? ctx.Template(obj, "Assign", loc) : null,
            assignNode?.DeepClone(),
            obj.TryGetPropertyValue("Output", out var o) ? o?.DeepClone() : null);

        if (ql == QueryLanguageKind.Jsonata && assignNode is not null and not JsonObject)
        {
            ctx.Error(loc + "/Assign", "Field \"Assign\" should be an Object");
        }

        return type switch
        {
            "Pass" => ParsePass(ctx, obj, loc, common),
            "Task" => ParseTask(ctx, obj, loc, common),
            "Choice" => ParseChoice(ctx, obj, loc, common),
            "Wait" => ParseWait(ctx, obj, loc, common),
            "Succeed" => Apply(new SucceedState { Name = name }, common),
            "Fail" => ParseFail(ctx, obj, loc, common),
            "Parallel" => ParseParallel(ctx, obj, loc, common),
            "Map" => ParseMap(ctx, obj, loc, common),
            _ => null,
        };
    }

    private sealed record CommonFields(
        string Name,
        string? Comment,
        QueryLanguageKind QueryLanguage,
        string? Next,
        bool End,
        NullablePath? InputPath,
        NullablePath? OutputPath,
        Payload.PayloadTemplate? Assign,
        JsonNode? RawAssign,
        JsonNode? Output);

    private static T Apply<T>(T state, CommonFields c)
        where T : StateDefinition => state with
        {
            Comment = c.Comment,
            QueryLanguage = c.QueryLanguage,
            Next = c.Next,
            End = c.End,
            InputPath = c.InputPath,
            OutputPath = c.OutputPath,
            Assign = c.Assign,
            RawAssign = c.RawAssign,
            Output = c.Output,
        };

    private static StateDefinition ParsePass(ParseContext ctx, JsonObject obj, string loc, CommonFields c)
    {
        var hasResult = obj.TryGetPropertyValue("Result", out var result);
        return Apply(
            new PassState
            {
                Name = c.Name,
                Result = result?.DeepClone(),
                HasResult = hasResult,
                Parameters = ctx.Template(obj, "Parameters", loc, mustBeObject: false),
                ResultPath = ctx.NullablePathField(obj, "ResultPath", loc, allowNull: true, reference: true),
            },
            c);
    }

    private static StateDefinition? ParseTask(ParseContext ctx, JsonObject obj, string loc, CommonFields c)
    {
        var resource = ctx.RequiredString(obj, "Resource", loc);
        if (resource is not null && !resource.Contains(':', StringComparison.Ordinal))
        {
            ctx.Error(loc + "/Resource", $"Field \"Resource\" must be a URI: {resource}", "INVALID_RESOURCE");
        }

        ctx.OnlyOne(obj, loc, "TimeoutSeconds", "TimeoutSecondsPath");
        ctx.OnlyOne(obj, loc, "HeartbeatSeconds", "HeartbeatSecondsPath");
        var jsonata = c.QueryLanguage == QueryLanguageKind.Jsonata;
        var hasTimeout = obj.TryGetPropertyValue("TimeoutSeconds", out var t);
        var hasHeartbeat = obj.TryGetPropertyValue("HeartbeatSeconds", out var h);
        var timeoutExpression = jsonata && hasTimeout && JsonText.IsString(t) ? t!.DeepClone() : null;
        var heartbeatExpression = jsonata && hasHeartbeat && JsonText.IsString(h) ? h!.DeepClone() : null;
        int? timeout = hasTimeout && timeoutExpression is null ? ctx.NonNegativeInt(t, loc + "/TimeoutSeconds", "TimeoutSeconds", 1) : null;
        int? heartbeat = hasHeartbeat && heartbeatExpression is null ? ctx.NonNegativeInt(h, loc + "/HeartbeatSeconds", "HeartbeatSeconds", 1) : null;
        var timeoutPath = ctx.OptString(obj, "TimeoutSecondsPath", loc);
        var heartbeatPath = ctx.OptString(obj, "HeartbeatSecondsPath", loc);
        if (timeoutPath is not null)
        {
            ctx.PathField(timeoutPath, loc + "/TimeoutSecondsPath", "TimeoutSecondsPath");
        }

        if (heartbeatPath is not null)
        {
            ctx.PathField(heartbeatPath, loc + "/HeartbeatSecondsPath", "HeartbeatSecondsPath");
        }

        if (timeout is not null && heartbeat is not null && heartbeat >= timeout)
        {
            ctx.Error(loc + "/HeartbeatSeconds", "Field \"HeartbeatSeconds\" must be smaller than \"TimeoutSeconds\"");
        }

        JsonNode? credentials = null;
        if (obj.TryGetPropertyValue("Credentials", out var cred))
        {
            if (cred is not JsonObject)
            {
                ctx.Error(loc + "/Credentials", "Field \"Credentials\" should be an Object");
            }

            credentials = cred?.DeepClone();
        }

        return Apply(
            new TaskState
            {
                Name = c.Name,
                Resource = resource ?? "",
                Parameters = ctx.Template(obj, "Parameters", loc, mustBeObject: false),
                ResultSelector = ctx.Template(obj, "ResultSelector", loc),
                ResultPath = ctx.NullablePathField(obj, "ResultPath", loc, allowNull: true, reference: true),
                Retry = ParseRetriers(ctx, obj, loc),
                Catch = ParseCatchers(ctx, obj, loc, c.QueryLanguage),
                TimeoutSeconds = timeout,
                TimeoutSecondsPath = timeoutPath,
                HeartbeatSeconds = heartbeat,
                HeartbeatSecondsPath = heartbeatPath,
                TimeoutSecondsExpression = timeoutExpression,
                HeartbeatSecondsExpression = heartbeatExpression,
                Credentials = credentials,
                Arguments = obj.TryGetPropertyValue("Arguments", out var args) ? args?.DeepClone() : null,
            },
            c);
    }

    private static StateDefinition ParseWait(ParseContext ctx, JsonObject obj, string loc, CommonFields c)
    {
        string[] waitFields = c.QueryLanguage == QueryLanguageKind.Jsonata ? ["Seconds", "Timestamp"] : ["Seconds", "Timestamp", "SecondsPath", "TimestampPath"];
        var count = waitFields.Count(obj.ContainsKey);
        if (count != 1)
        {
            ctx.Error(loc, $"A Wait state MUST contain exactly one of [{string.Join(", ", waitFields.Select(f => "\"" + f + "\""))}]");
        }

        JsonNode? seconds = obj.TryGetPropertyValue("Seconds", out var s) ? s?.DeepClone() : null;
        JsonNode? timestamp = obj.TryGetPropertyValue("Timestamp", out var ts) ? ts?.DeepClone() : null;
        if (c.QueryLanguage == QueryLanguageKind.JsonPath)
        {
            if (obj.ContainsKey("Seconds"))
            {
                ctx.NonNegativeInt(s, loc + "/Seconds", "Seconds");
            }

            if (obj.ContainsKey("Timestamp"))
            {
                var tsText = ctx.String(ts, loc + "/Timestamp", "Timestamp");
                if (tsText is not null && !Execution.Timestamps.TryParse(tsText, out _))
                {
                    ctx.Error(loc + "/Timestamp", $"Field \"Timestamp\" is not a valid ISO-8601 timestamp: {tsText}");
                }
            }
        }

        var secondsPath = ctx.OptString(obj, "SecondsPath", loc);
        var timestampPath = ctx.OptString(obj, "TimestampPath", loc);
        if (secondsPath is not null)
        {
            ctx.PathField(secondsPath, loc + "/SecondsPath", "SecondsPath");
        }

        if (timestampPath is not null)
        {
            ctx.PathField(timestampPath, loc + "/TimestampPath", "TimestampPath");
        }

        return Apply(
            new WaitState { Name = c.Name, Seconds = seconds, Timestamp = timestamp, SecondsPath = secondsPath, TimestampPath = timestampPath },
            c);
    }

    private static StateDefinition ParseFail(ParseContext ctx, JsonObject obj, string loc, CommonFields c)
    {
        ctx.OnlyOne(obj, loc, "Error", "ErrorPath");
        ctx.OnlyOne(obj, loc, "Cause", "CausePath");
        return Apply(
            new FailState
            {
                Name = c.Name,
                Error = c.QueryLanguage == QueryLanguageKind.JsonPath ? ctx.OptString(obj, "Error", loc) : JsonText.AsString(obj["Error"]),
                Cause = c.QueryLanguage == QueryLanguageKind.JsonPath ? ctx.OptString(obj, "Cause", loc) : JsonText.AsString(obj["Cause"]),
                ErrorPath = ctx.PathOrIntrinsic(obj, "ErrorPath", loc),
                CausePath = ctx.PathOrIntrinsic(obj, "CausePath", loc),
            },
            c);
    }

    private static StateDefinition? ParseParallel(ParseContext ctx, JsonObject obj, string loc, CommonFields c)
    {
        var branches = new List<StateMachineDefinition>();
        if (!obj.TryGetPropertyValue("Branches", out var b) || b is not JsonArray arr)
        {
            ctx.Error(loc, "A Parallel state MUST have an array field named \"Branches\"");
        }
        else
        {
            for (var i = 0; i < arr.Count; i++)
            {
                var bloc = $"{loc}/Branches/{i}";
                if (arr[i] is not JsonObject bo)
                {
                    ctx.Error(bloc, "Each element of \"Branches\" must be an object");
                    continue;
                }

                var branch = AslParser.ParseMachine(ctx, bo, bloc, c.QueryLanguage, isTopLevel: false);
                if (branch is not null)
                {
                    StructureValidator.Validate(branch, bloc, ctx);
                    branches.Add(branch);
                }
            }
        }

        return Apply(
            new ParallelState
            {
                Name = c.Name,
                Branches = branches,
                Parameters = ctx.Template(obj, "Parameters", loc, mustBeObject: false),
                ResultSelector = ctx.Template(obj, "ResultSelector", loc),
                ResultPath = ctx.NullablePathField(obj, "ResultPath", loc, allowNull: true, reference: true),
                Retry = ParseRetriers(ctx, obj, loc),
                Catch = ParseCatchers(ctx, obj, loc, c.QueryLanguage),
                Arguments = obj.TryGetPropertyValue("Arguments", out var args) ? args?.DeepClone() : null,
            },
            c);
    }
}
