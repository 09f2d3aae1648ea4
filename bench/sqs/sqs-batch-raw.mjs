// SQS throughput without SDK overhead: raw JSON 1.0 requests over keep-alive connections.
//   node bench/sqs/sqs-batch-raw.mjs ENDPOINT [clients] [seconds]
// Phase 1: every client loops SendMessageBatch (10 × 256-byte messages). Phase 2: every client loops
// ReceiveMessage (10) + DeleteMessageBatch until the queue is drained. Prints messages/s for each phase.
import http from "node:http";

const endpoint = new URL(process.argv[2] ?? "http://127.0.0.1:4566");
const clients = Number(process.argv[3] ?? 10);
const seconds = Number(process.argv[4] ?? 5);
const agent = new http.Agent({ keepAlive: true, maxSockets: clients });

function call(operation, body) {
  const data = JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const req = http.request({
      host: endpoint.hostname, port: endpoint.port, path: "/", method: "POST", agent,
      headers: { "Content-Type": "application/x-amz-json-1.0", "X-Amz-Target": `AmazonSQS.${operation}`, "Content-Length": Buffer.byteLength(data) },
    }, (res) => {
      const chunks = [];
      res.on("data", (c) => chunks.push(c));
      res.on("end", () => {
        const text = Buffer.concat(chunks).toString();
        res.statusCode === 200 ? resolve(text ? JSON.parse(text) : {}) : reject(new Error(`${operation}: ${res.statusCode} ${text}`));
      });
    });
    req.on("error", reject);
    req.end(data);
  });
}

const { QueueUrl } = await call("CreateQueue", { QueueName: `bench-batch-${Date.now()}` });
const body = "x".repeat(256);
let sent = 0;
const sendUntil = Date.now() + seconds * 1000;
const t0 = performance.now();
await Promise.all(Array.from({ length: clients }, async () => {
  while (Date.now() < sendUntil) {
    await call("SendMessageBatch", { QueueUrl, Entries: Array.from({ length: 10 }, (_, i) => ({ Id: `m${i}`, MessageBody: body })) });
    sent += 10;
  }
}));
const sendMs = performance.now() - t0;
console.log(`SendMessageBatch x10, ${clients} clients: ${sent} messages in ${sendMs.toFixed(0)} ms = ${(sent / (sendMs / 1000)).toFixed(0)} messages/s`);

let received = 0;
const t1 = performance.now();
await Promise.all(Array.from({ length: clients }, async () => {
  for (;;) {
    const r = await call("ReceiveMessage", { QueueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 0 });
    if (!r.Messages?.length) break;
    received += r.Messages.length;
    await call("DeleteMessageBatch", { QueueUrl, Entries: r.Messages.map((m, i) => ({ Id: `d${i}`, ReceiptHandle: m.ReceiptHandle })) });
  }
}));
const recvMs = performance.now() - t1;
console.log(`ReceiveMessage x10 + DeleteMessageBatch, ${clients} clients: ${received} messages in ${recvMs.toFixed(0)} ms = ${(received / (recvMs / 1000)).toFixed(0)} messages/s`);
await call("DeleteQueue", { QueueUrl });
agent.destroy();
