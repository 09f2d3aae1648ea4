using System.Text.Json.Nodes;
using Nimbus.Core.Errors;

namespace Nimbus.Data.DynamoDb.Expressions;

/// <summary>The ExpressionAttributeNames/Values of one request, shared by all its expressions, tracking which are used.</summary>
internal sealed class ExpressionContext
{
    private readonly JsonObject? _names;
    private readonly JsonObject? _values;
    private readonly HashSet<string> _usedNames = new(StringComparer.Ordinal);
    private readonly HashSet<string> _usedValues = new(StringComparer.Ordinal);
    private readonly Dictionary<string, JsonObject> _normalised = new(StringComparer.Ordinal);

    public ExpressionContext(JsonObject? names, JsonObject? values)
    {
        _names = names;
        _values = values;
        if (names is { Count: 0 })
        {
            throw AttributeValues.Validation("ExpressionAttributeNames must not be empty");
        }

        if (values is { Count: 0 })
        {
            throw AttributeValues.Validation("ExpressionAttributeValues must not be empty");
        }

        foreach (var (key, _) in names ?? [])
        {
            if (key.Length < 2 || key[0] != '#' || !key.Skip(1).All(IsNameChar))
            {
                throw AttributeValues.Validation($"ExpressionAttributeNames contains invalid key: Syntax error; key: \"{key}\"");
            }
        }

        foreach (var (key, value) in values ?? [])
        {
            if (key.Length < 2 || key[0] != ':' || !key.Skip(1).All(IsNameChar))
            {
                throw AttributeValues.Validation($"ExpressionAttributeValues contains invalid key: Syntax error; key: \"{key}\"");
            }

            try
            {
                _normalised[key] = AttributeValues.Normalise(value as JsonObject ?? throw AttributeValues.Validation("Supplied AttributeValue is empty, must contain exactly one of the supported datatypes"));
            }
            catch (AwsServiceException e) when (e.Error.Code == "ValidationException")
            {
                throw AttributeValues.Validation($"ExpressionAttributeValues contains invalid value: {e.Error.Message} for key {key}");
            }
        }
    }

    public static ExpressionContext From(JsonObject body) =>
        new(body["ExpressionAttributeNames"] as JsonObject, body["ExpressionAttributeValues"] as JsonObject);

    public bool HasNames => _names is not null;

    public bool HasValues => _values is not null;

    public static bool IsNameChar(char c) => char.IsAsciiLetterOrDigit(c) || c == '_';

    public string Name(string placeholder, string kind)
    {
        if (_names?[placeholder]?.GetValue<string>() is not { } name)
        {
            throw AttributeValues.Validation($"Invalid {kind}: An expression attribute name used in the document path is not defined; attribute name: {placeholder}");
        }

        _usedNames.Add(placeholder);
        return name;
    }

    public JsonObject Value(string placeholder, string kind)
    {
        if (!_normalised.TryGetValue(placeholder, out var value))
        {
            throw AttributeValues.Validation($"Invalid {kind}: An expression attribute value used in expression is not defined; attribute value: {placeholder}");
        }

        _usedValues.Add(placeholder);
        return value;
    }

    /// <summary>AWS rejects names and values that no expression of the request used.</summary>
    public void CheckUnused()
    {
        var names = _names?.Select(p => p.Key).Where(k => !_usedNames.Contains(k)).ToList() ?? [];
        if (names.Count > 0)
        {
            throw AttributeValues.Validation($"Value provided in ExpressionAttributeNames unused in expressions: keys: {{{string.Join(", ", names)}}}");
        }

        var values = _values?.Select(p => p.Key).Where(k => !_usedValues.Contains(k)).ToList() ?? [];
        if (values.Count > 0)
        {
            throw AttributeValues.Validation($"Value provided in ExpressionAttributeValues unused in expressions: keys: {{{string.Join(", ", values)}}}");
        }
    }
}
