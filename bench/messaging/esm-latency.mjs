// End-to-end latency from SendMessage to the Lambda invocation through an SQS event source mapping, on an idle queue.
// node bench/messaging/esm-latency.mjs [endpoint] [samples]   (clients come from tests/clients; run `npm ci` there first)
import { createRequire } from "node:module";
import { randomUUID } from "node:crypto";
import JSZipModule from "../../tests/clients/node_modules/jszip/lib/index.js";

const require = createRequire(new URL("../../tests/clients/package.json", import.meta.url));
const { LambdaClient, CreateFunctionCommand, CreateEventSourceMappingCommand, DeleteEventSourceMappingCommand, DeleteFunctionCommand, GetFunctionCommand } = require("@aws-sdk/client-lambda");
const { SQSClient, CreateQueueCommand, GetQueueAttributesCommand, SendMessageCommand, DeleteQueueCommand } = require("@aws-sdk/client-sqs");
const { CloudWatchLogsClient, FilterLogEventsCommand } = require("@aws-sdk/client-cloudwatch-logs");

const endpoint = process.argv[2] ?? "http://127.0.0.1:4566";
const samples = Number(process.argv[3] ?? 50);
const config = { endpoint, region: "us-east-1", credentials: { accessKeyId: "test", secretAccessKey: "test" }, maxAttempts: 1 };
const lambda = new LambdaClient(config);
const sqs = new SQSClient(config);
const logs = new CloudWatchLogsClient(config);
const id = randomUUID().slice(0, 8);

const zip = new JSZipModule();
zip.file("index.mjs", `export const handler = async (event) => {
  const now = Date.now();
  for (const r of event.Records) console.log("lat " + (now - Number(r.body)));
};`);
const code = await zip.generateAsync({ type: "uint8array" });
const fn = `esm-lat-${id}`;
await lambda.send(new CreateFunctionCommand({ FunctionName: fn, Runtime: "nodejs20.x", Handler: "index.handler", Role: "arn:aws:iam::000000000000:role/r", Code: { ZipFile: code } }));
const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: `esm-lat-${id}` }));
const { Attributes } = await sqs.send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ["QueueArn"] }));
const { UUID } = await lambda.send(new CreateEventSourceMappingCommand({ FunctionName: fn, EventSourceArn: Attributes.QueueArn, BatchSize: 1 }));

// Warm the sandbox, then send one message at a time with the queue idle in between.
await sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: String(Date.now()) }));
await new Promise((r) => setTimeout(r, 2000));
for (let i = 0; i < samples; i++) {
  await sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: String(Date.now()) }));
  await new Promise((r) => setTimeout(r, 150));
}

let latencies = [];
for (let tries = 0; tries < 100 && latencies.length < samples + 1; tries++) {
  await new Promise((r) => setTimeout(r, 200));
  const page = await logs.send(new FilterLogEventsCommand({ logGroupName: `/aws/lambda/${fn}`, filterPattern: '"lat "', limit: 10000 }));
  latencies = (page.events ?? []).map((e) => Number(e.message.trim().split(" ").at(-1)));
}
latencies = latencies.slice(1).sort((a, b) => a - b);
const p = (q) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))];
console.log(`esm latency (SendMessage -> handler start, idle queue, ${latencies.length} samples): p50 ${p(0.5)} ms, p90 ${p(0.9)} ms, max ${latencies.at(-1)} ms`);

await lambda.send(new DeleteEventSourceMappingCommand({ UUID }));
await lambda.send(new DeleteFunctionCommand({ FunctionName: fn }));
await sqs.send(new DeleteQueueCommand({ QueueUrl }));
