using System.Collections.Frozen;
using System.Text.Json;
using System.Text.Json.Nodes;
using Nimbus.StepFunctions.Asl.Model;
using Nimbus.StepFunctions.Asl.Validation;
using Nimbus.StepFunctions.Json;

namespace Nimbus.StepFunctions.Asl.Parsing;

/// <summary>
/// Parses ASL JSON into the immutable model and validates it, reporting every problem at once
/// (like <c>ValidateStateMachineDefinition</c>). Use <see cref="Parse(string)"/>.
/// </summary>
public static partial class AslParser
{
    public static AslParseResult Parse(string definitionJson)
    {
        JsonNode? root;
        try
        {
            root = JsonNode.Parse(definitionJson, documentOptions: new JsonDocumentOptions { MaxDepth = 512 });
            DuplicateKeyCheck(definitionJson);
        }
        catch (JsonException ex)
        {
            return new AslParseResult(null, [new AslDiagnostic(AslDiagnostic.InvalidJson, ex.Message, "/")]);
        }
        catch (DuplicateKeyException ex)
        {
            return new AslParseResult(null, [new AslDiagnostic(AslDiagnostic.InvalidJson, ex.Message, ex.Location)]);
        }

        return Parse(root);
    }

    public static AslParseResult Parse(JsonNode? root)
    {
        var ctx = new ParseContext();
        if (root is not JsonObject obj)
        {
            ctx.Error("", "The state machine definition must be a JSON object");
            return new AslParseResult(null, ctx.Diagnostics);
        }

        var ql = QueryLanguageKind.JsonPath;
        if (obj.TryGetPropertyValue("QueryLanguage", out var qlNode))
        {
            ql = ParseQueryLanguage(ctx, qlNode, "/QueryLanguage") ?? ql;
        }

        int? timeout = null;
        if (obj.TryGetPropertyValue("TimeoutSeconds", out var t))
        {
            timeout = ctx.NonNegativeInt(t, "/TimeoutSeconds", "TimeoutSeconds");
        }

        string? version = null;
        if (obj.TryGetPropertyValue("Version", out var v))
        {
            version = ctx.String(v, "/Version", "Version");
        }

        ctx.CheckAllowed(obj, "", TopLevelFields, "State Machine");
        var def = ParseMachine(ctx, obj, "", ql, isTopLevel: true);
        if (def is not null)
        {
            def = def with { TimeoutSeconds = timeout, Version = version };
            StructureValidator.Validate(def, "", ctx);
        }

        return new AslParseResult(ctx.HasErrors ? null : def, ctx.Diagnostics);
    }

    private static readonly FrozenSet<string> TopLevelFields =
        FrozenSet.ToFrozenSet(["StartAt", "States", "Comment", "Version", "TimeoutSeconds", "QueryLanguage"]);

    private static readonly FrozenSet<string> BranchFields =
        FrozenSet.ToFrozenSet(["StartAt", "States", "Comment", "ProcessorConfig", "QueryLanguage"]);

    internal static QueryLanguageKind? ParseQueryLanguage(ParseContext ctx, JsonNode? node, string location)
    {
        switch (JsonText.AsString(node))
        {
            case "JSONPath":
                return QueryLanguageKind.JsonPath;
            case "JSONata":
                return QueryLanguageKind.Jsonata;
            default:
                ctx.Error(location, "Field \"QueryLanguage\" is not one of the allowed values [\"JSONPath\", \"JSONata\"]");
                return null;
        }
    }

    internal static StateMachineDefinition? ParseMachine(ParseContext ctx, JsonObject obj, string location, QueryLanguageKind ql, bool isTopLevel)
    {
        if (!isTopLevel)
        {
            ctx.CheckAllowed(obj, location, BranchFields, "Branch");
        }

        var startAt = ctx.RequiredString(obj, "StartAt", location);
        if (!obj.TryGetPropertyValue("States", out var statesNode) || statesNode is not JsonObject states)
        {
            ctx.Error(location + "/States", "A State Machine MUST have an object field named \"States\"");
            return null;
        }

        var comment = obj.TryGetPropertyValue("Comment", out var c) ? ctx.String(c, location + "/Comment", "Comment") : null;
        var parsed = new Dictionary<string, StateDefinition>(StringComparer.Ordinal);
        foreach (var (name, stateNode) in states)
        {
            var loc = location + "/States/" + name;
            if (name.Length > 80)
            {
                ctx.Error(loc, $"State name \"{name}\" is longer than 80 characters");
            }

            if (stateNode is not JsonObject stateObj)
            {
                ctx.Error(loc, $"State \"{name}\" must be an object");
                continue;
            }

            var state = StateParser.Parse(ctx, name, stateObj, loc, ql);
            if (state is not null)
            {
                parsed[name] = state;
            }
        }

        if (startAt is null)
        {
            return null;
        }

        return new StateMachineDefinition(startAt, parsed.ToFrozenDictionary(StringComparer.Ordinal), ql, comment);
    }

    private sealed class DuplicateKeyException(string message, string location) : Exception(message)
    {
        public string Location { get; } = location;
    }

    /// <summary>ASL forbids duplicate keys; System.Text.Json's node parser would silently keep the last one.</summary>
    private static void DuplicateKeyCheck(string json)
    {
        var reader = new Utf8JsonReader(System.Text.Encoding.UTF8.GetBytes(json), new JsonReaderOptions { MaxDepth = 512 });
        var stack = new Stack<HashSet<string>?>();
        var path = new Stack<string>();
        string? lastKey = null;
        while (reader.Read())
        {
            switch (reader.TokenType)
            {
                case JsonTokenType.StartObject:
                    stack.Push(new HashSet<string>(StringComparer.Ordinal));
                    path.Push(lastKey ?? "");
                    lastKey = null;
                    break;
                case JsonTokenType.StartArray:
                    stack.Push(null);
                    path.Push(lastKey ?? "");
                    lastKey = null;
                    break;
                case JsonTokenType.EndObject:
                case JsonTokenType.EndArray:
                    stack.Pop();
                    path.Pop();
                    break;
                case JsonTokenType.PropertyName:
                    var key = reader.GetString()!;
                    if (stack.Peek() is { } set && !set.Add(key))
                    {
                        var loc = "/" + string.Join("/", path.Reverse().Where(p => p.Length > 0));
                        throw new DuplicateKeyException($"Duplicate field \"{key}\"", loc);
                    }

                    lastKey = key;
                    break;
                default:
                    lastKey = null;
                    break;
            }
        }
    }
}
