// Lambda with SQS: event source mappings (polling, batches, partial batch failures, redrive, enable/disable) and
// SQS as an async-invoke destination and dead-letter queue. Drives @aws-sdk/client-lambda and @aws-sdk/client-sqs.
import { test, after } from "node:test";
import assert from "node:assert/strict";
import {
  CreateFunctionCommand, DeleteFunctionCommand, InvokeCommand, PutFunctionEventInvokeConfigCommand,
  CreateEventSourceMappingCommand, GetEventSourceMappingCommand, UpdateEventSourceMappingCommand,
  DeleteEventSourceMappingCommand, ListEventSourceMappingsCommand,
} from "@aws-sdk/client-lambda";
import {
  SQSClient, CreateQueueCommand, GetQueueAttributesCommand, SendMessageCommand, SendMessageBatchCommand,
  ReceiveMessageCommand, DeleteQueueCommand,
} from "@aws-sdk/client-sqs";
import { SNSClient, CreateTopicCommand, SubscribeCommand, PublishCommand, DeleteTopicCommand } from "@aws-sdk/client-sns";
import { endpoint, lambda, zip, unique, role, payload, waitFor, waitForLog, rejectsWith } from "./helpers.mjs";

const sqs = new SQSClient({ endpoint, region: "us-east-1", credentials: { accessKeyId: "test", secretAccessKey: "test" }, maxAttempts: 1 });
const sns = new SNSClient({ endpoint, region: "us-east-1", credentials: { accessKeyId: "test", secretAccessKey: "test" }, maxAttempts: 1 });
const cleanup = [];
after(async () => { for (const undo of cleanup.reverse()) await undo().catch(() => {}); });

async function createQueue(attributes = {}) {
  const name = unique("q");
  const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: name, Attributes: attributes }));
  const { Attributes } = await sqs.send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ["QueueArn"] }));
  cleanup.push(() => sqs.send(new DeleteQueueCommand({ QueueUrl })));
  return { url: QueueUrl, arn: Attributes.QueueArn };
}

async function createFunction(code, extra = {}) {
  const name = unique("sqsfn");
  const fn = await lambda.send(new CreateFunctionCommand({
    FunctionName: name, Runtime: "nodejs20.x", Handler: "index.handler", Role: role,
    Code: { ZipFile: await zip({ "index.mjs": code }) }, ...extra,
  }));
  cleanup.push(() => lambda.send(new DeleteFunctionCommand({ FunctionName: name })));
  return { name, arn: fn.FunctionArn };
}

async function counts(url) {
  const { Attributes } = await sqs.send(new GetQueueAttributesCommand({
    QueueUrl: url, AttributeNames: ["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"],
  }));
  return [Number(Attributes.ApproximateNumberOfMessages), Number(Attributes.ApproximateNumberOfMessagesNotVisible)];
}

// Logs every record; reports records whose body contains "fail" as batch item failures.
const consumerCode = `export const handler = async (event) => {
  const failures = [];
  for (const r of event.Records) {
    console.log("got " + r.body + " " + JSON.stringify(r));
    if (r.body.includes("fail")) failures.push({ itemIdentifier: r.messageId });
  }
  console.log("batch " + event.Records.length);
  return { batchItemFailures: failures };
};`;

test("an SQS mapping delivers every message in Lambda's event shape and deletes only what succeeded", async () => {
  const queue = await createQueue({ VisibilityTimeout: "30" });
  const fn = await createFunction(consumerCode);
  const created = await lambda.send(new CreateEventSourceMappingCommand({
    FunctionName: fn.name, EventSourceArn: queue.arn, BatchSize: 5, FunctionResponseTypes: ["ReportBatchItemFailures"],
  }));
  cleanup.push(() => lambda.send(new DeleteEventSourceMappingCommand({ UUID: created.UUID })));
  assert.equal(created.State, "Creating");
  assert.equal(created.BatchSize, 5);
  assert.equal(created.FunctionArn, fn.arn);
  assert.equal(created.EventSourceArn, queue.arn);
  assert.deepEqual(created.FunctionResponseTypes, ["ReportBatchItemFailures"]);
  assert.match(created.EventSourceMappingArn, /^arn:aws:lambda:us-east-1:\d{12}:event-source-mapping:[0-9a-f-]{36}$/);
  assert.equal((await lambda.send(new GetEventSourceMappingCommand({ UUID: created.UUID }))).State, "Enabled");
  const listed = await lambda.send(new ListEventSourceMappingsCommand({ FunctionName: fn.name }));
  assert.deepEqual(listed.EventSourceMappings.map((m) => m.UUID), [created.UUID]);

  const marker = unique("m");
  await sqs.send(new SendMessageBatchCommand({
    QueueUrl: queue.url,
    Entries: Array.from({ length: 9 }, (_, i) => ({
      Id: `e${i}`, MessageBody: `${marker}-${i}${i === 4 ? "-fail" : ""}`,
      MessageAttributes: { color: { DataType: "String", StringValue: "blue" } },
    })),
  }));

  const lines = await waitFor(async () => {
    const events = await waitForLog(fn.name, `got ${marker}`);
    return new Set(events.map((e) => e.message.split(" ")[1]).filter((b) => b.startsWith(marker))).size === 9 ? events : null;
  }, 30000, "all nine messages");
  const record = JSON.parse(lines[0].message.slice(lines[0].message.indexOf("{")));
  assert.equal(record.eventSource, "aws:sqs");
  assert.equal(record.eventSourceARN, queue.arn);
  assert.equal(record.awsRegion, "us-east-1");
  assert.deepEqual(Object.keys(record.attributes).sort(), ["ApproximateFirstReceiveTimestamp", "ApproximateReceiveCount", "SenderId", "SentTimestamp"]);
  assert.deepEqual(record.messageAttributes.color, { stringValue: "blue", stringListValues: [], binaryListValues: [], dataType: "String" });
  assert.match(record.md5OfBody, /^[0-9a-f]{32}$/);
  assert.match(record.md5OfMessageAttributes, /^[0-9a-f]{32}$/);

  // Eight deleted; the reported failure stays in flight until its visibility timeout.
  await waitFor(async () => { const [visible, inFlight] = await counts(queue.url); return visible === 0 && inFlight === 1; }, 15000, "only the failed message left");
});

test("a failing batch goes back to the queue and on to its dead-letter queue after maxReceiveCount", async () => {
  const dlq = await createQueue();
  const queue = await createQueue({ VisibilityTimeout: "3", RedrivePolicy: JSON.stringify({ deadLetterTargetArn: dlq.arn, maxReceiveCount: 2 }) });
  const fn = await createFunction(`export const handler = async (event) => { console.log("attempt " + event.Records[0].body + " " + event.Records[0].attributes.ApproximateReceiveCount); throw new Error("nope"); };`);
  const { UUID } = await lambda.send(new CreateEventSourceMappingCommand({ FunctionName: fn.name, EventSourceArn: queue.arn, BatchSize: 1 }));
  cleanup.push(() => lambda.send(new DeleteEventSourceMappingCommand({ UUID })));
  const marker = unique("poison");
  await sqs.send(new SendMessageCommand({ QueueUrl: queue.url, MessageBody: marker }));

  const moved = await waitFor(async () => {
    const r = await sqs.send(new ReceiveMessageCommand({ QueueUrl: dlq.url, WaitTimeSeconds: 1, MessageSystemAttributeNames: ["All"] }));
    return r.Messages?.length ? r.Messages[0] : null;
  }, 30000, "the message in the dead-letter queue");
  assert.equal(moved.Body, marker);
  const attempts = await waitForLog(fn.name, `attempt ${marker}`);
  assert.deepEqual(attempts.map((e) => e.message.trim().split(" ").at(-1)).sort(), ["1", "2"]);
});

test("disabling a mapping stops polling; enabling resumes it; deleting removes it", async () => {
  const queue = await createQueue({ VisibilityTimeout: "30" });
  const fn = await createFunction(consumerCode);
  const { UUID } = await lambda.send(new CreateEventSourceMappingCommand({ FunctionName: fn.name, EventSourceArn: queue.arn, Enabled: false }));
  assert.equal((await lambda.send(new GetEventSourceMappingCommand({ UUID }))).State, "Disabled");
  const marker = unique("held");
  await sqs.send(new SendMessageCommand({ QueueUrl: queue.url, MessageBody: marker }));
  await new Promise((r) => setTimeout(r, 1500));
  assert.deepEqual(await counts(queue.url), [1, 0]);

  const enabling = await lambda.send(new UpdateEventSourceMappingCommand({ UUID, Enabled: true, BatchSize: 3 }));
  assert.equal(enabling.State, "Enabling");
  assert.equal(enabling.BatchSize, 3);
  await waitForLog(fn.name, `got ${marker}`);
  await waitFor(async () => (await counts(queue.url)).every((n) => n === 0), 15000, "the queue drained");

  const deleting = await lambda.send(new DeleteEventSourceMappingCommand({ UUID }));
  assert.equal(deleting.State, "Deleting");
  await rejectsWith(lambda.send(new GetEventSourceMappingCommand({ UUID })), "ResourceNotFoundException", 404);
});

test("mapping errors have AWS's codes", async () => {
  const queue = await createQueue({ VisibilityTimeout: "30" });
  const fn = await createFunction(consumerCode);
  const { UUID } = await lambda.send(new CreateEventSourceMappingCommand({ FunctionName: fn.name, EventSourceArn: queue.arn }));
  cleanup.push(() => lambda.send(new DeleteEventSourceMappingCommand({ UUID })));
  await rejectsWith(lambda.send(new CreateEventSourceMappingCommand({ FunctionName: fn.name, EventSourceArn: queue.arn })), "ResourceConflictException", 409);
  await rejectsWith(lambda.send(new CreateEventSourceMappingCommand({ FunctionName: fn.name, EventSourceArn: queue.arn.replace(/q-[^:]+$/, "q-missing") })), "InvalidParameterValueException", 400);
  await rejectsWith(lambda.send(new CreateEventSourceMappingCommand({ FunctionName: unique("nofn"), EventSourceArn: queue.arn })), "ResourceNotFoundException", 404);
  const other = await createQueue({ VisibilityTimeout: "30" });
  await rejectsWith(lambda.send(new CreateEventSourceMappingCommand({ FunctionName: fn.name, EventSourceArn: other.arn, BatchSize: 11 })), "InvalidParameterValueException", 400);
  const slow = await createFunction(consumerCode, { Timeout: 60 });
  const e = await rejectsWith(lambda.send(new CreateEventSourceMappingCommand({ FunctionName: slow.name, EventSourceArn: other.arn })), "InvalidParameterValueException", 400);
  assert.match(e.message, /Queue visibility timeout: 30 seconds is less than Function timeout: 60 seconds/);
  await rejectsWith(lambda.send(new GetEventSourceMappingCommand({ UUID: "00000000-0000-0000-0000-000000000000" })), "ResourceNotFoundException", 404);
});

test("async invokes: SQS as OnFailure destination and as the function's dead-letter queue", async () => {
  const destination = await createQueue();
  const dlq = await createQueue();
  const fn = await createFunction(`export const handler = async (e) => { throw new TypeError("bad order " + e.marker); };`,
    { DeadLetterConfig: { TargetArn: dlq.arn } });
  await lambda.send(new PutFunctionEventInvokeConfigCommand({
    FunctionName: fn.name, MaximumRetryAttempts: 0, DestinationConfig: { OnFailure: { Destination: destination.arn } },
  }));
  const marker = unique("order");
  await lambda.send(new InvokeCommand({ FunctionName: fn.name, InvocationType: "Event", Payload: payload({ marker }) }));

  const receive = (url) => waitFor(async () => {
    const r = await sqs.send(new ReceiveMessageCommand({ QueueUrl: url, WaitTimeSeconds: 1, MessageAttributeNames: ["All"] }));
    return r.Messages?.[0];
  }, 20000, "a message");
  const record = JSON.parse((await receive(destination.url)).Body);
  assert.equal(record.requestContext.condition, "RetriesExhausted");
  assert.deepEqual(record.requestPayload, { marker });
  assert.equal(record.responsePayload.errorType, "TypeError");

  const dead = await receive(dlq.url);
  assert.deepEqual(JSON.parse(dead.Body), { marker });
  assert.equal(dead.MessageAttributes.RequestID.StringValue, record.requestContext.requestId);
  assert.equal(dead.MessageAttributes.ErrorCode.StringValue, "200");
  assert.equal(dead.MessageAttributes.ErrorMessage.StringValue, `bad order ${marker}`);
});

test("fan-out: SNS → two SQS queues → Lambda via mappings, with a partial batch failure left for redrive", async () => {
  const topic = unique("orders");
  const { TopicArn } = await sns.send(new CreateTopicCommand({ Name: topic }));
  cleanup.push(() => sns.send(new DeleteTopicCommand({ TopicArn })));
  const dlq = await createQueue();
  const queues = [
    await createQueue({ VisibilityTimeout: "3", RedrivePolicy: JSON.stringify({ deadLetterTargetArn: dlq.arn, maxReceiveCount: 1 }) }),
    await createQueue({ VisibilityTimeout: "30" }),
  ];
  // The first queue gets the SNS envelope, the second the raw message.
  await sns.send(new SubscribeCommand({ TopicArn, Protocol: "sqs", Endpoint: queues[0].arn }));
  await sns.send(new SubscribeCommand({ TopicArn, Protocol: "sqs", Endpoint: queues[1].arn, Attributes: { RawMessageDelivery: "true" } }));
  const fn = await createFunction(`export const handler = async (event) => {
    const failures = [];
    for (const r of event.Records) {
      const text = r.body.startsWith("{") && JSON.parse(r.body).Type === "Notification" ? JSON.parse(r.body).Message : r.body;
      console.log("fanout " + (r.body === text ? "raw" : "envelope") + " " + text);
      if (text.includes("fail") && r.body !== text) failures.push({ itemIdentifier: r.messageId });
    }
    return { batchItemFailures: failures };
  };`);
  for (const q of queues) {
    const { UUID } = await lambda.send(new CreateEventSourceMappingCommand({
      FunctionName: fn.name, EventSourceArn: q.arn, BatchSize: 10, FunctionResponseTypes: ["ReportBatchItemFailures"],
    }));
    cleanup.push(() => lambda.send(new DeleteEventSourceMappingCommand({ UUID })));
  }

  const marker = unique("fan");
  for (const suffix of ["a", "b", "fail"]) await sns.send(new PublishCommand({ TopicArn, Message: `${marker}-${suffix}` }));

  const seen = await waitFor(async () => {
    const events = await waitForLog(fn.name, marker);
    const lines = events.map((e) => e.message.trim().split(" ").slice(-2).join(" "));
    return new Set(lines).size >= 6 ? new Set(lines) : null;
  }, 30000, "six deliveries");
  for (const kind of ["raw", "envelope"]) for (const suffix of ["a", "b", "fail"]) assert.ok(seen.has(`${kind} ${marker}-${suffix}`), `${kind} ${suffix}`);

  // The failed envelope goes back to its queue and, past maxReceiveCount 1, on to the dead-letter queue.
  const dead = await waitFor(async () => {
    const r = await sqs.send(new ReceiveMessageCommand({ QueueUrl: dlq.url, WaitTimeSeconds: 1 }));
    return r.Messages?.[0];
  }, 30000, "the failed message in the dead-letter queue");
  assert.equal(JSON.parse(dead.Body).Message, `${marker}-fail`);
  await waitFor(async () => (await counts(queues[1].url)).every((n) => n === 0), 15000, "the raw queue drained");
});

test("filter criteria: only matching records invoke the function; the others are deleted", async () => {
  const queue = await createQueue({ VisibilityTimeout: "30" });
  const fn = await createFunction(consumerCode);
  const { UUID } = await lambda.send(new CreateEventSourceMappingCommand({
    FunctionName: fn.name, EventSourceArn: queue.arn,
    FilterCriteria: { Filters: [{ Pattern: JSON.stringify({ body: { kind: ["order"], amount: [{ numeric: [">", 100] }] } }) }] },
  }));
  cleanup.push(() => lambda.send(new DeleteEventSourceMappingCommand({ UUID })));
  const got = await lambda.send(new GetEventSourceMappingCommand({ UUID }));
  assert.equal(got.FilterCriteria.Filters.length, 1);

  const marker = unique("flt");
  const bodies = [
    { kind: "order", amount: 150, marker, n: 1 },
    { kind: "order", amount: 50, marker, n: 2 },
    { kind: "refund", amount: 500, marker, n: 3 },
  ];
  for (const b of bodies) await sqs.send(new SendMessageCommand({ QueueUrl: queue.url, MessageBody: JSON.stringify(b) }));
  await sqs.send(new SendMessageCommand({ QueueUrl: queue.url, MessageBody: `plain text ${marker}` }));

  await waitFor(async () => (await counts(queue.url)).every((n) => n === 0), 20000, "the queue drained");
  const events = await waitForLog(fn.name, marker);
  const invoked = events.map((e) => JSON.parse(e.message.slice(e.message.indexOf("got ") + 4, e.message.indexOf("} {") + 1)).n);
  assert.deepEqual(invoked, [1]);

  await rejectsWith(lambda.send(new CreateEventSourceMappingCommand({
    FunctionName: fn.name, EventSourceArn: (await createQueue({ VisibilityTimeout: "30" })).arn,
    FilterCriteria: { Filters: [{ Pattern: "{\"body\": \"not-an-array\"}" }] },
  })), "InvalidParameterValueException", 400);
});
