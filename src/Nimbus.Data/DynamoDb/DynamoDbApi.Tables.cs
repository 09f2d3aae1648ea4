using System.Globalization;
using System.Text.Json.Nodes;
using Nimbus.Core.Errors;
using Nimbus.Core.Identity;

namespace Nimbus.Data.DynamoDb;

/// <summary>Table operations: create, describe, list, update, delete, TTL, tags.</summary>
internal sealed partial class DynamoDbApi
{
    private JsonObject CreateTable(JsonObject body, AwsRequestContext caller)
    {
        var name = TableName(body);
        var keySchema = body["KeySchema"] as JsonArray ?? throw Validation("1 validation error detected: Value null at 'keySchema' failed to satisfy constraint: Member must not be null");
        var defs = body["AttributeDefinitions"] as JsonArray ?? throw Validation("1 validation error detected: Value null at 'attributeDefinitions' failed to satisfy constraint: Member must not be null");
        var types = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var d in defs)
        {
            var n = d!["AttributeName"]!.GetValue<string>();
            var t = d["AttributeType"]!.GetValue<string>();
            if (t is not ("S" or "N" or "B"))
            {
                throw Validation($"1 validation error detected: Value '{t}' at 'attributeDefinitions.1.member.attributeType' failed to satisfy constraint: Member must satisfy enum value set: [B, N, S]");
            }

            if (!types.TryAdd(n, t))
            {
                throw Validation("Cannot have two attributes with the same name");
            }
        }

        ValidateKeySchema(keySchema, types, "");
        var used = new HashSet<string>(keySchema.Select(k => k!["AttributeName"]!.GetValue<string>()), StringComparer.Ordinal);
        var billing = body["BillingMode"]?.GetValue<string>() ?? "PROVISIONED";
        if (billing is not ("PROVISIONED" or "PAY_PER_REQUEST"))
        {
            throw Validation($"1 validation error detected: Value '{billing}' at 'billingMode' failed to satisfy constraint: Member must satisfy enum value set: [PROVISIONED, PAY_PER_REQUEST]");
        }

        if (billing == "PROVISIONED" && body["ProvisionedThroughput"] is null)
        {
            throw Validation("One or more parameter values were invalid: ReadCapacityUnits and WriteCapacityUnits must both be specified when BillingMode is PROVISIONED");
        }

        if (billing == "PAY_PER_REQUEST" && body["ProvisionedThroughput"] is not null)
        {
            throw Validation("One or more parameter values were invalid: Neither ReadCapacityUnits nor WriteCapacityUnits can be specified when BillingMode is PAY_PER_REQUEST");
        }

        var indexNames = new HashSet<string>(StringComparer.Ordinal);
        var hashName = keySchema.First(k => k!["KeyType"]!.GetValue<string>() == "HASH")!["AttributeName"]!.GetValue<string>();
        foreach (var lsi in (body["LocalSecondaryIndexes"] as JsonArray) ?? [])
        {
            var ks = lsi!["KeySchema"]!.AsArray();
            ValidateKeySchema(ks, types, lsi["IndexName"]!.GetValue<string>());
            if (keySchema.Count != 2)
            {
                throw Validation("One or more parameter values were invalid: Table KeySchema does not have a range key, which is required when specifying a LocalSecondaryIndex");
            }

            var lsiHash = ks.First(k => k!["KeyType"]!.GetValue<string>() == "HASH")!["AttributeName"]!.GetValue<string>();
            if (ks.Count != 2 || lsiHash != hashName)
            {
                throw Validation($"One or more parameter values were invalid: Index KeySchema does not have the same leading hash key as table KeySchema for index: {lsi["IndexName"]}. index hash key: {lsiHash}, table hash key: {hashName}");
            }

            AddIndex(indexNames, used, lsi.AsObject());
        }

        if (body["LocalSecondaryIndexes"] is JsonArray { Count: > 5 })
        {
            throw Validation("One or more parameter values were invalid: Number of LocalSecondaryIndexes exceeds per-table limit of 5");
        }

        if (body["GlobalSecondaryIndexes"] is JsonArray { Count: > 20 })
        {
            throw Validation("One or more parameter values were invalid: Number of GlobalSecondaryIndexes exceeds per-table limit of 20");
        }

        foreach (var gsi in (body["GlobalSecondaryIndexes"] as JsonArray) ?? [])
        {
            ValidateKeySchema(gsi!["KeySchema"]!.AsArray(), types, gsi["IndexName"]!.GetValue<string>());
            if (billing == "PROVISIONED" && gsi["ProvisionedThroughput"] is null)
            {
                throw Validation($"One or more parameter values were invalid: ProvisionedThroughput must be specified for index: {gsi["IndexName"]}");
            }

            AddIndex(indexNames, used, gsi.AsObject());
        }

        var unused = types.Keys.Where(k => !used.Contains(k)).ToList();
        if (unused.Count > 0 || used.Any(u => !types.ContainsKey(u)))
        {
            throw Validation($"One or more parameter values were invalid: Number of attributes in KeySchema does not exactly match number of attributes defined in AttributeDefinitions");
        }

        var now = time.GetUtcNow().ToUnixTimeMilliseconds() / 1000.0;
        var definition = new JsonObject
        {
            ["AttributeDefinitions"] = defs.DeepClone(),
            ["KeySchema"] = keySchema.DeepClone(),
            ["CreationDateTime"] = now,
            ["BillingMode"] = billing,
        };
        foreach (var member in new[] { "LocalSecondaryIndexes", "GlobalSecondaryIndexes", "StreamSpecification", "ProvisionedThroughput", "DeletionProtectionEnabled", "TableClass" })
        {
            if (body[member] is { } v)
            {
                definition[member] = v.DeepClone();
            }
        }

        if (definition["StreamSpecification"] is JsonObject spec && spec["StreamEnabled"]?.GetValue<bool>() == true)
        {
            definition["LatestStreamLabel"] = time.GetUtcNow().ToString("yyyy-MM-ddTHH:mm:ss.fff", CultureInfo.InvariantCulture);
        }
        else
        {
            definition.Remove("StreamSpecification");
        }

        definition["Tags"] = body["Tags"]?.DeepClone() ?? new JsonArray();
        var table = store.Create(caller.AccountId, caller.Region, name, definition);
        return new JsonObject { ["TableDescription"] = Describe(table) };
    }

    private static void AddIndex(HashSet<string> names, HashSet<string> used, JsonObject index)
    {
        var n = index["IndexName"]!.GetValue<string>();
        if (!names.Add(n))
        {
            throw Validation($"One or more parameter values were invalid: Duplicate index name: {n}");
        }

        if (index["Projection"] is not JsonObject projection)
        {
            throw Validation("1 validation error detected: Value null at 'projection' failed to satisfy constraint: Member must not be null");
        }

        ValidateProjection(projection);

        foreach (var k in index["KeySchema"]!.AsArray())
        {
            used.Add(k!["AttributeName"]!.GetValue<string>());
        }
    }

    private static void ValidateProjection(JsonObject projection)
    {
        var type = projection["ProjectionType"]?.GetValue<string>() ?? "ALL";
        if (type is not ("ALL" or "INCLUDE" or "KEYS_ONLY"))
        {
            throw Validation($"1 validation error detected: Value '{type}' at 'projection.projectionType' failed to satisfy constraint: Member must satisfy enum value set: [ALL, INCLUDE, KEYS_ONLY]");
        }

        var nonKey = projection["NonKeyAttributes"] as JsonArray;
        if (type != "INCLUDE" && nonKey is not null)
        {
            throw Validation($"One or more parameter values were invalid: ProjectionType is {type}, but NonKeyAttributes is specified");
        }

        if (type == "INCLUDE" && nonKey is null or { Count: 0 })
        {
            throw Validation("One or more parameter values were invalid: ProjectionType is INCLUDE, but NonKeyAttributes is not specified");
        }
    }

    private static void ValidateKeySchema(JsonArray keySchema, Dictionary<string, string> types, string index)
    {
        if (keySchema.Count is < 1 or > 2)
        {
            throw Validation($"1 validation error detected: Value '{keySchema.ToJsonString()}' at 'keySchema' failed to satisfy constraint: Member must have length less than or equal to 2");
        }

        var kinds = keySchema.Select(k => k!["KeyType"]!.GetValue<string>()).ToList();
        if (kinds[0] != "HASH" || (kinds.Count == 2 && kinds[1] != "RANGE"))
        {
            throw Validation(kinds.Count == 2 && kinds[0] == kinds[1]
                ? "Invalid KeySchema: Too many hash keys"
                : "Invalid KeySchema: The first KeySchemaElement is not a HASH key type");
        }

        var names = keySchema.Select(k => k!["AttributeName"]!.GetValue<string>()).ToList();
        if (names.Count == 2 && names[0] == names[1])
        {
            throw Validation("Both the Hash Key and the Range Key element in the KeySchema have the same name");
        }

        foreach (var n in names.Where(n => !types.ContainsKey(n)))
        {
            throw Validation(index.Length == 0
                ? "One or more parameter values were invalid: Some index key attributes are not defined in AttributeDefinitions. Keys: [" + string.Join(", ", names) + "], AttributeDefinitions: [" + string.Join(", ", types.Keys) + "]"
                : $"One or more parameter values were invalid: Some index key attributes are not defined in AttributeDefinitions. Keys: [{string.Join(", ", names)}], AttributeDefinitions: [{string.Join(", ", types.Keys)}]");
        }
    }

    private JsonObject Describe(DynamoTable table, string status = "ACTIVE")
    {
        var d = table.DefinitionNode();
        var (count, bytes) = store.Stats(table);
        var result = new JsonObject
        {
            ["TableName"] = table.Name,
            ["TableStatus"] = status,
            ["TableArn"] = table.Arn,
            ["TableId"] = table.Id,
            ["AttributeDefinitions"] = d["AttributeDefinitions"]!.DeepClone(),
            ["KeySchema"] = d["KeySchema"]!.DeepClone(),
            ["CreationDateTime"] = d["CreationDateTime"]!.DeepClone(),
            ["ItemCount"] = count,
            ["TableSizeBytes"] = bytes,
            ["DeletionProtectionEnabled"] = d["DeletionProtectionEnabled"]?.GetValue<bool>() ?? false,
        };
        var billing = d["BillingMode"]!.GetValue<string>();
        result["BillingModeSummary"] = new JsonObject { ["BillingMode"] = billing, ["LastUpdateToPayPerRequestDateTime"] = d["CreationDateTime"]!.DeepClone() };
        result["ProvisionedThroughput"] = Throughput(d["ProvisionedThroughput"] as JsonObject);
        if (d["LocalSecondaryIndexes"] is JsonArray lsis)
        {
            result["LocalSecondaryIndexes"] = new JsonArray(lsis.Select(i => (JsonNode)new JsonObject
            {
                ["IndexName"] = i!["IndexName"]!.GetValue<string>(),
                ["KeySchema"] = i["KeySchema"]!.DeepClone(),
                ["Projection"] = i["Projection"]!.DeepClone(),
                ["IndexSizeBytes"] = store.IndexStats(table, i["IndexName"]!.GetValue<string>()).Bytes,
                ["ItemCount"] = store.IndexStats(table, i["IndexName"]!.GetValue<string>()).Count,
                ["IndexArn"] = $"{table.Arn}/index/{i["IndexName"]}",
            }).ToArray());
        }

        if (d["GlobalSecondaryIndexes"] is JsonArray gsis)
        {
            result["GlobalSecondaryIndexes"] = new JsonArray(gsis.Select(i => (JsonNode)new JsonObject
            {
                ["IndexName"] = i!["IndexName"]!.GetValue<string>(),
                ["KeySchema"] = i["KeySchema"]!.DeepClone(),
                ["Projection"] = i["Projection"]!.DeepClone(),
                ["IndexStatus"] = "ACTIVE",
                ["ProvisionedThroughput"] = Throughput(i["ProvisionedThroughput"] as JsonObject),
                ["IndexSizeBytes"] = store.IndexStats(table, i["IndexName"]!.GetValue<string>()).Bytes,
                ["ItemCount"] = store.IndexStats(table, i["IndexName"]!.GetValue<string>()).Count,
                ["IndexArn"] = $"{table.Arn}/index/{i["IndexName"]}",
            }).ToArray());
        }

        if (d["StreamSpecification"] is JsonObject spec)
        {
            result["StreamSpecification"] = spec.DeepClone();
            result["LatestStreamLabel"] = d["LatestStreamLabel"]!.GetValue<string>();
            result["LatestStreamArn"] = $"{table.Arn}/stream/{d["LatestStreamLabel"]}";
        }

        return result;
    }

    private static JsonObject Throughput(JsonObject? p) => new()
    {
        ["NumberOfDecreasesToday"] = 0,
        ["ReadCapacityUnits"] = p?["ReadCapacityUnits"]?.GetValue<long>() ?? 0,
        ["WriteCapacityUnits"] = p?["WriteCapacityUnits"]?.GetValue<long>() ?? 0,
    };

    private JsonObject ListTables(JsonObject body, AwsRequestContext caller)
    {
        var limit = body["Limit"]?.GetValue<int>() ?? 100;
        if (limit is < 1 or > 100)
        {
            throw Validation($"1 validation error detected: Value '{limit}' at 'limit' failed to satisfy constraint: Member must have value {(limit < 1 ? "greater than or equal to 1" : "less than or equal to 100")}");
        }

        var start = body["ExclusiveStartTableName"]?.GetValue<string>();
        var names = store.TableNames(caller.AccountId, caller.Region).Where(n => start is null || string.CompareOrdinal(n, start) > 0).ToList();
        var page = names.Take(limit).ToList();
        var result = new JsonObject { ["TableNames"] = new JsonArray(page.Select(n => (JsonNode)JsonValue.Create(n)!).ToArray()) };
        if (names.Count > limit)
        {
            result["LastEvaluatedTableName"] = page[^1];
        }

        return result;
    }

    private JsonObject DeleteTable(JsonObject body, AwsRequestContext caller)
    {
        var table = store.Get(caller.AccountId, caller.Region, TableName(body));
        if (table.DefinitionNode()["DeletionProtectionEnabled"]?.GetValue<bool>() == true)
        {
            throw Validation($"Resource cannot be deleted as it is currently protected against deletion. Disable deletion protection first.");
        }

        var description = Describe(table, "DELETING");
        store.Delete(table);
        return new JsonObject { ["TableDescription"] = description };
    }

    private JsonObject UpdateTable(JsonObject body, AwsRequestContext caller)
    {
        var table = store.Get(caller.AccountId, caller.Region, TableName(body));
        var d = table.DefinitionNode();
        if (body["AttributeDefinitions"] is JsonArray newDefs)
        {
            var defs = d["AttributeDefinitions"]!.AsArray();
            foreach (var nd in newDefs)
            {
                if (!defs.Any(x => x!["AttributeName"]!.GetValue<string>() == nd!["AttributeName"]!.GetValue<string>()))
                {
                    defs.Add(nd!.DeepClone());
                }
            }
        }

        if (body["BillingMode"] is { } billing)
        {
            d["BillingMode"] = billing.GetValue<string>();
        }

        if (body["ProvisionedThroughput"] is { } pt)
        {
            d["ProvisionedThroughput"] = pt.DeepClone();
        }

        if (body["DeletionProtectionEnabled"] is { } dp)
        {
            d["DeletionProtectionEnabled"] = dp.GetValue<bool>();
        }

        if (body["StreamSpecification"] is JsonObject spec)
        {
            var enabled = spec["StreamEnabled"]?.GetValue<bool>() == true;
            var current = d["StreamSpecification"] is not null;
            if (enabled && current)
            {
                throw Validation($"Table already has an enabled stream: {table.Arn}/stream/{d["LatestStreamLabel"]}");
            }

            if (!enabled && !current)
            {
                throw Validation("Table already has stream disabled");
            }

            if (enabled)
            {
                d["StreamSpecification"] = spec.DeepClone();
                d["LatestStreamLabel"] = time.GetUtcNow().ToString("yyyy-MM-ddTHH:mm:ss.fff", CultureInfo.InvariantCulture);
            }
            else
            {
                d.Remove("StreamSpecification");
            }
        }

        foreach (var update in (body["GlobalSecondaryIndexUpdates"] as JsonArray) ?? [])
        {
            var gsis = d["GlobalSecondaryIndexes"] as JsonArray ?? [];
            d["GlobalSecondaryIndexes"] = gsis;
            if (update!["Create"] is JsonObject create)
            {
                var n = create["IndexName"]!.GetValue<string>();
                if (gsis.Any(g => g!["IndexName"]!.GetValue<string>() == n))
                {
                    throw Validation($"One or more parameter values were invalid: Index already exists: {n}");
                }

                var types = d["AttributeDefinitions"]!.AsArray().ToDictionary(a => a!["AttributeName"]!.GetValue<string>(), a => a!["AttributeType"]!.GetValue<string>());
                ValidateKeySchema(create["KeySchema"]!.AsArray(), types, n);
                ValidateProjection(create["Projection"] as JsonObject ?? throw Validation("1 validation error detected: Value null at 'projection' failed to satisfy constraint: Member must not be null"));
                gsis.Add(create.DeepClone());
            }
            else if (update["Delete"] is JsonObject delete)
            {
                var n = delete["IndexName"]!.GetValue<string>();
                var existing = gsis.FirstOrDefault(g => g!["IndexName"]!.GetValue<string>() == n)
                    ?? throw new AwsError("ResourceNotFoundException", $"Requested resource not found: Index: {n} not found").ToException();
                gsis.Remove(existing);
                if (gsis.Count == 0)
                {
                    d.Remove("GlobalSecondaryIndexes");
                }
            }
            else if (update["Update"] is JsonObject upd)
            {
                var n = upd["IndexName"]!.GetValue<string>();
                var existing = gsis.FirstOrDefault(g => g!["IndexName"]!.GetValue<string>() == n)
                    ?? throw new AwsError("ResourceNotFoundException", $"Requested resource not found: Index: {n} not found").ToException();
                if (upd["ProvisionedThroughput"] is { } ipt)
                {
                    existing["ProvisionedThroughput"] = ipt.DeepClone();
                }
            }
        }

        var updated = store.Update(table, d);
        return new JsonObject { ["TableDescription"] = Describe(updated) };
    }

    private JsonObject DescribeTimeToLive(JsonObject body, AwsRequestContext caller)
    {
        var d = store.Get(caller.AccountId, caller.Region, TableName(body)).DefinitionNode();
        var ttl = d["TimeToLive"] as JsonObject;
        return new JsonObject
        {
            ["TimeToLiveDescription"] = ttl is null
                ? new JsonObject { ["TimeToLiveStatus"] = "DISABLED" }
                : new JsonObject { ["TimeToLiveStatus"] = "ENABLED", ["AttributeName"] = ttl["AttributeName"]!.GetValue<string>() },
        };
    }

    private JsonObject UpdateTimeToLive(JsonObject body, AwsRequestContext caller)
    {
        var table = store.Get(caller.AccountId, caller.Region, TableName(body));
        var d = table.DefinitionNode();
        var spec = body["TimeToLiveSpecification"] as JsonObject ?? throw Validation("1 validation error detected: Value null at 'timeToLiveSpecification' failed to satisfy constraint: Member must not be null");
        var enabled = spec["Enabled"]!.GetValue<bool>();
        var attr = spec["AttributeName"]!.GetValue<string>();
        var current = d["TimeToLive"] is not null;
        if (enabled == current)
        {
            throw Validation(enabled ? "TimeToLive is already enabled" : "TimeToLive is already disabled");
        }

        if (enabled)
        {
            d["TimeToLive"] = new JsonObject { ["AttributeName"] = attr };
        }
        else
        {
            d.Remove("TimeToLive");
        }

        store.Update(table, d);
        return new JsonObject { ["TimeToLiveSpecification"] = spec.DeepClone() };
    }

    private DynamoTable TableFromArn(JsonObject body, AwsRequestContext caller)
    {
        var arn = body["ResourceArn"]?.GetValue<string>() ?? throw Validation("1 validation error detected: Value null at 'resourceArn' failed to satisfy constraint: Member must not be null");
        var marker = arn.IndexOf(":table/", StringComparison.Ordinal);
        if (!arn.StartsWith("arn:", StringComparison.Ordinal) || marker < 0)
        {
            throw Validation($"Invalid TableArn: Invalid ResourceArn provided as input {arn}");
        }

        var parts = arn.Split(':');
        var name = arn[(marker + 7)..];
        return store.Find(parts[4], parts[3], name) ?? throw new AwsError("ResourceNotFoundException", $"Requested resource not found: ResourcArn: {arn} not found").ToException();
    }

    private JsonObject TagResource(JsonObject body, AwsRequestContext caller)
    {
        var table = TableFromArn(body, caller);
        var d = table.DefinitionNode();
        var tags = d["Tags"] as JsonArray ?? [];
        foreach (var t in (body["Tags"] as JsonArray) ?? [])
        {
            var key = t!["Key"]!.GetValue<string>();
            var existing = tags.FirstOrDefault(x => x!["Key"]!.GetValue<string>() == key);
            if (existing is not null)
            {
                tags.Remove(existing);
            }

            tags.Add(t.DeepClone());
        }

        if (tags.Count > 50)
        {
            throw new AwsError("LimitExceededException", "Too many tags on the resource").ToException();
        }

        d["Tags"] = tags;
        store.Update(table, d);
        return [];
    }

    private JsonObject UntagResource(JsonObject body, AwsRequestContext caller)
    {
        var table = TableFromArn(body, caller);
        var d = table.DefinitionNode();
        var remove = ((body["TagKeys"] as JsonArray) ?? []).Select(k => k!.GetValue<string>()).ToHashSet(StringComparer.Ordinal);
        var tags = new JsonArray(((d["Tags"] as JsonArray) ?? []).Where(t => !remove.Contains(t!["Key"]!.GetValue<string>())).Select(t => t!.DeepClone()).ToArray());
        d["Tags"] = tags;
        store.Update(table, d);
        return [];
    }

    private JsonObject ListTags(JsonObject body, AwsRequestContext caller)
    {
        var table = TableFromArn(body, caller);
        return new JsonObject { ["Tags"] = table.DefinitionNode()["Tags"]?.DeepClone() ?? new JsonArray() };
    }
}
