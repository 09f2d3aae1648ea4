using System.Text.Json.Nodes;

namespace Nimbus.Data.DynamoDb.Expressions;

/// <summary>
/// The legacy (pre-expression) parameters translated into expression ASTs: Expected, QueryFilter, ScanFilter
/// (with ConditionalOperator), KeyConditions and AttributeUpdates.
/// </summary>
internal static class Legacy
{
    /// <summary>AWS rejects a request mixing a legacy parameter with an expression parameter.</summary>
    public static void CheckNotMixed(JsonObject body, string[] legacy, string[] expressions)
    {
        var l = legacy.Where(body.ContainsKey).ToList();
        var e = expressions.Where(body.ContainsKey).ToList();
        if (l.Count > 0 && e.Count > 0)
        {
            throw AttributeValues.Validation($"Can not use both expression and non-expression parameters in the same request: Non-expression parameters: {{{string.Join(", ", l)}}} Expression parameters: {{{string.Join(", ", e)}}}");
        }

        if (body["ConditionalOperator"] is not null && !legacy.Where(n => n != "AttributesToGet" && n != "AttributeUpdates").Any(body.ContainsKey))
        {
            throw AttributeValues.Validation("ConditionalOperator can only be used when Filter or Expected conditions have been specified");
        }
    }

    private static ValueOperand Value(JsonNode? node) =>
        new(":legacy", AttributeValues.Normalise(node as JsonObject ?? throw AttributeValues.Validation("Supplied AttributeValue is empty, must contain exactly one of the supported datatypes")));

    private static PathOperand Path(string name) => new(new DocPath([new PathElement(name, 0)]));

    /// <summary>Expected: per attribute Exists/Value or ComparisonOperator/AttributeValueList, joined by ConditionalOperator.</summary>
    public static Condition? Expected(JsonObject body)
    {
        if (body["Expected"] is not JsonObject expected)
        {
            return null;
        }

        var parts = new List<Condition>();
        foreach (var (name, spec) in expected)
        {
            var s = spec!.AsObject();
            if (s["ComparisonOperator"] is not null)
            {
                if (s["Value"] is not null || s["Exists"] is not null)
                {
                    throw AttributeValues.Validation($"One or more parameter values were invalid: Exists and Value cannot be used with ComparisonOperator for Attribute: {name}");
                }

                parts.Add(Comparison(name, s));
                continue;
            }

            var exists = s["Exists"]?.GetValue<bool>() ?? true;
            if (!exists)
            {
                if (s["Value"] is not null)
                {
                    throw AttributeValues.Validation($"One or more parameter values were invalid: Value cannot be used when Exists is false for Attribute: {name}");
                }

                parts.Add(new FunctionCondition("attribute_not_exists", [Path(name)]));
            }
            else
            {
                if (s["Value"] is null)
                {
                    throw AttributeValues.Validation($"One or more parameter values were invalid: Value must be provided when Exists is true for Attribute: {name}");
                }

                parts.Add(new CompareCondition("=", Path(name), Value(s["Value"])));
            }
        }

        return Join(parts, body);
    }

    /// <summary>QueryFilter / ScanFilter: per attribute ComparisonOperator and AttributeValueList.</summary>
    public static Condition? Filter(JsonObject body, string member) =>
        body[member] is JsonObject filter ? Join(filter.Select(p => Comparison(p.Key, p.Value!.AsObject())).ToList(), body) : null;

    private static Condition? Join(List<Condition> parts, JsonObject body)
    {
        if (parts.Count == 0)
        {
            return null;
        }

        var op = body["ConditionalOperator"]?.GetValue<string>() ?? "AND";
        if (op is not ("AND" or "OR"))
        {
            throw AttributeValues.Validation($"1 validation error detected: Value '{op}' at 'conditionalOperator' failed to satisfy constraint: Member must satisfy enum value set: [AND, OR]");
        }

        return parts.Aggregate((a, b) => op == "AND" ? new AndCondition(a, b) : new OrCondition(a, b));
    }

    private static Condition Comparison(string name, JsonObject spec)
    {
        var op = spec["ComparisonOperator"]?.GetValue<string>() ?? throw AttributeValues.Validation("1 validation error detected: Value null at 'comparisonOperator' failed to satisfy constraint: Member must not be null");
        var args = ((spec["AttributeValueList"] as JsonArray) ?? []).Select(Value).ToList();
        var expected = op switch
        {
            "NULL" or "NOT_NULL" => 0,
            "BETWEEN" => 2,
            "IN" => -1,
            "EQ" or "NE" or "LE" or "LT" or "GE" or "GT" or "CONTAINS" or "NOT_CONTAINS" or "BEGINS_WITH" => 1,
            _ => throw AttributeValues.Validation($"1 validation error detected: Value '{op}' at 'comparisonOperator' failed to satisfy constraint: Member must satisfy enum value set: [IN, NULL, BETWEEN, LT, NOT_CONTAINS, EQ, GT, NOT_NULL, NE, LE, BEGINS_WITH, GE, CONTAINS]"),
        };
        if (expected >= 0 ? args.Count != expected : args.Count == 0)
        {
            throw AttributeValues.Validation($"One or more parameter values were invalid: Invalid number of argument(s) for the {op} ComparisonOperator");
        }

        var path = Path(name);
        return op switch
        {
            "EQ" => new CompareCondition("=", path, args[0]),
            "NE" => new CompareCondition("<>", path, args[0]),
            "LE" => new CompareCondition("<=", path, args[0]),
            "LT" => new CompareCondition("<", path, args[0]),
            "GE" => new CompareCondition(">=", path, args[0]),
            "GT" => new CompareCondition(">", path, args[0]),
            "NULL" => new FunctionCondition("attribute_not_exists", [path]),
            "NOT_NULL" => new FunctionCondition("attribute_exists", [path]),
            "CONTAINS" => new FunctionCondition("contains", [path, args[0]]),
            "NOT_CONTAINS" => new AndCondition(new FunctionCondition("attribute_exists", [path]), new NotCondition(new FunctionCondition("contains", [path, args[0]]))),
            "BEGINS_WITH" => new FunctionCondition("begins_with", [path, args[0]]),
            "IN" => new InCondition(path, args),
            _ => new BetweenCondition(path, args[0], args[1]),
        };
    }

    /// <summary>KeyConditions: EQ on the hash key and EQ/LE/LT/GE/GT/BEGINS_WITH/BETWEEN on the sort key.</summary>
    public static Condition KeyConditions(JsonObject conditions)
    {
        var parts = new List<Condition>();
        foreach (var (name, spec) in conditions)
        {
            var op = spec!["ComparisonOperator"]?.GetValue<string>();
            if (op is not ("EQ" or "LE" or "LT" or "GE" or "GT" or "BEGINS_WITH" or "BETWEEN"))
            {
                throw AttributeValues.Validation($"Attempted conditional constraint is not an indexable operation");
            }

            parts.Add(Comparison(name, spec.AsObject()));
        }

        return parts.Count == 0
            ? throw AttributeValues.Validation("Conditions can be of length 1 or 2 only")
            : parts.Aggregate((a, b) => new AndCondition(a, b));
    }

    /// <summary>AttributeUpdates: PUT (SET), DELETE (REMOVE, or DELETE from a set), ADD (numbers, sets, and list append).</summary>
    public static UpdateExpression? AttributeUpdates(JsonObject body)
    {
        if (body["AttributeUpdates"] is not JsonObject updates)
        {
            return null;
        }

        var actions = new List<UpdateAction>();
        foreach (var (name, spec) in updates)
        {
            var action = spec?["Action"]?.GetValue<string>() ?? "PUT";
            var path = new DocPath([new PathElement(name, 0)]);
            var value = spec?["Value"] is { } v ? Value(v) : null;
            switch (action)
            {
                case "PUT":
                    actions.Add(new UpdateAction(UpdateKind.Set, path, value ?? throw AttributeValues.Validation($"One or more parameter values were invalid: Only DELETE action is allowed when no attribute value is specified")));
                    break;
                case "DELETE":
                    if (value is not null && value.Value.First().Key is not ("SS" or "NS" or "BS"))
                    {
                        throw AttributeValues.Validation("One or more parameter values were invalid: DELETE action with value is not supported for the type " + ExpressionParser.TypeName(value.Value.First().Key));
                    }

                    actions.Add(value is null ? new UpdateAction(UpdateKind.Remove, path, null) : new UpdateAction(UpdateKind.Delete, path, value));
                    break;
                case "ADD":
                    if (value is null)
                    {
                        throw AttributeValues.Validation("One or more parameter values were invalid: ADD action requires a value");
                    }

                    actions.Add(value.Value.First().Key switch
                    {
                        "N" or "SS" or "NS" or "BS" => new UpdateAction(UpdateKind.Add, path, value),
                        "L" => new UpdateAction(UpdateKind.Set, path, new ListAppendOperand(
                            new IfNotExistsOperand(path, new ValueOperand(":empty", new JsonObject { ["L"] = new JsonArray() })), value)),
                        _ => throw AttributeValues.Validation("One or more parameter values were invalid: ADD action is not supported for the type " + ExpressionParser.TypeName(value.Value.First().Key)),
                    });
                    break;
                default:
                    throw AttributeValues.Validation($"1 validation error detected: Value '{action}' at 'attributeUpdates.{name}.member.action' failed to satisfy constraint: Member must satisfy enum value set: [ADD, PUT, DELETE]");
            }
        }

        return new UpdateExpression(actions);
    }
}
