using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Nimbus.Gateway.Validation;

/// <summary>JSON Schema draft 4, as API Gateway validates request bodies against models.</summary>
/// <remarks>
/// Keywords: <c>type</c> (one or a list; <c>integer</c> is a number without fraction), <c>enum</c>, <c>properties</c>,
/// <c>required</c>, <c>additionalProperties</c>, <c>patternProperties</c>, <c>min/maxProperties</c>, <c>items</c>
/// (one schema or a tuple), <c>additionalItems</c>, <c>min/maxItems</c>, <c>uniqueItems</c>, <c>min/maxLength</c>,
/// <c>pattern</c>, <c>minimum</c>/<c>maximum</c> with draft-4 boolean <c>exclusiveMinimum/Maximum</c>,
/// <c>multipleOf</c>, <c>allOf</c>, <c>anyOf</c>, <c>oneOf</c>, <c>not</c>, <c>$ref</c> (<c>#/…</c> pointers and
/// API Gateway model URLs <c>https://apigateway.amazonaws.com/restapis/{id}/models/{name}</c>), <c>definitions</c>.
/// <c>format</c> is not asserted. Messages follow java-json-schema-validator, which API Gateway reports in
/// <c>$context.error.validationErrorString</c>.
/// </remarks>
internal sealed class JsonSchemaValidator(Func<string, JsonNode?> models)
{
    private static readonly TimeSpan RegexTimeout = TimeSpan.FromSeconds(1);

    public List<string> Validate(JsonNode? schema, JsonNode? instance)
    {
        var errors = new List<string>();
        Check(schema, schema, instance, errors, 0);
        return errors;
    }

    private void Check(JsonNode? root, JsonNode? schemaNode, JsonNode? instance, List<string> errors, int depth)
    {
        if (schemaNode is not JsonObject schema || depth > 64)
        {
            return;
        }

        if (schema["$ref"] is JsonValue refValue)
        {
            var (target, targetRoot) = Resolve(root, refValue.GetValue<string>());
            Check(targetRoot, target, instance, errors, depth + 1);
            return;
        }

        var kind = KindOf(instance);
        if (schema["type"] is { } type)
        {
            var allowed = type is JsonArray a ? a.Select(x => x!.GetValue<string>()).ToList() : [type.GetValue<string>()];
            if (!allowed.Any(t => t == kind || (t == "number" && kind == "integer")))
            {
                errors.Add($"instance type ({kind}) does not match any allowed primitive type (allowed: [{string.Join(",", allowed.Select(Quote))}])");
                return;
            }
        }

        if (schema["enum"] is JsonArray values && !values.Any(v => JsonNode.DeepEquals(v, instance)))
        {
            errors.Add($"instance value ({Write(instance)}) not found in enum (possible values: [{string.Join(",", values.Select(Write))}])");
        }

        foreach (var (keyword, combine) in new[] { ("allOf", 0), ("anyOf", 1), ("oneOf", 2) })
        {
            if (schema[keyword] is not JsonArray subs)
            {
                continue;
            }

            var passed = subs.Count(s =>
            {
                var sub = new List<string>();
                Check(root, s, instance, sub, depth + 1);
                if (combine == 0)
                {
                    errors.AddRange(sub);
                }

                return sub.Count == 0;
            });
            if (combine == 1 && passed == 0)
            {
                errors.Add($"instance failed to match at least one required schema among {subs.Count}");
            }
            else if (combine == 2 && passed != 1)
            {
                errors.Add($"instance failed to match exactly one schema (matched {passed} out of {subs.Count})");
            }
        }

        if (schema["not"] is JsonObject not)
        {
            var sub = new List<string>();
            Check(root, not, instance, sub, depth + 1);
            if (sub.Count == 0)
            {
                errors.Add("instance matched a schema which it should not have");
            }
        }

        switch (instance)
        {
            case JsonObject o:
                CheckObject(root, schema, o, errors, depth);
                break;
            case JsonArray arr:
                CheckArray(root, schema, arr, errors, depth);
                break;
            case JsonValue v when kind == "string":
                CheckString(schema, v.GetValue<string>(), errors);
                break;
            case JsonValue v when kind is "number" or "integer":
                CheckNumber(schema, v.GetValue<double>(), errors);
                break;
        }
    }

    private void CheckObject(JsonNode? root, JsonObject schema, JsonObject o, List<string> errors, int depth)
    {
        if (schema["required"] is JsonArray required)
        {
            var missing = required.Select(r => r!.GetValue<string>()).Where(r => !o.ContainsKey(r)).Order(StringComparer.Ordinal).ToList();
            if (missing.Count > 0)
            {
                errors.Add($"object has missing required properties ([{string.Join(",", missing.Select(Quote))}])");
            }
        }

        if (Int(schema, "minProperties") is { } minP && o.Count < minP)
        {
            errors.Add($"object has too few properties (found {o.Count}, required {minP})");
        }

        if (Int(schema, "maxProperties") is { } maxP && o.Count > maxP)
        {
            errors.Add($"object has too many properties (found {o.Count}, maximum {maxP})");
        }

        var properties = schema["properties"] as JsonObject;
        var patterns = schema["patternProperties"] as JsonObject;
        var extra = new List<string>();
        foreach (var (name, value) in o)
        {
            var matched = false;
            if (properties?[name] is JsonObject ps)
            {
                matched = true;
                Check(root, ps, value, errors, depth + 1);
            }
            else if (properties?.ContainsKey(name) == true)
            {
                matched = true;
            }

            foreach (var (pattern, sub) in patterns ?? [])
            {
                if (Regex.IsMatch(name, pattern, RegexOptions.None, RegexTimeout))
                {
                    matched = true;
                    Check(root, sub, value, errors, depth + 1);
                }
            }

            if (!matched)
            {
                switch (schema["additionalProperties"])
                {
                    case JsonValue b when b.GetValueKind() == JsonValueKind.False:
                        extra.Add(name);
                        break;
                    case JsonObject additional:
                        Check(root, additional, value, errors, depth + 1);
                        break;
                }
            }
        }

        if (extra.Count > 0)
        {
            errors.Add($"object instance has properties which are not allowed by the schema: [{string.Join(",", extra.Order(StringComparer.Ordinal).Select(Quote))}]");
        }
    }

    private void CheckArray(JsonNode? root, JsonObject schema, JsonArray arr, List<string> errors, int depth)
    {
        if (Int(schema, "minItems") is { } min && arr.Count < min)
        {
            errors.Add($"array is too short: must have at least {min} elements but instance has {arr.Count} elements");
        }

        if (Int(schema, "maxItems") is { } max && arr.Count > max)
        {
            errors.Add($"array is too long: must have at most {max} elements but instance has {arr.Count} elements");
        }

        if (schema["uniqueItems"] is JsonValue u && u.GetValueKind() == JsonValueKind.True)
        {
            for (var i = 0; i < arr.Count; i++)
            {
                if (arr.Take(i).Any(x => JsonNode.DeepEquals(x, arr[i])))
                {
                    errors.Add("array must not contain duplicate elements");
                    break;
                }
            }
        }

        switch (schema["items"])
        {
            case JsonObject items:
                foreach (var item in arr)
                {
                    Check(root, items, item, errors, depth + 1);
                }

                break;
            case JsonArray tuple:
                for (var i = 0; i < arr.Count; i++)
                {
                    if (i < tuple.Count)
                    {
                        Check(root, tuple[i], arr[i], errors, depth + 1);
                    }
                    else if (schema["additionalItems"] is JsonValue ai && ai.GetValueKind() == JsonValueKind.False)
                    {
                        errors.Add($"array is too long: must have at most {tuple.Count} elements but instance has {arr.Count} elements");
                        break;
                    }
                    else if (schema["additionalItems"] is JsonObject additional)
                    {
                        Check(root, additional, arr[i], errors, depth + 1);
                    }
                }

                break;
        }
    }

    private static void CheckString(JsonObject schema, string s, List<string> errors)
    {
        var length = s.EnumerateRunes().Count();
        if (Int(schema, "minLength") is { } min && length < min)
        {
            errors.Add($"string \"{s}\" is too short (length: {length}, required minimum: {min})");
        }

        if (Int(schema, "maxLength") is { } max && length > max)
        {
            errors.Add($"string \"{s}\" is too long (length: {length}, maximum allowed: {max})");
        }

        if (schema["pattern"] is JsonValue p && !Regex.IsMatch(s, p.GetValue<string>(), RegexOptions.None, RegexTimeout))
        {
            errors.Add($"ECMA 262 regex \"{p.GetValue<string>()}\" does not match input string \"{s}\"");
        }
    }

    private static void CheckNumber(JsonObject schema, double n, List<string> errors)
    {
        if (schema["minimum"] is JsonValue min)
        {
            var m = min.GetValue<double>();
            var exclusive = schema["exclusiveMinimum"] is JsonValue e && e.GetValueKind() == JsonValueKind.True;
            if (exclusive ? n <= m : n < m)
            {
                errors.Add(exclusive
                    ? $"numeric instance is not strictly greater than the required minimum (minimum: {Num(m)}, found: {Num(n)})"
                    : $"numeric instance is lower than the required minimum (minimum: {Num(m)}, found: {Num(n)})");
            }
        }

        if (schema["maximum"] is JsonValue max)
        {
            var m = max.GetValue<double>();
            var exclusive = schema["exclusiveMaximum"] is JsonValue e && e.GetValueKind() == JsonValueKind.True;
            if (exclusive ? n >= m : n > m)
            {
                errors.Add(exclusive
                    ? $"numeric instance is not strictly lower than the required maximum (maximum: {Num(m)}, found: {Num(n)})"
                    : $"numeric instance is greater than the required maximum (maximum: {Num(m)}, found: {Num(n)})");
            }
        }

        if (schema["multipleOf"] is JsonValue mo && mo.GetValue<double>() is var d && d > 0)
        {
            var q = n / d;
            if (Math.Abs(q - Math.Round(q)) > 1e-9)
            {
                errors.Add($"remainder of division is not zero ({Num(n)} / {Num(d)})");
            }
        }
    }

    private (JsonNode? Target, JsonNode? Root) Resolve(JsonNode? root, string reference)
    {
        var hash = reference.IndexOf('#', StringComparison.Ordinal);
        var document = hash < 0 ? reference : reference[..hash];
        var pointer = hash < 0 ? "" : reference[(hash + 1)..];
        var target = root;
        if (document.Length > 0)
        {
            var name = document.TrimEnd('/').Split('/')[^1];
            target = models(name);
            root = target;
        }

        foreach (var part in pointer.Split('/', StringSplitOptions.RemoveEmptyEntries))
        {
            var key = Uri.UnescapeDataString(part).Replace("~1", "/", StringComparison.Ordinal).Replace("~0", "~", StringComparison.Ordinal);
            target = target switch
            {
                JsonObject o => o[key],
                JsonArray a when int.TryParse(key, CultureInfo.InvariantCulture, out var i) && i < a.Count => a[i],
                _ => null,
            };
        }

        return (target, root);
    }

    private static string KindOf(JsonNode? n) => n switch
    {
        null => "null",
        JsonObject => "object",
        JsonArray => "array",
        JsonValue v => v.GetValueKind() switch
        {
            JsonValueKind.String => "string",
            JsonValueKind.True or JsonValueKind.False => "boolean",
            JsonValueKind.Number => IsInteger(v) ? "integer" : "number",
            _ => "null",
        },
        _ => "null",
    };

    private static bool IsInteger(JsonValue v)
    {
        var raw = v.ToJsonString();
        return !raw.Contains('.', StringComparison.Ordinal) && !raw.Contains('e', StringComparison.OrdinalIgnoreCase)
            || (double.TryParse(raw, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) && d == Math.Floor(d) && !raw.Contains('.', StringComparison.Ordinal));
    }

    private static int? Int(JsonObject schema, string name) => schema[name] is JsonValue v ? (int)v.GetValue<double>() : null;

    private static string Quote(string s) => "\"" + s + "\"";

    private static string Write(JsonNode? n) => n is null ? "null" : n.ToJsonString();

    private static string Num(double d) => d.ToString(CultureInfo.InvariantCulture);
}
