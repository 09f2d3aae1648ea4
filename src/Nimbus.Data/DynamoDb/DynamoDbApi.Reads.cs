using System.Text.Json.Nodes;
using Nimbus.Core.Identity;
using Nimbus.Data.DynamoDb.Expressions;

namespace Nimbus.Data.DynamoDb;

/// <summary>Query and Scan, on tables and secondary indexes, with filters, projections, Select and parallel scans.</summary>
internal sealed partial class DynamoDbApi
{
    private const int PageBytes = 1024 * 1024;

    /// <summary>What a read returns: filter, projection, Select, and the index read (null for the table).</summary>
    private sealed record ReadShape(IndexSpec? Index, Condition? Filter, List<DocPath>? Projection, string Select);

    private IndexSpec? ReadIndex(DynamoTable table, JsonObject body)
    {
        if (body["IndexName"]?.GetValue<string>() is not { } name)
        {
            return null;
        }

        var index = table.Index(name) ?? throw Validation($"The table does not have the specified index: {name}");
        if (index.Global && body["ConsistentRead"]?.GetValue<bool>() == true)
        {
            throw Validation("Consistent reads are not supported on global secondary indexes");
        }

        return index;
    }

    private static ReadShape Shape(DynamoTable table, IndexSpec? index, JsonObject body, ExpressionContext context, string filterMember)
    {
        var legacyFilter = filterMember == "Querying" ? "QueryFilter" : "ScanFilter";
        Legacy.CheckNotMixed(body, [legacyFilter, "AttributesToGet", "KeyConditions"], ["FilterExpression", "ProjectionExpression", "KeyConditionExpression"]);
        var filterText = body["FilterExpression"]?.GetValue<string>();
        var filter = filterText is null ? Legacy.Filter(body, legacyFilter) : ExpressionParser.ParseCondition(filterText, "FilterExpression", context);
        var projection = Projection(body, context);
        var select = body["Select"]?.GetValue<string>();
        if (select is not (null or "ALL_ATTRIBUTES" or "ALL_PROJECTED_ATTRIBUTES" or "SPECIFIC_ATTRIBUTES" or "COUNT"))
        {
            throw Validation($"1 validation error detected: Value '{select}' at 'select' failed to satisfy constraint: Member must satisfy enum value set: [SPECIFIC_ATTRIBUTES, COUNT, ALL_ATTRIBUTES, ALL_PROJECTED_ATTRIBUTES]");
        }

        if (select == "SPECIFIC_ATTRIBUTES" && projection is null)
        {
            throw Validation("Must specify the AttributesToGet or ProjectionExpression when choosing to get SPECIFIC_ATTRIBUTES");
        }

        if (select is not (null or "SPECIFIC_ATTRIBUTES") && projection is not null)
        {
            throw Validation(body["ProjectionExpression"] is not null
                ? $"Cannot specify the ProjectionExpression when choosing to get {select}"
                : $"Cannot specify the AttributesToGet when choosing to get {select}");
        }

        if (select == "ALL_PROJECTED_ATTRIBUTES" && index is null)
        {
            throw Validation($"ALL_PROJECTED_ATTRIBUTES can be used only when Querying using an IndexName");
        }

        if (select == "ALL_ATTRIBUTES" && index is { Global: true, ProjectionType: not "ALL" })
        {
            throw Validation($"One or more parameter values were invalid: Select type ALL_ATTRIBUTES is not supported for global secondary index {index.Name} because its projection type is not ALL");
        }

        select ??= projection is not null ? "SPECIFIC_ATTRIBUTES" : index is null ? "ALL_ATTRIBUTES" : "ALL_PROJECTED_ATTRIBUTES";
        return new ReadShape(index, filter, projection, select);
    }

    private JsonObject Query(JsonObject body, AwsRequestContext caller)
    {
        var table = store.Get(caller.AccountId, caller.Region, TableName(body));
        var index = ReadIndex(table, body);
        var context = ExpressionContext.From(body);
        var (hashKey, rangeKey) = index is null ? (table.Hash, table.Range) : (index.Hash, index.Range);
        var shape = Shape(table, index, body, context, "Querying");
        var expression = body["KeyConditionExpression"]?.GetValue<string>();
        var condition = expression is not null ? KeyCondition.Parse(hashKey, rangeKey, expression, context)
            : body["KeyConditions"] is JsonObject legacy ? KeyCondition.FromCondition(hashKey, rangeKey, Legacy.KeyConditions(legacy))
            : throw Validation("Either the KeyConditions or KeyConditionExpression parameter must be specified in the request.");
        context.CheckUnused();
        foreach (var top in TopNames(shape.Filter))
        {
            if (top == hashKey.Name || top == rangeKey?.Name)
            {
                throw Validation($"Filter Expression can only contain non-primary key attributes: Primary key attribute: {top}");
            }
        }

        var forward = body["ScanIndexForward"]?.GetValue<bool>() ?? true;
        var limit = Limit(body);
        List<JsonObject> items;
        if (index is null)
        {
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

            items = table.Range is null && body["ExclusiveStartKey"] is not null ? [] : store.Query(table, condition, forward, after, limit + 1);
        }
        else
        {
            (byte[], byte[], byte[])? after = null;
            if (body["ExclusiveStartKey"] is JsonObject start)
            {
                var (ih, isk, th, ts) = IndexStartKey(table, index, start);
                if (!ih.AsSpan().SequenceEqual(condition.Hash))
                {
                    throw Validation("The provided starting key is invalid: The provided key element does not match the schema");
                }

                after = (isk, th, ts);
            }

            items = store.QueryIndex(table, index, condition, forward, after, limit + 1);
        }

        return Page(table, shape, items, limit, Consistent(body));
    }

    private JsonObject Scan(JsonObject body, AwsRequestContext caller)
    {
        var table = store.Get(caller.AccountId, caller.Region, TableName(body));
        var index = ReadIndex(table, body);
        var context = ExpressionContext.From(body);
        var shape = Shape(table, index, body, context, "Scanning");
        RequireExpressions(context, shape.Filter is null && body["ProjectionExpression"] is null, "FilterExpression is null");
        context.CheckUnused();
        var segment = Segment(body);
        var limit = Limit(body);
        if (index is null)
        {
            (byte[], byte[])? after = body["ExclusiveStartKey"] is JsonObject start ? AttributeValues.RequestKey(table, start) : null;
            return Page(table, shape, store.Scan(table, after, limit + 1, segment), limit, Consistent(body));
        }

        (byte[], byte[], byte[], byte[])? indexAfter = body["ExclusiveStartKey"] is JsonObject s ? IndexStartKey(table, index, s) : null;
        return Page(table, shape, store.ScanIndex(table, index, indexAfter, limit + 1, segment), limit, Consistent(body));
    }

    private static (int Segment, int Total)? Segment(JsonObject body)
    {
        var segment = body["Segment"]?.GetValue<int>();
        var total = body["TotalSegments"]?.GetValue<int>();
        if (segment is null && total is null)
        {
            return null;
        }

        if (total is null)
        {
            throw Validation("The TotalSegments parameter is required but was not present in the request when Segment parameter is present");
        }

        if (segment is null)
        {
            throw Validation("The Segment parameter is required but was not present in the request when parameter TotalSegments is present");
        }

        if (total is < 1 or > 1_000_000)
        {
            throw Validation($"1 validation error detected: Value '{total}' at 'totalSegments' failed to satisfy constraint: Member must have value {(total < 1 ? "greater than or equal to 1" : "less than or equal to 1000000")}");
        }

        if (segment < 0)
        {
            throw Validation($"1 validation error detected: Value '{segment}' at 'segment' failed to satisfy constraint: Member must have value greater than or equal to 0");
        }

        if (segment >= total)
        {
            throw Validation($"The Segment parameter is zero-based and must be less than parameter TotalSegments: Segment: {segment} is not less than TotalSegments: {total}");
        }

        return (segment.Value, total.Value);
    }

    /// <summary>An index read's ExclusiveStartKey: the index key and the table key.</summary>
    private static (byte[] Hash, byte[] Sort, byte[] TableHash, byte[] TableSort) IndexStartKey(DynamoTable table, IndexSpec index, JsonObject start)
    {
        var normal = AttributeValues.NormaliseItem(start);
        var names = new HashSet<string>(StringComparer.Ordinal) { table.Hash.Name, index.Hash.Name };
        if (table.Range is not null)
        {
            names.Add(table.Range.Name);
        }

        if (index.Range is not null)
        {
            names.Add(index.Range.Name);
        }

        if (!names.SetEquals(normal.Select(p => p.Key)))
        {
            throw Validation("The provided starting key is invalid: The provided key element does not match the schema");
        }

        var (th, ts) = AttributeValues.ItemKey(table, normal);
        return DynamoStore.IndexKey(index, normal) is { } ik
            ? (ik.Hash, ik.Sort, th, ts)
            : throw Validation("The provided starting key is invalid: The provided key element does not match the schema");
    }

    /// <summary>The top-level attribute names a condition refers to.</summary>
    private static IEnumerable<string> TopNames(Condition? condition)
    {
        static IEnumerable<string> Of(Operand o) => o switch
        {
            PathOperand p => [p.Path.Top],
            SizeOperand s => [s.Path.Top],
            _ => [],
        };

        return condition switch
        {
            null => [],
            AndCondition a => TopNames(a.Left).Concat(TopNames(a.Right)),
            OrCondition o => TopNames(o.Left).Concat(TopNames(o.Right)),
            NotCondition n => TopNames(n.Inner),
            CompareCondition c => Of(c.Left).Concat(Of(c.Right)),
            BetweenCondition b => Of(b.Value).Concat(Of(b.Low)).Concat(Of(b.High)),
            InCondition i => Of(i.Value).Concat(i.Options.SelectMany(Of)),
            FunctionCondition f => f.Args.SelectMany(Of),
            _ => [],
        };
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

    /// <summary>
    /// Cuts a read to <paramref name="limit"/> items or 1 MB, whichever first, then filters (Limit and the 1 MB apply to the
    /// items read, before the filter, as AWS), projects, and gives LastEvaluatedKey from the last item read when more remain.
    /// </summary>
    private static bool Consistent(JsonObject body) => body["ConsistentRead"]?.GetValue<bool>() == true;

    private JsonObject Page(DynamoTable table, ReadShape shape, List<JsonObject> items, int limit, bool consistent)
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

        Meter.Value?.Read(table, shape.Index, bytes, consistent);
        var matched = shape.Filter is null ? page : page.Where(i => Evaluator.Matches(shape.Filter, i)).ToList();
        var result = new JsonObject { ["Count"] = matched.Count, ["ScannedCount"] = page.Count };
        if (shape.Select != "COUNT")
        {
            result["Items"] = new JsonArray(matched.Select(i => (JsonNode)Shaped(table, shape, i)).ToArray());
        }

        if (more || (limit < 10_000 && page.Count == limit && items.Count > limit))
        {
            var last = page[^1];
            var key = new JsonObject { [table.Hash.Name] = last[table.Hash.Name]!.DeepClone() };
            foreach (var name in new[] { table.Range?.Name, shape.Index?.Hash.Name, shape.Index?.Range?.Name })
            {
                if (name is not null && last[name] is { } v)
                {
                    key[name] = v.DeepClone();
                }
            }

            result["LastEvaluatedKey"] = key;
        }

        return result;
    }

    /// <summary>One returned item: projected, and for ALL_ATTRIBUTES on a local index with a partial projection, fetched from the table.</summary>
    private JsonObject Shaped(DynamoTable table, ReadShape shape, JsonObject item)
    {
        if (shape.Select == "ALL_ATTRIBUTES" && shape.Index is { ProjectionType: not "ALL" })
        {
            var (hk, sk) = AttributeValues.ItemKey(table, item);
            item = store.GetItem(table, hk, sk) ?? item;
        }
        else if (shape.Projection is not null && shape.Index is { Global: false, ProjectionType: not "ALL" } lsi
                 && shape.Projection.Any(p => !lsi.Projects(table, p.Top)))
        {
            // A local index fetches attributes it does not project from the table.
            var (hk, sk) = AttributeValues.ItemKey(table, item);
            item = store.GetItem(table, hk, sk) ?? item;
        }

        return shape.Projection is null ? item : Evaluator.Project(item, shape.Projection);
    }
}
