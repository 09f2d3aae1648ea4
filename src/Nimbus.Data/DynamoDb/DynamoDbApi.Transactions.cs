using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Nimbus.Core.Errors;
using Nimbus.Core.Identity;
using Nimbus.Data.DynamoDb.Expressions;

namespace Nimbus.Data.DynamoDb;

/// <summary>TransactWriteItems and TransactGetItems: all-or-nothing in one SQLite transaction, with AWS's cancellation reasons.</summary>
internal sealed partial class DynamoDbApi
{
    private const int MaxTransactItems = 100;

    private sealed record TransactOp(string Kind, DynamoTable Table, byte[] Hash, byte[] Sort, Condition? Condition, string OnFailure, JsonObject? Item, UpdateExpression? Update, JsonObject KeyItem);

    private static JsonArray TransactItems(JsonObject body)
    {
        var items = body["TransactItems"] as JsonArray ?? throw Validation("1 validation error detected: Value null at 'transactItems' failed to satisfy constraint: Member must not be null");
        if (items.Count is < 1 or > MaxTransactItems)
        {
            throw Validation($"1 validation error detected: Value '[{items.Count} items]' at 'transactItems' failed to satisfy constraint: Member must have length {(items.Count < 1 ? "greater than or equal to 1" : "less than or equal to 100")}");
        }

        return items;
    }

    private JsonObject TransactWriteItems(JsonObject body, AwsRequestContext caller)
    {
        var items = TransactItems(body);
        var token = body["ClientRequestToken"]?.GetValue<string>();
        string? requestHash = null;
        if (token is not null)
        {
            if (token.Length is < 1 or > 36)
            {
                throw Validation($"1 validation error detected: Value '{token}' at 'clientRequestToken' failed to satisfy constraint: Member must have length less than or equal to 36");
            }

            requestHash = Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(items.ToJsonString())));
            if (store.FindTransaction(token, time.GetUtcNow()) is { } previous)
            {
                return previous.RequestHash == requestHash
                    ? JsonNode.Parse(previous.Response)!.AsObject()
                    : throw new AwsError("IdempotentParameterMismatchException", "Request parameters do not match the original request with the same ClientRequestToken").ToException();
            }
        }

        var ops = new List<TransactOp>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var entry in items)
        {
            var members = entry!.AsObject().Where(p => p.Value is not null).ToList();
            if (members.Count != 1 || members[0].Key is not ("ConditionCheck" or "Put" or "Delete" or "Update"))
            {
                throw Validation("TransactItems can only contain one of Check, Put, Update or Delete");
            }

            var (kind, spec) = (members[0].Key, members[0].Value!.AsObject());
            var table = store.Get(caller.AccountId, caller.Region, TableName(spec));
            TransactOp op;
            switch (kind)
            {
                case "Put":
                {
                    var item = CheckedItem(table, spec["Item"] as JsonObject ?? throw Validation("1 validation error detected: Value null at 'transactItems.1.member.put.item' failed to satisfy constraint: Member must not be null"));
                    var (hk, sk) = AttributeValues.ItemKey(table, item);
                    var (condition, onFailure) = Condition(spec);
                    op = new TransactOp(kind, table, hk, sk, condition, onFailure, item, null, item);
                    break;
                }

                case "Update":
                {
                    var key = spec["Key"] as JsonObject ?? throw Validation("1 validation error detected: Value null at 'transactItems.1.member.update.key' failed to satisfy constraint: Member must not be null");
                    var (hk, sk) = AttributeValues.RequestKey(table, key);
                    if (spec["UpdateExpression"] is null)
                    {
                        throw Validation("1 validation error detected: Value null at 'transactItems.1.member.update.updateExpression' failed to satisfy constraint: Member must not be null");
                    }

                    var (update, condition, onFailure) = ParseUpdate(table, spec);
                    op = new TransactOp(kind, table, hk, sk, condition, onFailure, null, update, AttributeValues.NormaliseItem(key));
                    break;
                }

                default:
                {
                    var key = spec["Key"] as JsonObject ?? throw Validation($"1 validation error detected: Value null at 'transactItems.1.member.{char.ToLowerInvariant(kind[0])}{kind[1..]}.key' failed to satisfy constraint: Member must not be null");
                    var (hk, sk) = AttributeValues.RequestKey(table, key);
                    if (kind == "ConditionCheck" && spec["ConditionExpression"] is null)
                    {
                        throw Validation("1 validation error detected: Value null at 'transactItems.1.member.conditionCheck.conditionExpression' failed to satisfy constraint: Member must not be null");
                    }

                    var (condition, onFailure) = Condition(spec);
                    op = new TransactOp(kind, table, hk, sk, condition, onFailure, null, null, AttributeValues.NormaliseItem(key));
                    break;
                }
            }

            if (!seen.Add(table.Id + "/" + Convert.ToHexString(op.Hash) + "/" + Convert.ToHexString(op.Sort)))
            {
                throw Validation("Transaction request cannot include multiple operations on one item");
            }

            ops.Add(op);
        }

        var response = new JsonObject();
        List<ItemWrite>? decided = null;
        var before = store.Transact(
            ops.Select(o => new ItemRef(o.Table, o.Hash, o.Sort)).ToList(),
            olds =>
            {
                var writes = new List<ItemWrite>();
                var reasons = new JsonArray();
                var failed = false;
                for (var i = 0; i < ops.Count; i++)
                {
                    var op = ops[i];
                    var old = olds[i];
                    try
                    {
                        writes.Add(op.Kind switch
                        {
                            "Put" => Checked(op, old, op.Item),
                            "Delete" => Checked(op, old, null),
                            "Update" => new ItemWrite(true, Updated(op.Table, op.Update, op.Condition, op.OnFailure, old, op.KeyItem)),
                            _ => Checked(op, old, null) with { Write = false },
                        });
                        reasons.Add(new JsonObject { ["Code"] = "None" });
                    }
                    catch (AwsServiceException e)
                    {
                        failed = true;
                        var code = e.Error.Code switch
                        {
                            "ConditionalCheckFailedException" => "ConditionalCheckFailed",
                            "ValidationException" => "ValidationError",
                            _ => e.Error.Code.Replace("Exception", "", StringComparison.Ordinal),
                        };
                        var reason = new JsonObject { ["Code"] = code, ["Message"] = e.Error.Message };
                        if (DynamoErrors.Members(e.Error)?["Item"] is { } item)
                        {
                            reason["Item"] = item.DeepClone();
                        }

                        reasons.Add(reason);
                        writes.Add(new ItemWrite(false, null));
                    }
                }

                if (failed)
                {
                    var codes = string.Join(", ", reasons.Select(r => r!["Code"]!.GetValue<string>()));
                    throw DynamoErrors.WithMembers(
                        new AwsError("TransactionCanceledException", $"Transaction cancelled, please refer cancellation reasons for specific reasons [{codes}]"),
                        new JsonObject { ["CancellationReasons"] = reasons });
                }

                decided = writes;
                return writes;
            },
            token is null ? null : (c, tx) => DynamoStore.RecordTransaction(c, tx, token, requestHash!, response.ToJsonString(), time.GetUtcNow()));
        for (var i = 0; i < ops.Count && decided is not null; i++)
        {
            // A transaction costs two units per unit of the same plain write; a ConditionCheck, two reads.
            if (decided[i].Write)
            {
                Meter.Value?.Write(ops[i].Table, before[i], decided[i].Item, factor: 2);
            }
            else
            {
                Meter.Value?.Read(ops[i].Table, null, before[i] is { } checkedItem ? AttributeValues.ItemSize(checkedItem) : 0, consistent: true, factor: 2);
            }
        }

        return response;
    }

    /// <summary>A Put/Delete/ConditionCheck of a transaction once its condition holds.</summary>
    private static ItemWrite Checked(TransactOp op, JsonObject? old, JsonObject? next)
    {
        Check(op.Condition, old, op.OnFailure);
        return new ItemWrite(true, next);
    }

    private JsonObject TransactGetItems(JsonObject body, AwsRequestContext caller)
    {
        var items = TransactItems(body);
        var refs = new List<ItemRef>();
        var projections = new List<List<DocPath>?>();
        foreach (var entry in items)
        {
            var get = entry!["Get"] as JsonObject ?? throw Validation("1 validation error detected: Value null at 'transactItems.1.member.get' failed to satisfy constraint: Member must not be null");
            var table = store.Get(caller.AccountId, caller.Region, TableName(get));
            var key = get["Key"] as JsonObject ?? throw Validation("1 validation error detected: Value null at 'transactItems.1.member.get.key' failed to satisfy constraint: Member must not be null");
            var (hk, sk) = AttributeValues.RequestKey(table, key);
            if (refs.Any(r => r.Table.Id == table.Id && r.Hash.AsSpan().SequenceEqual(hk) && r.Sort.AsSpan().SequenceEqual(sk)))
            {
                throw Validation("Transaction request cannot include multiple operations on one item");
            }

            refs.Add(new ItemRef(table, hk, sk));
            projections.Add(Projection(get));
        }

        var found = store.GetItems(refs);
        var responses = new JsonArray();
        for (var i = 0; i < found.Count; i++)
        {
            Meter.Value?.Read(refs[i].Table, null, found[i] is { } read ? AttributeValues.ItemSize(read) : 0, consistent: true, factor: 2);
            responses.Add(found[i] is { } item
                ? new JsonObject { ["Item"] = projections[i] is { } p ? Evaluator.Project(item, p) : item }
                : new JsonObject());
        }

        return new JsonObject { ["Responses"] = responses };
    }
}
