using System.Text.Json.Nodes;
using Nimbus.Core.Identity;
using Nimbus.Data.DynamoDb.Expressions;

namespace Nimbus.Data.DynamoDb;

/// <summary>Item operations: put, get, update, delete, batches.</summary>
internal sealed partial class DynamoDbApi
{
    private async Task<JsonObject> PutItem(JsonObject body, AwsRequestContext caller)
    {
        var table = store.Get(caller.AccountId, caller.Region, TableName(body));
        var item = CheckedItem(table, body["Item"] as JsonObject ?? throw Validation("1 validation error detected: Value null at 'item' failed to satisfy constraint: Member must not be null"));
        var (hk, sk) = AttributeValues.ItemKey(table, item);
        var returnValues = ReturnValues(body, "NONE", "ALL_OLD");
        var (condition, onFailure) = Condition(body);
        var old = await store.MutateAsync(table, hk, sk, old =>
        {
            Check(condition, old, onFailure);
            return item;
        });
        Meter.Value?.Write(table, old, item);
        return returnValues == "ALL_OLD" && old is not null ? new JsonObject { ["Attributes"] = old } : [];
    }

    /// <summary>A normalised item that fits the item limit and every secondary index's key types.</summary>
    private static JsonObject CheckedItem(DynamoTable table, JsonObject raw, string tooBig = "Item size has exceeded the maximum allowed size")
    {
        var item = AttributeValues.NormaliseItem(raw);
        _ = AttributeValues.ItemKey(table, item);
        CheckSize(item, tooBig);
        CheckIndexKeys(table, item);
        return item;
    }

    private static void CheckSize(JsonObject item, string message)
    {
        if (AttributeValues.ItemSize(item) > AttributeValues.MaxItemBytes)
        {
            throw Validation(message);
        }
    }

    private static void CheckIndexKeys(DynamoTable table, JsonObject item)
    {
        foreach (var index in table.Indexes)
        {
            foreach (var key in new[] { index.Hash, index.Range })
            {
                if (key is null || item[key.Name] is not JsonObject value)
                {
                    continue;
                }

                var (type, v) = value.First();
                if (type != key.Type)
                {
                    throw Validation($"One or more parameter values were invalid: Type mismatch for Index Key {key.Name} Expected: {key.Type} Actual: {type} IndexName: {index.Name}");
                }

                if (type is "S" or "B" && v!.GetValue<string>().Length == 0)
                {
                    throw Validation($"One or more parameter values are not valid. A value specified for a secondary index key is not supported. The AttributeValue for a key attribute cannot contain an empty {(type == "S" ? "string" : "binary")} value. IndexName: {index.Name}, IndexKey: {key.Name}");
                }
            }
        }
    }

    /// <summary>The request's ConditionExpression (null when absent) and ReturnValuesOnConditionCheckFailure; checks names/values use.</summary>
    private static (Condition? Condition, string OnFailure) Condition(JsonObject body)
    {
        Legacy.CheckNotMixed(body, ["Expected"], ["ConditionExpression"]);
        var context = ExpressionContext.From(body);
        var expression = body["ConditionExpression"]?.GetValue<string>();
        RequireExpressions(context, expression is null, "ConditionExpression is null");
        var condition = expression is null ? Legacy.Expected(body) : ExpressionParser.ParseCondition(expression, "ConditionExpression", context);
        context.CheckUnused();
        return (condition, OnFailure(body));
    }

    private static string OnFailure(JsonObject body)
    {
        var value = body["ReturnValuesOnConditionCheckFailure"]?.GetValue<string>() ?? "NONE";
        return value is "NONE" or "ALL_OLD"
            ? value
            : throw Validation($"1 validation error detected: Value '{value}' at 'returnValuesOnConditionCheckFailure' failed to satisfy constraint: Member must satisfy enum value set: [ALL_OLD, NONE]");
    }

    /// <summary>Names and values are only allowed alongside an expression that can use them.</summary>
    private static void RequireExpressions(ExpressionContext context, bool none, string which)
    {
        if (!none)
        {
            return;
        }

        if (context.HasNames)
        {
            throw Validation("ExpressionAttributeNames can only be specified when using expressions");
        }

        if (context.HasValues)
        {
            throw Validation($"ExpressionAttributeValues can only be specified when using expressions: {which}");
        }
    }

    private static void Check(Condition? condition, JsonObject? old, string onFailure)
    {
        if (condition is not null && !Evaluator.Matches(condition, old))
        {
            throw DynamoErrors.ConditionalCheckFailed(old, onFailure);
        }
    }

    private JsonObject GetItem(JsonObject body, AwsRequestContext caller)
    {
        var table = store.Get(caller.AccountId, caller.Region, TableName(body));
        var key = body["Key"] as JsonObject ?? throw Validation("1 validation error detected: Value null at 'key' failed to satisfy constraint: Member must not be null");
        var (hk, sk) = AttributeValues.RequestKey(table, key);
        var projection = Projection(body);
        var item = store.GetItem(table, hk, sk);
        Meter.Value?.Read(table, null, item is null ? 0 : AttributeValues.ItemSize(item), body["ConsistentRead"]?.GetValue<bool>() == true);
        return item is null ? [] : new JsonObject { ["Item"] = projection is null ? item : Evaluator.Project(item, projection) };
    }

    /// <summary>The paths of ProjectionExpression (or legacy AttributesToGet), null when the whole item is wanted.</summary>
    private static List<DocPath>? Projection(JsonObject body, ExpressionContext? shared = null)
    {
        var context = shared ?? ExpressionContext.From(body);
        var expression = body["ProjectionExpression"]?.GetValue<string>();
        if (expression is not null && body["AttributesToGet"] is not null)
        {
            throw Validation("Can not use both expression and non-expression parameters in the same request: Non-expression parameters: {AttributesToGet} Expression parameters: {ProjectionExpression}");
        }

        List<DocPath>? paths = null;
        if (expression is not null)
        {
            paths = ExpressionParser.ParseProjection(expression, context);
        }
        else if (body["AttributesToGet"] is JsonArray names)
        {
            var list = names.Select(n => n!.GetValue<string>()).ToList();
            if (list.Distinct(StringComparer.Ordinal).Count() != list.Count)
            {
                throw Validation($"One or more parameter values were invalid: Duplicate value in attribute name: {list.GroupBy(n => n, StringComparer.Ordinal).First(g => g.Count() > 1).Key}");
            }

            paths = list.Select(n => new DocPath([new PathElement(n, 0)])).ToList();
        }

        if (shared is null)
        {
            RequireExpressions(context, expression is null, "ProjectionExpression is null");
            context.CheckUnused();
        }

        return paths;
    }

    private async Task<JsonObject> DeleteItem(JsonObject body, AwsRequestContext caller)
    {
        var table = store.Get(caller.AccountId, caller.Region, TableName(body));
        var key = body["Key"] as JsonObject ?? throw Validation("1 validation error detected: Value null at 'key' failed to satisfy constraint: Member must not be null");
        var (hk, sk) = AttributeValues.RequestKey(table, key);
        var returnValues = ReturnValues(body, "NONE", "ALL_OLD");
        var (condition, onFailure) = Condition(body);
        var old = await store.MutateAsync(table, hk, sk, old =>
        {
            Check(condition, old, onFailure);
            return null;
        });
        Meter.Value?.Write(table, old, null);
        return returnValues == "ALL_OLD" && old is not null ? new JsonObject { ["Attributes"] = old } : [];
    }

    private async Task<JsonObject> UpdateItem(JsonObject body, AwsRequestContext caller)
    {
        var table = store.Get(caller.AccountId, caller.Region, TableName(body));
        var key = body["Key"] as JsonObject ?? throw Validation("1 validation error detected: Value null at 'key' failed to satisfy constraint: Member must not be null");
        var (hk, sk) = AttributeValues.RequestKey(table, key);
        var returnValues = ReturnValues(body, "NONE", "ALL_OLD", "UPDATED_OLD", "ALL_NEW", "UPDATED_NEW");
        var (update, condition, onFailure) = ParseUpdate(table, body);
        var keyItem = AttributeValues.NormaliseItem(key);
        var (old, updated) = await store.MutateItemAsync(table, hk, sk, old => Updated(table, update, condition, onFailure, old, keyItem));
        Meter.Value?.Write(table, old, updated);
        var attributes = returnValues switch
        {
            "ALL_OLD" => old,
            "ALL_NEW" => updated,
            "UPDATED_OLD" when old is not null && update is not null => Evaluator.Project(old, update.Paths),
            "UPDATED_NEW" when updated is not null && update is not null => Evaluator.Project(updated, update.Paths),
            _ => null,
        };
        return attributes is { Count: > 0 } ? new JsonObject { ["Attributes"] = attributes } : [];
    }

    /// <summary>UpdateExpression and ConditionExpression of an update (in UpdateItem or a transaction), with AWS's checks.</summary>
    private static (UpdateExpression? Update, Condition? Condition, string OnFailure) ParseUpdate(DynamoTable table, JsonObject body)
    {
        Legacy.CheckNotMixed(body, ["AttributeUpdates", "Expected"], ["UpdateExpression", "ConditionExpression"]);
        var context = ExpressionContext.From(body);
        var updateText = body["UpdateExpression"]?.GetValue<string>();
        var conditionText = body["ConditionExpression"]?.GetValue<string>();
        RequireExpressions(context, updateText is null && conditionText is null, "UpdateExpression and ConditionExpression are null");
        var update = updateText is null ? Legacy.AttributeUpdates(body) : ExpressionParser.ParseUpdate(updateText, context);
        var condition = conditionText is null ? Legacy.Expected(body) : ExpressionParser.ParseCondition(conditionText, "ConditionExpression", context);
        context.CheckUnused();
        foreach (var path in update?.Paths ?? [])
        {
            if (table.IsKey(path.Top))
            {
                throw Validation($"One or more parameter values were invalid: Cannot update attribute {path.Top}. This attribute is part of the key");
            }
        }

        return (update, condition, OnFailure(body));
    }

    /// <summary>The item after an update: the condition is checked against the current item, which is created from its key when missing.</summary>
    private static JsonObject Updated(DynamoTable table, UpdateExpression? update, Condition? condition, string onFailure, JsonObject? old, JsonObject keyItem)
    {
        Check(condition, old, onFailure);
        var next = update is null ? (JsonObject)(old ?? keyItem).DeepClone() : Evaluator.Apply(update, old ?? keyItem);
        CheckSize(next, "Item size to update has exceeded the maximum allowed size");
        CheckIndexKeys(table, next);
        return next;
    }

    private static string ReturnValues(JsonObject body, params string[] allowed)
    {
        var value = body["ReturnValues"]?.GetValue<string>() ?? "NONE";
        if (value is not ("NONE" or "ALL_OLD" or "UPDATED_OLD" or "ALL_NEW" or "UPDATED_NEW"))
        {
            throw Validation($"1 validation error detected: Value '{value}' at 'returnValues' failed to satisfy constraint: Member must satisfy enum value set: [ALL_NEW, UPDATED_OLD, ALL_OLD, NONE, UPDATED_NEW]");
        }

        if (!allowed.Contains(value))
        {
            throw Validation("Return values set to invalid value");
        }

        return value;
    }

    /// <summary>BatchGetItem returns at most 16 MB of items per call.</summary>
    private const long MaxBatchGetBytes = 16L * 1024 * 1024;

    private JsonObject BatchGetItem(JsonObject body, AwsRequestContext caller)
    {
        var request = body["RequestItems"] as JsonObject ?? throw Validation("1 validation error detected: Value null at 'requestItems' failed to satisfy constraint: Member must not be null");
        var total = request.Sum(p => (p.Value?["Keys"] as JsonArray)?.Count ?? 0);
        if (total > 100)
        {
            throw Validation("Too many items requested for the BatchGetItem call");
        }

        var responses = new JsonObject();
        var unprocessed = new JsonObject();
        long responseBytes = 0;
        foreach (var (name, spec) in request)
        {
            var table = store.Get(caller.AccountId, caller.Region, name);
            var projection = Projection(spec!.AsObject());
            var consistent = spec["ConsistentRead"]?.GetValue<bool>() == true;
            var found = new JsonArray();
            var seen = new HashSet<string>(StringComparer.Ordinal);
            JsonArray? left = null;
            foreach (var key in (spec["Keys"] as JsonArray) ?? [])
            {
                var (hk, sk) = AttributeValues.RequestKey(table, key!.AsObject());
                if (!seen.Add(Convert.ToHexString(hk) + "/" + Convert.ToHexString(sk)))
                {
                    throw Validation("Provided list of item keys contains duplicates");
                }

                if (responseBytes >= MaxBatchGetBytes)
                {
                    // As DynamoDB: a response stops at 16 MB and the keys not read come back as UnprocessedKeys.
                    (left ??= []).Add(key.DeepClone());
                    continue;
                }

                var item = store.GetItem(table, hk, sk);
                Meter.Value?.Read(table, null, item is null ? 0 : AttributeValues.ItemSize(item), consistent);
                if (item is not null)
                {
                    responseBytes += AttributeValues.ItemSize(item);
                    found.Add(projection is null ? item : Evaluator.Project(item, projection));
                }
            }

            responses[name] = found;
            if (left is not null)
            {
                var rest = (JsonObject)spec.DeepClone();
                rest["Keys"] = left;
                unprocessed[name] = rest;
            }
        }

        return new JsonObject { ["Responses"] = responses, ["UnprocessedKeys"] = unprocessed };
    }

    private async Task<JsonObject> BatchWriteItem(JsonObject body, AwsRequestContext caller)
    {
        var request = body["RequestItems"] as JsonObject ?? throw Validation("1 validation error detected: Value null at 'requestItems' failed to satisfy constraint: Member must not be null");
        var total = request.Sum(p => (p.Value as JsonArray)?.Count ?? 0);
        if (total > 25)
        {
            throw Validation($"1 validation error detected: Value at 'requestItems' failed to satisfy constraint: Map value must satisfy constraint: [Member must have length less than or equal to 25, Member must have length greater than or equal to 1]");
        }

        // Validate everything first: AWS rejects the whole batch when any request is invalid.
        var refs = new List<ItemRef>();
        var writes = new List<ItemWrite>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (name, list) in request)
        {
            var table = store.Get(caller.AccountId, caller.Region, name);
            foreach (var entry in (list as JsonArray) ?? [])
            {
                byte[] hk, sk;
                JsonObject? item = null;
                if (entry!["PutRequest"]?["Item"] is JsonObject raw)
                {
                    item = CheckedItem(table, raw);
                    (hk, sk) = AttributeValues.ItemKey(table, item);
                }
                else if (entry["DeleteRequest"]?["Key"] is JsonObject key)
                {
                    (hk, sk) = AttributeValues.RequestKey(table, key);
                }
                else
                {
                    throw Validation("Supplied AttributeValue has more than one datatypes set, must contain exactly one of the supported datatypes");
                }

                if (!seen.Add(table.Id + "/" + Convert.ToHexString(hk) + "/" + Convert.ToHexString(sk)))
                {
                    throw Validation("Provided list of item keys contains duplicates");
                }

                refs.Add(new ItemRef(table, hk, sk));
                writes.Add(new ItemWrite(true, item));
            }
        }

        if (refs.Count > 0)
        {
            var olds = await store.TransactAsync(refs, _ => writes);
            for (var i = 0; i < refs.Count; i++)
            {
                Meter.Value?.Write(refs[i].Table, olds[i], writes[i].Item);
            }
        }

        return new JsonObject { ["UnprocessedItems"] = new JsonObject() };
    }
}
