// Shared by dynamodb-streams.test.mjs and the ddbstream restart phases: clients, tables, and a stream consumer function
// that records what it sees in a sink table (one item per record delivered, so duplicates show).
import { DynamoDBClient, CreateTableCommand, QueryCommand, ScanCommand } from "@aws-sdk/client-dynamodb";
import { DynamoDBStreamsClient } from "@aws-sdk/client-dynamodb-streams";
import { CreateFunctionCommand } from "@aws-sdk/client-lambda";
import { endpoint, lambda, zip, unique, role } from "./helpers.mjs";

const config = { endpoint, region: "us-east-1", credentials: { accessKeyId: "test", secretAccessKey: "test" }, maxAttempts: 1 };
export const ddb = new DynamoDBClient(config);
export const streams = new DynamoDBStreamsClient(config);

/** A table keyed by pk (S) and sk (N) unless keys say otherwise. */
export async function createTable(name, extra = {}) {
  const out = await ddb.send(new CreateTableCommand({
    TableName: name,
    KeySchema: [{ AttributeName: "pk", KeyType: "HASH" }, { AttributeName: "sk", KeyType: "RANGE" }],
    AttributeDefinitions: [{ AttributeName: "pk", AttributeType: "S" }, { AttributeName: "sk", AttributeType: "N" }],
    BillingMode: "PAY_PER_REQUEST",
    ...extra,
  }));
  return out.TableDescription;
}

/** The sink: pk = source key (pk#sk), sk = delivery order stamp; one item per record the function saw. */
export async function createSink() {
  const name = unique("sink");
  await ddb.send(new CreateTableCommand({
    TableName: name,
    KeySchema: [{ AttributeName: "pk", KeyType: "HASH" }, { AttributeName: "sk", KeyType: "RANGE" }],
    AttributeDefinitions: [{ AttributeName: "pk", AttributeType: "S" }, { AttributeName: "sk", AttributeType: "S" }],
    BillingMode: "PAY_PER_REQUEST",
  }));
  return name;
}

// Writes one sink item per record, in event order, through DynamoDB's JSON API at AWS_ENDPOINT_URL (unsigned).
// Throws (failing the whole batch) when a record's NewImage has poison = true.
export const consumerCode = `
let stamp = 0;
export const handler = async (event) => {
  console.log("batch " + event.Records.length + " " + event.Records.map((r) => r.eventName + ":" + r.dynamodb.SequenceNumber).join(","));
  if (event.Records.some((r) => r.dynamodb.NewImage?.poison?.BOOL)) throw new Error("poison in batch");
  for (const r of event.Records) {
    const key = r.dynamodb.Keys.pk.S + "#" + r.dynamodb.Keys.sk.N;
    const order = String(Date.now()).padStart(15, "0") + "-" + String(++stamp).padStart(9, "0");
    const res = await fetch(process.env.AWS_ENDPOINT_URL, {
      method: "POST",
      headers: { "content-type": "application/x-amz-json-1.0", "x-amz-target": "DynamoDB_20120810.PutItem" },
      body: JSON.stringify({ TableName: process.env.SINK, Item: {
        pk: { S: key }, sk: { S: order }, seq: { S: r.dynamodb.SequenceNumber }, eventName: { S: r.eventName },
        eventID: { S: r.eventID }, record: { S: JSON.stringify(r) },
      } }),
    });
    if (!res.ok) throw new Error("sink write failed: " + res.status + " " + await res.text());
  }
  return {};
};`;

export async function createConsumer(sink, extra = {}) {
  const name = unique("ddbfn");
  const fn = await lambda.send(new CreateFunctionCommand({
    FunctionName: name, Runtime: "nodejs20.x", Handler: "index.handler", Role: role, Timeout: 30,
    Code: { ZipFile: await zip({ "index.mjs": consumerCode }) }, Environment: { Variables: { SINK: sink } }, ...extra,
  }));
  return { name, arn: fn.FunctionArn };
}

/** Every sink item, grouped by source key, in delivery order. */
export async function sinkContents(sink) {
  const items = [];
  let start;
  do {
    const page = await ddb.send(new ScanCommand({ TableName: sink, ExclusiveStartKey: start }));
    items.push(...page.Items);
    start = page.LastEvaluatedKey;
  } while (start);
  const byKey = {};
  for (const i of items.sort((a, b) => (a.sk.S < b.sk.S ? -1 : 1))) {
    (byKey[i.pk.S] ??= []).push({ seq: i.seq.S, eventName: i.eventName.S, eventID: i.eventID.S, record: JSON.parse(i.record.S) });
  }
  return { count: items.length, byKey };
}

export { QueryCommand };
