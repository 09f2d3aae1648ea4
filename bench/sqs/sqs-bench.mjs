// SQS throughput: N closed-loop clients each doing SendMessage + ReceiveMessage + DeleteMessage on one queue,
// with @aws-sdk/client-sqs (JSON 1.0) over keep-alive connections. Usage:
//   node bench/sqs/sqs-bench.mjs --endpoint http://127.0.0.1:4566 [--clients 10] [--duration 10] [--body-bytes 256]
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";
import path from "node:path";
import os from "node:os";

const here = path.dirname(fileURLToPath(import.meta.url));
const require = createRequire(path.join(here, "..", "..", "tests", "clients", "package.json"));
const {
  SQSClient, CreateQueueCommand, SendMessageCommand, ReceiveMessageCommand, DeleteMessageCommand, DeleteQueueCommand,
} = require("@aws-sdk/client-sqs");
const { NodeHttpHandler } = require("@smithy/node-http-handler");
const http = require("node:http");

const arg = (name, fallback) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : fallback;
};
const endpoint = arg("endpoint", "http://127.0.0.1:4566");
const clients = Number(arg("clients", 10));
const duration = Number(arg("duration", 10)) * 1000;
const body = "x".repeat(Number(arg("body-bytes", 256)));

const sqs = new SQSClient({
  endpoint, region: "us-east-1", credentials: { accessKeyId: "test", secretAccessKey: "test" }, maxAttempts: 1,
  requestHandler: new NodeHttpHandler({ httpAgent: new http.Agent({ keepAlive: true, maxSockets: clients * 2 }) }),
});
const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: `bench-${Date.now()}` }));

const latencies = [];
let cycles = 0;
let errors = 0;
const stopAt = Date.now() + duration;
async function worker() {
  while (Date.now() < stopAt) {
    const t0 = performance.now();
    try {
      await sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: body }));
      const got = await sqs.send(new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 1, WaitTimeSeconds: 1 }));
      for (const m of got.Messages ?? []) await sqs.send(new DeleteMessageCommand({ QueueUrl, ReceiptHandle: m.ReceiptHandle }));
      cycles++;
      latencies.push(performance.now() - t0);
    } catch (e) {
      errors++;
    }
  }
}
const start = performance.now();
await Promise.all(Array.from({ length: clients }, worker));
const seconds = (performance.now() - start) / 1000;
await sqs.send(new DeleteQueueCommand({ QueueUrl }));
latencies.sort((a, b) => a - b);
const p = (q) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))]?.toFixed(2);
console.log(JSON.stringify({
  clients, seconds: Number(seconds.toFixed(1)), cycles, errors,
  cyclesPerSecond: Number((cycles / seconds).toFixed(0)),
  requestsPerSecond: Number(((cycles * 3) / seconds).toFixed(0)),
  cycleMs: { p50: p(0.5), p90: p(0.9), p99: p(0.99) },
  loadavg: os.loadavg().map((l) => l.toFixed(2)),
}));
