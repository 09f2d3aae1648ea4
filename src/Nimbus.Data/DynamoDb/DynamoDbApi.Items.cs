using System.Text.Json.Nodes;
using Nimbus.Core.Identity;

namespace Nimbus.Data.DynamoDb;

/// <summary>Item operations: put, get, delete, query, scan, batches.</summary>
internal sealed partial class DynamoDbApi
{
    private async Task<JsonObject> PutItemAsync(JsonObject body, AwsRequestContext caller)
    {
        var table = store.Get(caller.AccountId, caller.Region, TableName(body));
        var raw = body["Item"] as JsonObject ?? throw Validation("1 validation error detected: Value null at 'item' failed to satisfy constraint: Member must not be null");
        var item = AttributeValues.NormaliseItem(raw);
        var (hk, sk) = AttributeValues.ItemKey(table, item);
        if (AttributeValues.ItemSize(item) > AttributeValues.MaxItemBytes)
        {
            throw Validation("Item size has exceeded the maximum allowed size");
        }

        var returnValues = ReturnValues(body, "NONE", "ALL_OLD");
        var old = await store.MutateAsync(table, hk, sk, _ => item);
        return returnValues == "ALL_OLD" && old is not null ? new JsonObject { ["Attributes"] = old } : [];
    }

    private JsonObject GetItem(JsonObject body, AwsRequestContext caller)
    {
        var table = store.Get(caller.AccountId, caller.Region, TableName(body));
        var key = body["Key"] as JsonObject ?? throw Validation("1 validation error detected: Value null at 'key' failed to satisfy constraint: Member must not be null");
        var (hk, sk) = AttributeValues.RequestKey(table, key);
        var item = store.GetItem(table, hk, sk);
        if (item is null)
        {
            return [];
        }

        if (body["AttributesToGet"] is JsonArray names)
        {
            var wanted = names.Select(n => n!.GetValue<string>()).ToHashSet(StringComparer.Ordinal);
            foreach (var k in item.Select(p => p.Key).Where(k => !wanted.Contains(k)).ToList())
            {
                item.Remove(k);
            }
        }

        return new JsonObject { ["Item"] = item };
    }

    private async Task<JsonObject> DeleteItemAsync(JsonObject body, AwsRequestContext caller)
    {
        var table = store.Get(caller.AccountId, caller.Region, TableName(body));
        var key = body["Key"] as JsonObject ?? throw Validation("1 validation error detected: Value null at 'key' failed to satisfy constraint: Member must not be null");
        var (hk, sk) = AttributeValues.RequestKey(table, key);
        var returnValues = ReturnValues(body, "NONE", "ALL_OLD");
        var old = await store.MutateAsync(table, hk, sk, _ => null);
        return returnValues == "ALL_OLD" && old is not null ? new JsonObject { ["Attributes"] = old } : [];
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

    private const int PageBytes = 1024 * 1024;

    private JsonObject Query(JsonObject body, AwsRequestContext caller)
    {
        var table = store.Get(caller.AccountId, caller.Region, TableName(body));
        if (body["IndexName"] is not null)
        {
            throw Validation("Queries on secondary indexes are not supported by Nimbus yet");
        }

        var expression = body["KeyConditionExpression"]?.GetValue<string>() ?? throw Validation("Either the KeyConditions or KeyConditionExpression parameter must be specified in the request.");
        var condition = KeyCondition.Parse(table, expression, body["ExpressionAttributeNames"] as JsonObject, body["ExpressionAttributeValues"] as JsonObject);
        var forward = body["ScanIndexForward"]?.GetValue<bool>() ?? true;
        var limit = Limit(body);
        byte[]? after = null;
        if (body["ExclusiveStartKey"] is JsonObject start)
        {
            var (h, s) = AttributeValues.RequestKey(table, start);
            if (!h.AsSpan().SequenceEqual(condition.Hash))
            {
                throw Validation("The provided starting key is invalid: The provided key element does not match the schema");
            }

            after = table.Range is null ? null : s;
        }

        var items = table.Range is null && after is not null ? [] : store.Query(table, condition, forward, after, limit + 1);
        return Page(table, body, items, limit);
    }

    private JsonObject Scan(JsonObject body, AwsRequestContext caller)
    {
        var table = store.Get(caller.AccountId, caller.Region, TableName(body));
        if (body["FilterExpression"] is not null || body["IndexName"] is not null || body["TotalSegments"] is not null)
        {
            throw Validation("FilterExpression, IndexName and parallel scans are not supported by Nimbus yet");
        }

        var limit = Limit(body);
        (byte[], byte[])? after = body["ExclusiveStartKey"] is JsonObject start ? AttributeValues.RequestKey(table, start) : null;
        return Page(table, body, store.Scan(table, after, limit + 1), limit);
    }

    private static int Limit(JsonObject body)
    {
        var limit = body["Limit"]?.GetValue<int>();
        if (limit is < 1)
        {
            throw Validation($"1 validation error detected: Value '{limit}' at 'limit' failed to satisfy constraint: Member must have value greater than or equal to 1");
        }

        return limit ?? 10_000;
    }

    /// <summary>Cuts a read to <paramref name="limit"/> items or 1 MB, whichever first, with LastEvaluatedKey when more remain.</summary>
    private static JsonObject Page(DynamoTable table, JsonObject body, List<JsonObject> items, int limit)
    {
        var page = new List<JsonObject>();
        long bytes = 0;
        var more = false;
        foreach (var item in items)
        {
            if (page.Count == limit || bytes >= PageBytes)
            {
                more = true;
                break;
            }

            page.Add(item);
            bytes += AttributeValues.ItemSize(item);
        }

        var select = body["Select"]?.GetValue<string>() ?? "ALL_ATTRIBUTES";
        var result = new JsonObject { ["Count"] = page.Count, ["ScannedCount"] = page.Count };
        if (select != "COUNT")
        {
            result["Items"] = new JsonArray(page.Select(i => (JsonNode)i).ToArray());
        }

        if (more || (limit < 10_000 && page.Count == limit && items.Count > limit))
        {
            var last = page[^1];
            var key = new JsonObject { [table.Hash.Name] = last[table.Hash.Name]!.DeepClone() };
            if (table.Range is not null)
            {
                key[table.Range.Name] = last[table.Range.Name]!.DeepClone();
            }

            result["LastEvaluatedKey"] = key;
        }

        return result;
    }

    private JsonObject BatchGetItem(JsonObject body, AwsRequestContext caller)
    {
        var request = body["RequestItems"] as JsonObject ?? throw Validation("1 validation error detected: Value null at 'requestItems' failed to satisfy constraint: Member must not be null");
        var total = request.Sum(p => (p.Value?["Keys"] as JsonArray)?.Count ?? 0);
        if (total > 100)
        {
            throw Validation("Too many items requested for the BatchGetItem call");
        }

        var responses = new JsonObject();
        foreach (var (name, spec) in request)
        {
            var table = store.Get(caller.AccountId, caller.Region, name);
            var found = new JsonArray();
            var seen = new HashSet<string>(StringComparer.Ordinal);
            foreach (var key in (spec!["Keys"] as JsonArray) ?? [])
            {
                var (hk, sk) = AttributeValues.RequestKey(table, key!.AsObject());
                if (!seen.Add(Convert.ToHexString(hk) + "/" + Convert.ToHexString(sk)))
                {
                    throw Validation("Provided list of item keys contains duplicates");
                }

                if (store.GetItem(table, hk, sk) is { } item)
                {
                    found.Add(item);
                }
            }

            responses[name] = found;
        }

        return new JsonObject { ["Responses"] = responses, ["UnprocessedKeys"] = new JsonObject() };
    }

    private async Task<JsonObject> BatchWriteItemAsync(JsonObject body, AwsRequestContext caller)
    {
        var request = body["RequestItems"] as JsonObject ?? throw Validation("1 validation error detected: Value null at 'requestItems' failed to satisfy constraint: Member must not be null");
        var total = request.Sum(p => (p.Value as JsonArray)?.Count ?? 0);
        if (total > 25)
        {
            throw Validation($"1 validation error detected: Value at 'requestItems' failed to satisfy constraint: Map value must satisfy constraint: [Member must have length less than or equal to 25, Member must have length greater than or equal to 1]");
        }

        // Validate everything first: AWS rejects the whole batch when any request is invalid.
        var writes = new List<(DynamoTable Table, byte[] Hash, byte[] Sort, JsonObject? Item)>();
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
                    item = AttributeValues.NormaliseItem(raw);
                    (hk, sk) = AttributeValues.ItemKey(table, item);
                    if (AttributeValues.ItemSize(item) > AttributeValues.MaxItemBytes)
                    {
                        throw Validation("Item size has exceeded the maximum allowed size");
                    }
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

                writes.Add((table, hk, sk, item));
            }
        }

        // Issued together, so they share a group commit; each item is still its own atomic write, as in DynamoDB.
        await Task.WhenAll(writes.Select(w => store.MutateAsync(w.Table, w.Hash, w.Sort, _ => w.Item)));

        return new JsonObject { ["UnprocessedItems"] = new JsonObject() };
    }
}
