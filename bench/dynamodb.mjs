// DynamoDB throughput: PutItem / GetItem / Query operations/s from N concurrent loops of @aws-sdk/client-dynamodb.
// Usage: node bench/dynamodb.mjs ENDPOINT [CLIENTS=10] [SECONDS=5]   (resolves the SDK from tests/clients/node_modules)
// With NIMBUS_PID=<pid of nimbus>, also prints the server's CPU time per operation (from /proc), which on a shared, loaded
// machine says more about the server than ops/s does.
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";
import path from "node:path";

const require = createRequire(path.join(path.dirname(fileURLToPath(import.meta.url)), "..", "tests", "clients", "package.json"));
const { DynamoDBClient, CreateTableCommand, PutItemCommand, GetItemCommand, QueryCommand } = require("@aws-sdk/client-dynamodb");
const { NodeHttpHandler } = require("@smithy/node-http-handler");
const http = require("node:http");

const [endpoint = "http://127.0.0.1:4566", clients = "10", seconds = "5"] = process.argv.slice(2);
const n = Number(clients), duration = Number(seconds) * 1000;
const make = () => new DynamoDBClient({
  endpoint, region: "us-east-1", credentials: { accessKeyId: "test", secretAccessKey: "test" }, maxAttempts: 1,
  requestHandler: new NodeHttpHandler({ httpAgent: new http.Agent({ keepAlive: true, maxSockets: 1 }) }),
});
const table = `bench-${Date.now()}`;
await make().send(new CreateTableCommand({
  TableName: table, BillingMode: "PAY_PER_REQUEST",
  KeySchema: [{ AttributeName: "pk", KeyType: "HASH" }, { AttributeName: "sk", KeyType: "RANGE" }],
  AttributeDefinitions: [{ AttributeName: "pk", AttributeType: "S" }, { AttributeName: "sk", AttributeType: "N" }],
}));

import { readFileSync } from "node:fs";
const pid = process.env.NIMBUS_PID;
const cpuMs = () => {
  const f = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1].split(" ");
  return (Number(f[11]) + Number(f[12])) * 10; // utime + stime, in clock ticks of 10 ms
};

async function run(name, op) {
  const cpu0 = pid ? cpuMs() : 0;
  const workers = Array.from({ length: n }, (_, w) => ({ client: make(), w }));
  let count = 0, errors = 0;
  const end = Date.now() + duration;
  await Promise.all(workers.map(async ({ client, w }) => {
    let i = 0;
    while (Date.now() < end) {
      try { await client.send(op(w, i++)); count++; } catch { errors++; }
    }
  }));
  const cpu = pid ? ` ${((cpuMs() - cpu0) * 1000 / count).toFixed(0)} |` : "";
  console.log(`| ${name} | ${n} | ${(count / (duration / 1000)).toFixed(0)} | ${errors} |${cpu}`);
}

const item = (w, i) => ({ pk: { S: `p${w}` }, sk: { N: String(i % 1000) }, v: { S: "x".repeat(100) } });
console.log(pid ? "| Operation | Clients | ops/s | errors | server CPU µs/op |\n|---|---|---|---|---|" : "| Operation | Clients | ops/s | errors |\n|---|---|---|---|");
await run("PutItem", (w, i) => new PutItemCommand({ TableName: table, Item: item(w, i) }));
await run("GetItem", (w, i) => new GetItemCommand({ TableName: table, Key: { pk: { S: `p${w}` }, sk: { N: String(i % 1000) } } }));
await run("Query (≤10 items)", (w, i) => new QueryCommand({ TableName: table, Limit: 10, KeyConditionExpression: "pk = :p AND sk >= :s", ExpressionAttributeValues: { ":p": { S: `p${w}` }, ":s": { N: String(i % 900) } } }));
