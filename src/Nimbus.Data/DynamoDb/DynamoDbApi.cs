using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http;
using Nimbus.Core.Errors;
using Nimbus.Core.Identity;
using Nimbus.Core.Protocols;

namespace Nimbus.Data.DynamoDb;

/// <summary>The DynamoDB API (JSON 1.0, <c>DynamoDB_20120810.*</c>): tables, tags, TTL settings and single-item reads and writes.</summary>
internal sealed partial class DynamoDbApi(DynamoStore store, TimeProvider time) : IJsonProtocolService
{
    public string TargetPrefix => "DynamoDB_20120810";

    public AwsProtocol Protocol => AwsProtocol.AwsJson10;

    public async Task HandleAsync(HttpContext http, string operation, AwsRequestContext caller)
    {
        JsonObject body;
        try
        {
            body = (await JsonNode.ParseAsync(http.Request.Body) as JsonObject) ?? [];
        }
        catch (System.Text.Json.JsonException e)
        {
            throw CommonErrors.SerializationException(e.Message).ToException();
        }

        var result = Dispatch(operation, body, caller);
        var bytes = System.Text.Encoding.UTF8.GetBytes(result.ToJsonString());
        http.Response.ContentType = "application/x-amz-json-1.0";
        http.Response.Headers["x-amzn-RequestId"] = caller.RequestId;
        http.Response.Headers["x-amz-crc32"] = Crc32.Compute(bytes).ToString(CultureInfo.InvariantCulture);
        await http.Response.Body.WriteAsync(bytes);
    }

    /// <summary>Members whose expression language is not implemented yet: rejected rather than silently ignored.</summary>
    private static readonly string[] Unsupported =
        ["ConditionExpression", "FilterExpression", "ProjectionExpression", "UpdateExpression", "Expected", "QueryFilter", "ScanFilter", "ConditionalOperator"];

    public JsonObject Dispatch(string operation, JsonObject body, AwsRequestContext caller)
    {
        foreach (var member in Unsupported.Where(body.ContainsKey))
        {
            throw Validation($"{member} is not supported by Nimbus yet");
        }

        return Route(operation, body, caller);
    }

    private JsonObject Route(string operation, JsonObject body, AwsRequestContext caller) => operation switch
    {
        "CreateTable" => CreateTable(body, caller),
        "DescribeTable" => new JsonObject { ["Table"] = Describe(store.Get(caller.AccountId, caller.Region, TableName(body))) },
        "ListTables" => ListTables(body, caller),
        "DeleteTable" => DeleteTable(body, caller),
        "UpdateTable" => UpdateTable(body, caller),
        "DescribeTimeToLive" => DescribeTimeToLive(body, caller),
        "UpdateTimeToLive" => UpdateTimeToLive(body, caller),
        "TagResource" => TagResource(body, caller),
        "UntagResource" => UntagResource(body, caller),
        "ListTagsOfResource" => ListTags(body, caller),
        "PutItem" => PutItem(body, caller),
        "GetItem" => GetItem(body, caller),
        "DeleteItem" => DeleteItem(body, caller),
        "Query" => Query(body, caller),
        "BatchGetItem" => BatchGetItem(body, caller),
        "BatchWriteItem" => BatchWriteItem(body, caller),
        "Scan" => Scan(body, caller),
        "DescribeEndpoints" => new JsonObject { ["Endpoints"] = new JsonArray(new JsonObject { ["Address"] = "localhost", ["CachePeriodInMinutes"] = 1440 }) },
        _ => throw CommonErrors.UnknownOperation("dynamodb", operation).ToException(),
    };

    private static AwsServiceException Validation(string message) => AttributeValues.Validation(message);

    private static string TableName(JsonObject body)
    {
        var name = body["TableName"]?.GetValue<string>() ?? throw Validation("1 validation error detected: Value null at 'tableName' failed to satisfy constraint: Member must not be null");
        if (name.StartsWith("arn:", StringComparison.Ordinal) && name.Contains(":table/", StringComparison.Ordinal))
        {
            name = name[(name.IndexOf(":table/", StringComparison.Ordinal) + 7)..];
        }

        if (name.Length is < 3 or > 255)
        {
            throw Validation($"1 validation error detected: Value '{name}' at 'tableName' failed to satisfy constraint: Member must have length {(name.Length < 3 ? "greater than or equal to 3" : "less than or equal to 255")}");
        }

        if (!TableNamePattern().IsMatch(name))
        {
            throw Validation($"1 validation error detected: Value '{name}' at 'tableName' failed to satisfy constraint: Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+");
        }

        return name;
    }

    [GeneratedRegex("^[a-zA-Z0-9_.-]+$")]
    private static partial Regex TableNamePattern();

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
            if (ks.Count != 2 || ks.First(k => k!["KeyType"]!.GetValue<string>() == "HASH")!["AttributeName"]!.GetValue<string>() != hashName)
            {
                throw Validation($"One or more parameter values were invalid: Table KeySchema does not have a range key, which is required when specifying a LocalSecondaryIndex");
            }

            AddIndex(indexNames, used, lsi.AsObject());
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

        if (index["Projection"] is null)
        {
            throw Validation("1 validation error detected: Value null at 'projection' failed to satisfy constraint: Member must not be null");
        }

        foreach (var k in index["KeySchema"]!.AsArray())
        {
            used.Add(k!["AttributeName"]!.GetValue<string>());
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
                ["IndexSizeBytes"] = 0,
                ["ItemCount"] = 0,
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
                ["IndexSizeBytes"] = 0,
                ["ItemCount"] = 0,
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

    private JsonObject PutItem(JsonObject body, AwsRequestContext caller)
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
        var old = store.Mutate(table, hk, sk, _ => item);
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

    private JsonObject DeleteItem(JsonObject body, AwsRequestContext caller)
    {
        var table = store.Get(caller.AccountId, caller.Region, TableName(body));
        var key = body["Key"] as JsonObject ?? throw Validation("1 validation error detected: Value null at 'key' failed to satisfy constraint: Member must not be null");
        var (hk, sk) = AttributeValues.RequestKey(table, key);
        var returnValues = ReturnValues(body, "NONE", "ALL_OLD");
        var old = store.Mutate(table, hk, sk, _ => null);
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

    private JsonObject BatchWriteItem(JsonObject body, AwsRequestContext caller)
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

        foreach (var (table, hk, sk, item) in writes)
        {
            store.Mutate(table, hk, sk, _ => item);
        }

        return new JsonObject { ["UnprocessedItems"] = new JsonObject() };
    }
}
