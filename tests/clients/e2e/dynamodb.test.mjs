// DynamoDB through @aws-sdk/client-dynamodb: tables, items, queries, scans, errors.
import { test } from "node:test";
import assert from "node:assert/strict";
import {
  DynamoDBClient, CreateTableCommand, DescribeTableCommand, ListTablesCommand, DeleteTableCommand, UpdateTableCommand,
  PutItemCommand, GetItemCommand, DeleteItemCommand, QueryCommand, ScanCommand,
  TagResourceCommand, ListTagsOfResourceCommand, UpdateTimeToLiveCommand, DescribeTimeToLiveCommand,
} from "@aws-sdk/client-dynamodb";
import { endpoint, unique } from "./helpers.mjs";

const ddb = new DynamoDBClient({
  endpoint,
  region: "us-east-1",
  credentials: { accessKeyId: "test", secretAccessKey: "test" },
  maxAttempts: 1,
});

async function table(extra = {}) {
  const name = unique("ddb");
  const out = await ddb.send(new CreateTableCommand({
    TableName: name,
    KeySchema: [{ AttributeName: "pk", KeyType: "HASH" }, { AttributeName: "sk", KeyType: "RANGE" }],
    AttributeDefinitions: [{ AttributeName: "pk", AttributeType: "S" }, { AttributeName: "sk", AttributeType: "N" }],
    BillingMode: "PAY_PER_REQUEST",
    ...extra,
  }));
  return { name, description: out.TableDescription };
}

test("tables: create, describe, list, update, tag, TTL, delete", async () => {
  const { name, description } = await table({ StreamSpecification: { StreamEnabled: true, StreamViewType: "NEW_IMAGE" } });
  assert.equal(description.TableStatus, "ACTIVE");
  assert.match(description.LatestStreamArn, new RegExp(`table/${name}/stream/`));
  const described = await ddb.send(new DescribeTableCommand({ TableName: name }));
  assert.equal(described.Table.TableArn, `arn:aws:dynamodb:us-east-1:000000000000:table/${name}`);
  assert.ok(described.Table.CreationDateTime instanceof Date);
  const listed = await ddb.send(new ListTablesCommand({}));
  assert.ok(listed.TableNames.includes(name));
  await assert.rejects(() => table({ TableName: name }), (e) => e.name === "ResourceInUseException");
  await ddb.send(new TagResourceCommand({ ResourceArn: described.Table.TableArn, Tags: [{ Key: "team", Value: "a" }] }));
  const tags = await ddb.send(new ListTagsOfResourceCommand({ ResourceArn: described.Table.TableArn }));
  assert.deepEqual(tags.Tags, [{ Key: "team", Value: "a" }]);
  await ddb.send(new UpdateTimeToLiveCommand({ TableName: name, TimeToLiveSpecification: { Enabled: true, AttributeName: "exp" } }));
  const ttl = await ddb.send(new DescribeTimeToLiveCommand({ TableName: name }));
  assert.equal(ttl.TimeToLiveDescription.TimeToLiveStatus, "ENABLED");
  const updated = await ddb.send(new UpdateTableCommand({
    TableName: name,
    AttributeDefinitions: [{ AttributeName: "g", AttributeType: "S" }],
    GlobalSecondaryIndexUpdates: [{ Create: { IndexName: "byG", KeySchema: [{ AttributeName: "g", KeyType: "HASH" }], Projection: { ProjectionType: "ALL" } } }],
  }));
  assert.equal(updated.TableDescription.GlobalSecondaryIndexes[0].IndexName, "byG");
  await ddb.send(new DeleteTableCommand({ TableName: name }));
  await assert.rejects(() => ddb.send(new DescribeTableCommand({ TableName: name })), (e) => e.name === "ResourceNotFoundException" && e.$metadata.httpStatusCode === 400);
});

test("table validation errors", async () => {
  await assert.rejects(() => ddb.send(new CreateTableCommand({
    TableName: unique("bad"),
    KeySchema: [{ AttributeName: "pk", KeyType: "HASH" }],
    AttributeDefinitions: [{ AttributeName: "pk", AttributeType: "S" }, { AttributeName: "x", AttributeType: "S" }],
    BillingMode: "PAY_PER_REQUEST",
  })), (e) => e.name === "ValidationException" && /does not exactly match/.test(e.message));
});

test("items: put, get, delete with number precision and ReturnValues", async () => {
  const { name } = await table();
  const item = { pk: { S: "a" }, sk: { N: "1.50" }, big: { N: "12345678901234567890123456789012345678" }, set: { SS: ["x", "y"] }, bin: { B: new Uint8Array([1, 2, 3]) }, m: { M: { l: { L: [{ BOOL: true }, { NULL: true }] } } } };
  await ddb.send(new PutItemCommand({ TableName: name, Item: item }));
  const got = await ddb.send(new GetItemCommand({ TableName: name, Key: { pk: { S: "a" }, sk: { N: "1.5" } }, ConsistentRead: true }));
  assert.equal(got.Item.sk.N, "1.5");
  assert.equal(got.Item.big.N, "12345678901234567890123456789012345678");
  assert.deepEqual(got.Item.set.SS.sort(), ["x", "y"]);
  assert.deepEqual([...got.Item.bin.B], [1, 2, 3]);
  assert.equal(got.Item.m.M.l.L[0].BOOL, true);
  const old = await ddb.send(new PutItemCommand({ TableName: name, Item: { pk: { S: "a" }, sk: { N: "1.5" } }, ReturnValues: "ALL_OLD" }));
  assert.equal(old.Attributes.big.N, "12345678901234567890123456789012345678");
  const deleted = await ddb.send(new DeleteItemCommand({ TableName: name, Key: { pk: { S: "a" }, sk: { N: "1.5" } }, ReturnValues: "ALL_OLD" }));
  assert.equal(deleted.Attributes.pk.S, "a");
  const gone = await ddb.send(new GetItemCommand({ TableName: name, Key: { pk: { S: "a" }, sk: { N: "1.5" } } }));
  assert.equal(gone.Item, undefined);
  await assert.rejects(() => ddb.send(new PutItemCommand({ TableName: name, Item: { pk: { S: "a" }, sk: { S: "1" } } })),
    (e) => e.name === "ValidationException" && e.message === "One or more parameter values were invalid: Type mismatch for key sk expected: N actual: S");
  await assert.rejects(() => ddb.send(new GetItemCommand({ TableName: name, Key: { pk: { S: "a" } } })),
    (e) => e.name === "ValidationException" && e.message === "The provided key element does not match the schema");
});

test("query and scan: ordering, conditions, pagination", async () => {
  const { name } = await table();
  for (const n of ["-5", "0", "2", "10", "100"]) {
    await ddb.send(new PutItemCommand({ TableName: name, Item: { pk: { S: "p" }, sk: { N: n } } }));
  }
  const all = await ddb.send(new QueryCommand({ TableName: name, KeyConditionExpression: "pk = :p", ExpressionAttributeValues: { ":p": { S: "p" } } }));
  assert.deepEqual(all.Items.map((i) => i.sk.N), ["-5", "0", "2", "10", "100"]);
  const range = await ddb.send(new QueryCommand({
    TableName: name, KeyConditionExpression: "pk = :p AND #s BETWEEN :a AND :b", ScanIndexForward: false,
    ExpressionAttributeNames: { "#s": "sk" }, ExpressionAttributeValues: { ":p": { S: "p" }, ":a": { N: "0" }, ":b": { N: "10" } },
  }));
  assert.deepEqual(range.Items.map((i) => i.sk.N), ["10", "2", "0"]);
  const seen = [];
  let start;
  do {
    const page = await ddb.send(new QueryCommand({ TableName: name, KeyConditionExpression: "pk = :p", Limit: 2, ExclusiveStartKey: start, ExpressionAttributeValues: { ":p": { S: "p" } } }));
    seen.push(...page.Items.map((i) => i.sk.N));
    start = page.LastEvaluatedKey;
  } while (start);
  assert.deepEqual(seen, ["-5", "0", "2", "10", "100"]);
  const scan = await ddb.send(new ScanCommand({ TableName: name }));
  assert.equal(scan.Count, 5);
  await assert.rejects(() => ddb.send(new QueryCommand({ TableName: name, KeyConditionExpression: "pk = :p", ExpressionAttributeValues: { ":p": { S: "p" }, ":x": { S: "x" } } })),
    (e) => e.name === "ValidationException" && e.message === "Value provided in ExpressionAttributeValues unused in expressions: keys: {:x}");
});
