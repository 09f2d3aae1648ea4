// DynamoDB expressions, UpdateItem, conditional writes, secondary indexes and transactions through
// @aws-sdk/client-dynamodb and @aws-sdk/lib-dynamodb (the DocumentClient).
import { test } from "node:test";
import assert from "node:assert/strict";
import {
  DynamoDBClient, CreateTableCommand, PutItemCommand, GetItemCommand, UpdateItemCommand, DeleteItemCommand,
  QueryCommand, ScanCommand, TransactWriteItemsCommand, TransactGetItemsCommand, BatchGetItemCommand, UpdateTableCommand,
} from "@aws-sdk/client-dynamodb";
import { DynamoDBDocumentClient, PutCommand, UpdateCommand, GetCommand, QueryCommand as DocQuery, TransactWriteCommand } from "@aws-sdk/lib-dynamodb";
import { endpoint, unique } from "./helpers.mjs";

const ddb = new DynamoDBClient({
  endpoint,
  region: "us-east-1",
  credentials: { accessKeyId: "test", secretAccessKey: "test" },
  maxAttempts: 1,
});
const doc = DynamoDBDocumentClient.from(ddb);

async function table() {
  const name = unique("ddbx");
  await ddb.send(new CreateTableCommand({
    TableName: name,
    KeySchema: [{ AttributeName: "pk", KeyType: "HASH" }, { AttributeName: "sk", KeyType: "RANGE" }],
    AttributeDefinitions: [
      { AttributeName: "pk", AttributeType: "S" }, { AttributeName: "sk", AttributeType: "S" },
      { AttributeName: "gpk", AttributeType: "S" }, { AttributeName: "gsk", AttributeType: "N" },
    ],
    GlobalSecondaryIndexes: [{
      IndexName: "byG",
      KeySchema: [{ AttributeName: "gpk", KeyType: "HASH" }, { AttributeName: "gsk", KeyType: "RANGE" }],
      Projection: { ProjectionType: "INCLUDE", NonKeyAttributes: ["title"] },
    }],
    BillingMode: "PAY_PER_REQUEST",
  }));
  return name;
}

test("UpdateItem: SET arithmetic, if_not_exists, list_append, REMOVE, ADD, DELETE and ReturnValues", async () => {
  const name = await table();
  await doc.send(new PutCommand({ TableName: name, Item: { pk: "a", sk: "1", n: 1, tags: new Set(["x", "y"]), list: ["l0", "l1"], m: { nest: { v: "deep" } } } }));
  const out = await doc.send(new UpdateCommand({
    TableName: name,
    Key: { pk: "a", sk: "1" },
    UpdateExpression: "SET n = n + :inc, #c = if_not_exists(#c, :zero) + :inc, #l = list_append(#l, :more), m.nest.v = :v ADD tags :t",
    ExpressionAttributeNames: { "#c": "count", "#l": "list" },
    ExpressionAttributeValues: { ":inc": 2, ":zero": 0, ":more": ["l2"], ":v": "changed", ":t": new Set(["z"]) },
    ReturnValues: "ALL_NEW",
  }));
  assert.equal(out.Attributes.n, 3);
  assert.equal(out.Attributes.count, 2);
  assert.deepEqual(out.Attributes.list, ["l0", "l1", "l2"]);
  const removed = await doc.send(new UpdateCommand({
    TableName: name, Key: { pk: "a", sk: "1" }, UpdateExpression: "REMOVE #l[0], #l[2], m.nest DELETE tags :x", ExpressionAttributeNames: { "#l": "list" },
    ExpressionAttributeValues: { ":x": new Set(["x", "z"]) }, ReturnValues: "ALL_NEW",
  }));
  assert.deepEqual(removed.Attributes.list, ["l1"]);
  assert.deepEqual(removed.Attributes.m, {});
  assert.deepEqual([...removed.Attributes.tags], ["y"]);
  assert.equal(out.Attributes.m.nest.v, "changed");
  assert.deepEqual([...out.Attributes.tags].sort(), ["x", "y", "z"]);

  const updatedOld = await ddb.send(new UpdateItemCommand({
    TableName: name, Key: { pk: { S: "a" }, sk: { S: "1" } },
    UpdateExpression: "SET n = :v", ExpressionAttributeValues: { ":v": { N: "10" } }, ReturnValues: "UPDATED_OLD",
  }));
  assert.deepEqual(updatedOld.Attributes, { n: { N: "3" } });
  const updatedNew = await ddb.send(new UpdateItemCommand({
    TableName: name, Key: { pk: { S: "a" }, sk: { S: "1" } },
    UpdateExpression: "SET m.k = :v", ExpressionAttributeValues: { ":v": { S: "again" } }, ReturnValues: "UPDATED_NEW",
  }));
  assert.deepEqual(updatedNew.Attributes, { m: { M: { k: { S: "again" } } } });

  // Upsert: a missing item is created from its key.
  const created = await doc.send(new UpdateCommand({ TableName: name, Key: { pk: "b", sk: "1" }, UpdateExpression: "ADD visits :one", ExpressionAttributeValues: { ":one": 1 }, ReturnValues: "ALL_NEW" }));
  assert.deepEqual(created.Attributes, { pk: "b", sk: "1", visits: 1 });
});

test("expression validation errors carry AWS's messages", async () => {
  const name = await table();
  const key = { pk: { S: "a" }, sk: { S: "1" } };
  const fails = async (input, message) => {
    await assert.rejects(() => ddb.send(new UpdateItemCommand({ TableName: name, Key: key, ...input })),
      (e) => e.name === "ValidationException" && e.$metadata.httpStatusCode === 400 && e.message === message);
  };
  await fails({ UpdateExpression: "SET status = :v", ExpressionAttributeValues: { ":v": { S: "x" } } },
    "Invalid UpdateExpression: Attribute name is a reserved keyword; reserved keyword: status");
  await fails({ UpdateExpression: "ADD hits : incr", ExpressionAttributeValues: { ":incr": { N: "1" } } },
    "Invalid UpdateExpression: Syntax error; token: \":\", near: \"hits : incr\"");
  await fails({ UpdateExpression: "SET a = :v", ExpressionAttributeValues: { ":v": { S: "x" }, ":x": { S: "y" } } },
    "Value provided in ExpressionAttributeValues unused in expressions: keys: {:x}");
  await fails({ UpdateExpression: "SET a = :v, a.b = :v", ExpressionAttributeValues: { ":v": { S: "x" } } },
    "Invalid UpdateExpression: Two document paths overlap with each other; must remove or rewrite one of these paths; path one: [a], path two: [a, b]");
  await fails({ UpdateExpression: "SET pk = :v", ExpressionAttributeValues: { ":v": { S: "x" } } },
    "One or more parameter values were invalid: Cannot update attribute pk. This attribute is part of the key");
  await ddb.send(new PutItemCommand({ TableName: name, Item: { ...key, s: { S: "str" } } }));
  await fails({ UpdateExpression: "SET s = s + :v", ExpressionAttributeValues: { ":v": { N: "1" } } },
    "An operand in the update expression has an incorrect data type");
  await fails({ UpdateExpression: "SET gpk = :v", ExpressionAttributeValues: { ":v": { N: "1" } } },
    "One or more parameter values were invalid: Type mismatch for Index Key gpk Expected: S Actual: N IndexName: byG");
});

test("conditional writes: ConditionalCheckFailedException with the old item", async () => {
  const name = await table();
  await doc.send(new PutCommand({ TableName: name, Item: { pk: "a", sk: "1", version: 1, tags: ["x"] }, ConditionExpression: "attribute_not_exists(pk)" }));
  await assert.rejects(
    () => ddb.send(new PutItemCommand({
      TableName: name, Item: { pk: { S: "a" }, sk: { S: "1" } }, ConditionExpression: "attribute_not_exists(pk)", ReturnValuesOnConditionCheckFailure: "ALL_OLD",
    })),
    (e) => e.name === "ConditionalCheckFailedException" && e.message === "The conditional request failed" && e.Item?.version?.N === "1");
  await doc.send(new UpdateCommand({
    TableName: name, Key: { pk: "a", sk: "1" }, UpdateExpression: "SET version = :next",
    ConditionExpression: "version = :current AND size(tags) = :one AND contains(tags, :x) AND NOT attribute_exists(missingAttr)",
    ExpressionAttributeValues: { ":next": 2, ":current": 1, ":one": 1, ":x": "x" },
  }));
  await assert.rejects(() => ddb.send(new DeleteItemCommand({
    TableName: name, Key: { pk: { S: "a" }, sk: { S: "1" } }, ConditionExpression: "version IN (:a, :b)", ExpressionAttributeValues: { ":a": { N: "5" }, ":b": { N: "6" } },
  })), (e) => e.name === "ConditionalCheckFailedException" && e.Item === undefined);
  const still = await doc.send(new GetCommand({ TableName: name, Key: { pk: "a", sk: "1" }, ProjectionExpression: "version, tags[0]" }));
  assert.deepEqual(still.Item, { version: 2, tags: ["x"] });
});

test("Query/Scan: FilterExpression after Limit, ProjectionExpression, Select COUNT, parallel scan", async () => {
  const name = await table();
  for (let i = 0; i < 10; i++) {
    await doc.send(new PutCommand({ TableName: name, Item: { pk: i < 6 ? "p" : `q${i}`, sk: String(i), n: i, title: `t${i}` } }));
  }
  const q = await ddb.send(new QueryCommand({
    TableName: name, KeyConditionExpression: "pk = :p AND sk BETWEEN :a AND :b", FilterExpression: "n >= :min",
    ExpressionAttributeValues: { ":p": { S: "p" }, ":a": { S: "0" }, ":b": { S: "9" }, ":min": { N: "2" } },
    Limit: 4, ProjectionExpression: "sk, n",
  }));
  assert.equal(q.ScannedCount, 4);
  assert.equal(q.Count, 2);
  assert.deepEqual(q.Items.map((i) => Object.keys(i).sort()), [["n", "sk"], ["n", "sk"]]);
  assert.deepEqual(q.LastEvaluatedKey, { pk: { S: "p" }, sk: { S: "3" } });
  const count = await ddb.send(new ScanCommand({ TableName: name, Select: "COUNT", FilterExpression: "begins_with(title, :t)", ExpressionAttributeValues: { ":t": { S: "t" } } }));
  assert.equal(count.Count, 10);
  assert.equal(count.Items, undefined);
  let total = 0;
  for (let segment = 0; segment < 4; segment++) {
    total += (await ddb.send(new ScanCommand({ TableName: name, Segment: segment, TotalSegments: 4 }))).Count;
  }
  assert.equal(total, 10);
  const batch = await ddb.send(new BatchGetItemCommand({ RequestItems: { [name]: { Keys: [{ pk: { S: "p" }, sk: { S: "1" } }], ProjectionExpression: "title" } } }));
  assert.deepEqual(batch.Responses[name], [{ title: { S: "t1" } }]);
});

test("global secondary index: sparse, ordered, paginated with the table key, created later with backfill", async () => {
  const name = await table();
  await doc.send(new PutCommand({ TableName: name, Item: { pk: "u1", sk: "o1", gpk: "open", gsk: 20, title: "first", extra: "e" } }));
  await doc.send(new PutCommand({ TableName: name, Item: { pk: "u2", sk: "o2", gpk: "open", gsk: 10, title: "second" } }));
  await doc.send(new PutCommand({ TableName: name, Item: { pk: "u3", sk: "o3", gpk: "open", gsk: 10, title: "third" } }));
  await doc.send(new PutCommand({ TableName: name, Item: { pk: "u4", sk: "o4", title: "not indexed" } }));
  const all = await doc.send(new DocQuery({ TableName: name, IndexName: "byG", KeyConditionExpression: "gpk = :g", ExpressionAttributeValues: { ":g": "open" } }));
  assert.deepEqual(all.Items.map((i) => i.sk), ["o2", "o3", "o1"]);
  assert.equal(all.Items[2].extra, undefined); // INCLUDE projection: title only
  assert.equal(all.Items[2].title, "first");
  const first = await doc.send(new DocQuery({ TableName: name, IndexName: "byG", KeyConditionExpression: "gpk = :g AND gsk = :ten", ExpressionAttributeValues: { ":g": "open", ":ten": 10 }, Limit: 1 }));
  assert.deepEqual(first.LastEvaluatedKey, { pk: "u2", sk: "o2", gpk: "open", gsk: 10 });
  const second = await doc.send(new DocQuery({ TableName: name, IndexName: "byG", KeyConditionExpression: "gpk = :g AND gsk = :ten", ExpressionAttributeValues: { ":g": "open", ":ten": 10 }, ExclusiveStartKey: first.LastEvaluatedKey }));
  assert.deepEqual(second.Items.map((i) => i.sk), ["o3"]);
  await doc.send(new UpdateCommand({ TableName: name, Key: { pk: "u1", sk: "o1" }, UpdateExpression: "REMOVE gpk" }));
  const after = await doc.send(new DocQuery({ TableName: name, IndexName: "byG", KeyConditionExpression: "gpk = :g", ExpressionAttributeValues: { ":g": "open" } }));
  assert.equal(after.Count, 2);

  await ddb.send(new UpdateTableCommand({
    TableName: name, AttributeDefinitions: [{ AttributeName: "title", AttributeType: "S" }],
    GlobalSecondaryIndexUpdates: [{ Create: { IndexName: "byTitle", KeySchema: [{ AttributeName: "title", KeyType: "HASH" }], Projection: { ProjectionType: "ALL" } } }],
  }));
  const byTitle = await doc.send(new DocQuery({ TableName: name, IndexName: "byTitle", KeyConditionExpression: "title = :t", ExpressionAttributeValues: { ":t": "not indexed" } }));
  assert.deepEqual(byTitle.Items, [{ pk: "u4", sk: "o4", title: "not indexed" }]);
  await assert.rejects(() => ddb.send(new QueryCommand({ TableName: name, IndexName: "nope", KeyConditionExpression: "gpk = :g", ExpressionAttributeValues: { ":g": { S: "x" } } })),
    (e) => e.name === "ValidationException" && e.message === "The table does not have the specified index: nope");
});

test("transactions: all or nothing, cancellation reasons, idempotency, TransactGetItems", async () => {
  const name = await table();
  await doc.send(new PutCommand({ TableName: name, Item: { pk: "acct", sk: "a", balance: 100 } }));
  await doc.send(new PutCommand({ TableName: name, Item: { pk: "acct", sk: "b", balance: 0 } }));
  const transfer = (amount, token) => doc.send(new TransactWriteCommand({
    ClientRequestToken: token,
    TransactItems: [
      { Update: { TableName: name, Key: { pk: "acct", sk: "a" }, UpdateExpression: "SET balance = balance - :x", ConditionExpression: "balance >= :x", ExpressionAttributeValues: { ":x": amount } } },
      { Update: { TableName: name, Key: { pk: "acct", sk: "b" }, UpdateExpression: "SET balance = balance + :x", ExpressionAttributeValues: { ":x": amount } } },
      { Put: { TableName: name, Item: { pk: "log", sk: token ?? "none", amount } } },
    ],
  }));
  const [t1, t2] = [unique("t"), unique("t")];
  await transfer(30, t1);
  await transfer(30, t1); // same token, same request: applied once
  await assert.rejects(() => transfer(500, t1), (e) => e.name === "IdempotentParameterMismatchException");
  await assert.rejects(() => transfer(500, t2), (e) => {
    assert.equal(e.name, "TransactionCanceledException");
    assert.equal(e.message, "Transaction cancelled, please refer cancellation reasons for specific reasons [ConditionalCheckFailed, None, None]");
    assert.deepEqual(e.CancellationReasons.map((r) => r.Code), ["ConditionalCheckFailed", "None", "None"]);
    return true;
  });
  const got = await ddb.send(new TransactGetItemsCommand({
    TransactItems: [
      { Get: { TableName: name, Key: { pk: { S: "acct" }, sk: { S: "a" } } } },
      { Get: { TableName: name, Key: { pk: { S: "acct" }, sk: { S: "b" } }, ProjectionExpression: "balance" } },
      { Get: { TableName: name, Key: { pk: { S: "log" }, sk: { S: t2 } } } },
    ],
  }));
  assert.equal(got.Responses[0].Item.balance.N, "70");
  assert.deepEqual(got.Responses[1].Item, { balance: { N: "30" } });
  assert.equal(got.Responses[2].Item, undefined);
  await assert.rejects(() => ddb.send(new TransactWriteItemsCommand({
    TransactItems: [
      { ConditionCheck: { TableName: name, Key: { pk: { S: "acct" }, sk: { S: "a" } }, ConditionExpression: "attribute_exists(pk)" } },
      { Delete: { TableName: name, Key: { pk: { S: "acct" }, sk: { S: "a" } } } },
    ],
  })), (e) => e.name === "ValidationException" && e.message === "Transaction request cannot include multiple operations on one item");
  const item = await ddb.send(new GetItemCommand({ TableName: name, Key: { pk: { S: "acct" }, sk: { S: "a" } } }));
  assert.equal(item.Item.balance.N, "70");
});

test("ReturnConsumedCapacity: TOTAL and INDEXES reach the SDK's typed ConsumedCapacity", async () => {
  const name = await table();
  const put = await ddb.send(new PutItemCommand({
    TableName: name,
    Item: { pk: { S: "c" }, sk: { S: "1" }, gpk: { S: "g" }, gsk: { N: "1" }, title: { S: "t" } },
    ReturnConsumedCapacity: "INDEXES",
  }));
  assert.equal(put.ConsumedCapacity.TableName, name);
  assert.equal(put.ConsumedCapacity.CapacityUnits, 2);
  assert.equal(put.ConsumedCapacity.Table.CapacityUnits, 1);
  assert.equal(put.ConsumedCapacity.GlobalSecondaryIndexes.byG.CapacityUnits, 1);

  const get = await ddb.send(new GetItemCommand({ TableName: name, Key: { pk: { S: "c" }, sk: { S: "1" } }, ReturnConsumedCapacity: "TOTAL" }));
  assert.deepEqual(get.ConsumedCapacity, { TableName: name, CapacityUnits: 0.5 });

  const query = await ddb.send(new QueryCommand({
    TableName: name, IndexName: "byG", KeyConditionExpression: "gpk = :g", ExpressionAttributeValues: { ":g": { S: "g" } },
    ReturnConsumedCapacity: "INDEXES",
  }));
  assert.equal(query.Count, 1);
  assert.equal(query.ConsumedCapacity.Table.CapacityUnits, 0);
  assert.equal(query.ConsumedCapacity.GlobalSecondaryIndexes.byG.CapacityUnits, 0.5);

  const none = await ddb.send(new GetItemCommand({ TableName: name, Key: { pk: { S: "c" }, sk: { S: "1" } } }));
  assert.equal(none.ConsumedCapacity, undefined);
});
