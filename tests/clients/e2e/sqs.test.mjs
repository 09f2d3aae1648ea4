// SQS through @aws-sdk/client-sqs (JSON 1.0) and raw query-protocol posts: queues, messages, FIFO, DLQ, errors, MD5s.
import { test } from "node:test";
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import {
  SQSClient, CreateQueueCommand, GetQueueUrlCommand, ListQueuesCommand, DeleteQueueCommand, PurgeQueueCommand,
  GetQueueAttributesCommand, SetQueueAttributesCommand, SendMessageCommand, SendMessageBatchCommand,
  ReceiveMessageCommand, DeleteMessageCommand, DeleteMessageBatchCommand, ChangeMessageVisibilityCommand,
  ChangeMessageVisibilityBatchCommand, TagQueueCommand, UntagQueueCommand, ListQueueTagsCommand,
  ListDeadLetterSourceQueuesCommand, StartMessageMoveTaskCommand, ListMessageMoveTasksCommand,
} from "@aws-sdk/client-sqs";
import { endpoint, unique, waitFor, rejectsWith } from "./helpers.mjs";

const sqs = new SQSClient({
  endpoint,
  region: "us-east-1",
  credentials: { accessKeyId: "test", secretAccessKey: "test" },
  maxAttempts: 1,
});

const md5 = (data) => createHash("md5").update(data).digest("hex");

/** MD5OfMessageAttributes as AWS computes it: sorted names; length-prefixed name, type, transport byte, value. */
function attributesMd5(attributes) {
  const parts = [];
  const lengthPrefixed = (bytes) => {
    const len = Buffer.alloc(4);
    len.writeUInt32BE(bytes.length);
    parts.push(len, Buffer.from(bytes));
  };
  for (const name of Object.keys(attributes).sort()) {
    const a = attributes[name];
    lengthPrefixed(Buffer.from(name, "utf8"));
    lengthPrefixed(Buffer.from(a.DataType, "utf8"));
    if (a.BinaryValue !== undefined) {
      parts.push(Buffer.from([2]));
      lengthPrefixed(Buffer.from(a.BinaryValue));
    } else {
      parts.push(Buffer.from([1]));
      lengthPrefixed(Buffer.from(a.StringValue, "utf8"));
    }
  }
  return md5(Buffer.concat(parts));
}

async function createQueue(prefix, attributes = {}, fifo = false) {
  const name = unique(prefix) + (fifo ? ".fifo" : "");
  const out = await sqs.send(new CreateQueueCommand({
    QueueName: name,
    Attributes: fifo ? { FifoQueue: "true", ...attributes } : attributes,
  }));
  return { name, url: out.QueueUrl };
}

async function attributes(url, ...names) {
  const out = await sqs.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: names.length ? names : ["All"] }));
  return out.Attributes;
}

const receive = (url, extra = {}) => sqs.send(new ReceiveMessageCommand({ QueueUrl: url, WaitTimeSeconds: 0, ...extra }))
  .then((r) => r.Messages ?? []);

test("queue lifecycle: create (idempotent), url, list with prefix and pages, attributes, tags, delete", async () => {
  const { name, url } = await createQueue("life", { VisibilityTimeout: "45", DelaySeconds: "0" });
  assert.equal(url, `${endpoint}/000000000000/${name}`);
  const again = await sqs.send(new CreateQueueCommand({ QueueName: name, Attributes: { VisibilityTimeout: "45" } }));
  assert.equal(again.QueueUrl, url);
  const clash = await rejectsWith(sqs.send(new CreateQueueCommand({ QueueName: name, Attributes: { VisibilityTimeout: "46" } })), "QueueNameExists", 400);
  assert.equal(clash.Code, "QueueAlreadyExists");

  assert.equal((await sqs.send(new GetQueueUrlCommand({ QueueName: name }))).QueueUrl, url);
  const attrs = await attributes(url);
  assert.equal(attrs.VisibilityTimeout, "45");
  assert.equal(attrs.MaximumMessageSize, "1048576");
  assert.equal(attrs.MessageRetentionPeriod, "345600");
  assert.equal(attrs.QueueArn, `arn:aws:sqs:us-east-1:000000000000:${name}`);
  assert.match(attrs.CreatedTimestamp, /^\d{10}$/);
  assert.equal(attrs.ApproximateNumberOfMessages, "0");

  await sqs.send(new SetQueueAttributesCommand({ QueueUrl: url, Attributes: { DelaySeconds: "3", ReceiveMessageWaitTimeSeconds: "2" } }));
  assert.deepEqual(await attributes(url, "DelaySeconds", "ReceiveMessageWaitTimeSeconds"), { DelaySeconds: "3", ReceiveMessageWaitTimeSeconds: "2" });

  await sqs.send(new TagQueueCommand({ QueueUrl: url, Tags: { team: "core", env: "dev" } }));
  await sqs.send(new UntagQueueCommand({ QueueUrl: url, TagKeys: ["env"] }));
  assert.deepEqual((await sqs.send(new ListQueueTagsCommand({ QueueUrl: url }))).Tags, { team: "core" });

  const prefix = unique("page");
  for (const i of [1, 2, 3]) await sqs.send(new CreateQueueCommand({ QueueName: `${prefix}-${i}` }));
  const page1 = await sqs.send(new ListQueuesCommand({ QueueNamePrefix: prefix, MaxResults: 2 }));
  assert.equal(page1.QueueUrls.length, 2);
  assert.ok(page1.NextToken);
  const page2 = await sqs.send(new ListQueuesCommand({ QueueNamePrefix: prefix, MaxResults: 2, NextToken: page1.NextToken }));
  assert.deepEqual(page2.QueueUrls, [`${endpoint}/000000000000/${prefix}-3`]);
  assert.equal(page2.NextToken, undefined);

  await sqs.send(new DeleteQueueCommand({ QueueUrl: url }));
  const gone = await rejectsWith(sqs.send(new GetQueueUrlCommand({ QueueName: name })), "QueueDoesNotExist", 400);
  assert.equal(gone.Code, "AWS.SimpleQueueService.NonExistentQueue");
});

test("validation errors carry AWS's codes", async () => {
  const { url } = await createQueue("errors");
  await rejectsWith(sqs.send(new CreateQueueCommand({ QueueName: "bad name!" })), "InvalidParameterValue", 400);
  await rejectsWith(sqs.send(new CreateQueueCommand({ QueueName: unique("x"), Attributes: { VisibilityTimeout: "99999" } })), "InvalidAttributeValue", 400);
  await rejectsWith(sqs.send(new CreateQueueCommand({ QueueName: unique("x"), Attributes: { Bogus: "1" } })), "InvalidAttributeName", 400);
  await rejectsWith(sqs.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ["Bogus"] })), "InvalidAttributeName", 400);
  await rejectsWith(sqs.send(new ReceiveMessageCommand({ QueueUrl: url, MaxNumberOfMessages: 11 })), "InvalidParameterValue", 400);
  await rejectsWith(sqs.send(new ReceiveMessageCommand({ QueueUrl: url, WaitTimeSeconds: 21 })), "InvalidParameterValue", 400);
  await rejectsWith(sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: "x", DelaySeconds: 901 })), "InvalidParameterValue", 400);
  await rejectsWith(sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: "bad \u0001 char" })), "InvalidMessageContents", 400);
  await rejectsWith(sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: "x".repeat(1048577) })), "InvalidParameterValue", 400);
  await rejectsWith(sqs.send(new SendMessageCommand({
    QueueUrl: url, MessageBody: "x", MessageAttributes: { "AWS.reserved": { DataType: "String", StringValue: "v" } },
  })), "InvalidParameterValue", 400);
  await rejectsWith(sqs.send(new DeleteMessageCommand({ QueueUrl: url, ReceiptHandle: "garbage" })), "ReceiptHandleIsInvalid", 404);
  await rejectsWith(sqs.send(new SendMessageBatchCommand({ QueueUrl: url, Entries: [] })), "EmptyBatchRequest", 400);
  const eleven = Array.from({ length: 11 }, (_, i) => ({ Id: `m${i}`, MessageBody: "x" }));
  await rejectsWith(sqs.send(new SendMessageBatchCommand({ QueueUrl: url, Entries: eleven })), "TooManyEntriesInBatchRequest", 400);
  await rejectsWith(sqs.send(new SendMessageBatchCommand({ QueueUrl: url, Entries: [{ Id: "a", MessageBody: "1" }, { Id: "a", MessageBody: "2" }] })), "BatchEntryIdsNotDistinct", 400);
  await rejectsWith(sqs.send(new SendMessageBatchCommand({ QueueUrl: url, Entries: [{ Id: "bad id", MessageBody: "1" }] })), "InvalidBatchEntryId", 400);
  const big = "y".repeat(600 * 1024);
  await rejectsWith(sqs.send(new SendMessageBatchCommand({ QueueUrl: url, Entries: [{ Id: "a", MessageBody: big }, { Id: "b", MessageBody: big }] })), "BatchRequestTooLong", 400);
  await rejectsWith(sqs.send(new SendMessageCommand({ QueueUrl: `${endpoint}/000000000000/${unique("missing")}`, MessageBody: "x" })), "QueueDoesNotExist", 400);
});

test("send, receive, delete with message attributes and MD5s verified", async () => {
  const { url } = await createQueue("basic");
  const messageAttributes = {
    city: { DataType: "String", StringValue: "Zürich" },
    price: { DataType: "Number", StringValue: "1.87" },
    blob: { DataType: "Binary", BinaryValue: new Uint8Array([0, 1, 2, 250]) },
    "trace.id": { DataType: "String.custom", StringValue: "abc" },
  };
  const body = "héllo wörld ✓";
  const sent = await sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: body, MessageAttributes: messageAttributes }));
  assert.equal(sent.MD5OfMessageBody, md5(Buffer.from(body, "utf8")));
  assert.equal(sent.MD5OfMessageAttributes, attributesMd5(messageAttributes));
  assert.equal(attributesMd5({ someattr: { DataType: "String", StringValue: "someval" } }), "1e4b169c724503f3886d943e5bbe88e5");

  const [m] = await receive(url, { MessageAttributeNames: ["All"], MessageSystemAttributeNames: ["All"] });
  assert.equal(m.MessageId, sent.MessageId);
  assert.equal(m.Body, body);
  assert.equal(m.MD5OfBody, sent.MD5OfMessageBody);
  assert.equal(m.MD5OfMessageAttributes, sent.MD5OfMessageAttributes);
  assert.deepEqual(Buffer.from(m.MessageAttributes.blob.BinaryValue), Buffer.from([0, 1, 2, 250]));
  assert.equal(m.MessageAttributes.city.StringValue, "Zürich");
  assert.equal(m.Attributes.ApproximateReceiveCount, "1");
  assert.match(m.Attributes.SentTimestamp, /^\d{13}$/);

  // A prefix selects a subset; the digest then covers exactly what is returned.
  await sqs.send(new ChangeMessageVisibilityCommand({ QueueUrl: url, ReceiptHandle: m.ReceiptHandle, VisibilityTimeout: 0 }));
  const [again] = await receive(url, { MessageAttributeNames: ["trace.*", "price"] });
  assert.deepEqual(Object.keys(again.MessageAttributes).sort(), ["price", "trace.id"]);
  assert.equal(again.MD5OfMessageAttributes, attributesMd5({ price: messageAttributes.price, "trace.id": messageAttributes["trace.id"] }));
  assert.equal(again.Attributes, undefined);

  await sqs.send(new DeleteMessageCommand({ QueueUrl: url, ReceiptHandle: again.ReceiptHandle }));
  assert.equal((await attributes(url, "ApproximateNumberOfMessages")).ApproximateNumberOfMessages, "0");
  assert.equal((await receive(url)).length, 0);
});

test("batches: send with per-entry failures, delete and change visibility", async () => {
  const { url } = await createQueue("batch");
  const out = await sqs.send(new SendMessageBatchCommand({
    QueueUrl: url,
    Entries: [
      { Id: "one", MessageBody: "1" },
      { Id: "two", MessageBody: "2", MessageAttributes: { k: { DataType: "String", StringValue: "v" } } },
      { Id: "bad", MessageBody: "3", DelaySeconds: 1000 },
    ],
  }));
  assert.deepEqual(out.Successful.map((s) => s.Id).sort(), ["one", "two"]);
  assert.equal(out.Successful.find((s) => s.Id === "two").MD5OfMessageAttributes, attributesMd5({ k: { DataType: "String", StringValue: "v" } }));
  assert.equal(out.Failed.length, 1);
  assert.equal(out.Failed[0].Id, "bad");
  assert.equal(out.Failed[0].Code, "InvalidParameterValue");
  assert.equal(out.Failed[0].SenderFault, true);

  const got = await receive(url, { MaxNumberOfMessages: 10 });
  assert.equal(got.length, 2);
  const vis = await sqs.send(new ChangeMessageVisibilityBatchCommand({
    QueueUrl: url,
    Entries: [{ Id: "a", ReceiptHandle: got[0].ReceiptHandle, VisibilityTimeout: 60 }, { Id: "b", ReceiptHandle: "nonsense", VisibilityTimeout: 1 }],
  }));
  assert.deepEqual(vis.Successful.map((s) => s.Id), ["a"]);
  assert.equal(vis.Failed[0].Code, "ReceiptHandleIsInvalid");
  const del = await sqs.send(new DeleteMessageBatchCommand({
    QueueUrl: url, Entries: got.map((m, i) => ({ Id: `d${i}`, ReceiptHandle: m.ReceiptHandle })),
  }));
  assert.equal(del.Successful.length, 2);
  assert.deepEqual(await attributes(url, "ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"),
    { ApproximateNumberOfMessages: "0", ApproximateNumberOfMessagesNotVisible: "0" });
});

test("visibility timeout and delays", async () => {
  const { url } = await createQueue("vis", { VisibilityTimeout: "1" });
  await sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: "later", DelaySeconds: 1 }));
  assert.equal((await attributes(url, "ApproximateNumberOfMessagesDelayed")).ApproximateNumberOfMessagesDelayed, "1");
  assert.equal((await receive(url)).length, 0);
  // Long poll: the delayed message becomes visible within the wait.
  const t0 = Date.now();
  const [m] = await receive(url, { WaitTimeSeconds: 5 });
  assert.equal(m.Body, "later");
  assert.ok(Date.now() - t0 < 4000);
  assert.equal((await attributes(url, "ApproximateNumberOfMessagesNotVisible")).ApproximateNumberOfMessagesNotVisible, "1");
  // Visibility timeout of 1 s: received again, with a new receipt handle and a higher count.
  const [m2] = await receive(url, { WaitTimeSeconds: 5, MessageSystemAttributeNames: ["ApproximateReceiveCount"] });
  assert.equal(m2.MessageId, m.MessageId);
  assert.notEqual(m2.ReceiptHandle, m.ReceiptHandle);
  assert.equal(m2.Attributes.ApproximateReceiveCount, "2");
  await rejectsWith(sqs.send(new ChangeMessageVisibilityCommand({ QueueUrl: url, ReceiptHandle: m.ReceiptHandle, VisibilityTimeout: 5 })), "InvalidParameterValue", 400);
  await sqs.send(new DeleteMessageCommand({ QueueUrl: url, ReceiptHandle: m2.ReceiptHandle }));
});

test("long polling returns as soon as a message is sent", async () => {
  const { url } = await createQueue("poll");
  const t0 = Date.now();
  const polling = receive(url, { WaitTimeSeconds: 10 });
  await new Promise((r) => setTimeout(r, 300));
  await sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: "wake" }));
  const got = await polling;
  assert.equal(got[0].Body, "wake");
  assert.ok(Date.now() - t0 < 3000, `long poll took ${Date.now() - t0} ms`);
  const empty0 = Date.now();
  assert.equal((await receive(url, { WaitTimeSeconds: 1 })).length, 0);
  assert.ok(Date.now() - empty0 >= 900);
});

test("FIFO: group ordering, in-flight groups blocked, deduplication, sequence numbers", async () => {
  const { url } = await createQueue("order", { ContentBasedDeduplication: "false" }, true);
  const sends = [];
  for (const [group, body] of [["a", "a1"], ["b", "b1"], ["a", "a2"], ["b", "b2"], ["a", "a3"]]) {
    sends.push(await sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: body, MessageGroupId: group, MessageDeduplicationId: body })));
  }
  const seqs = sends.map((s) => BigInt(s.SequenceNumber));
  assert.deepEqual([...seqs].sort((x, y) => (x < y ? -1 : 1)), seqs);
  const dup = await sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: "other body", MessageGroupId: "a", MessageDeduplicationId: "a1" }));
  assert.equal(dup.MessageId, sends[0].MessageId);
  assert.equal((await attributes(url, "ApproximateNumberOfMessages")).ApproximateNumberOfMessages, "5");

  await rejectsWith(sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: "x", MessageDeduplicationId: "x" })), "MissingParameter", 400);
  await rejectsWith(sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: "x", MessageGroupId: "g" })), "InvalidParameterValue", 400);
  await rejectsWith(sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: "x", MessageGroupId: "g", MessageDeduplicationId: "y", DelaySeconds: 1 })), "InvalidParameterValue", 400);

  const first = await receive(url, { MaxNumberOfMessages: 2, MessageSystemAttributeNames: ["All"] });
  assert.deepEqual(first.map((m) => m.Body), ["a1", "b1"]);
  assert.equal(first[0].Attributes.MessageGroupId, "a");
  assert.equal(first[0].Attributes.SequenceNumber, sends[0].SequenceNumber);
  assert.equal(first[0].Attributes.MessageDeduplicationId, "a1");
  // Both groups have a message in flight: nothing else is delivered.
  assert.equal((await receive(url, { MaxNumberOfMessages: 10 })).length, 0);
  await sqs.send(new DeleteMessageCommand({ QueueUrl: url, ReceiptHandle: first[0].ReceiptHandle }));
  const next = await receive(url, { MaxNumberOfMessages: 10 });
  assert.deepEqual(next.map((m) => m.Body), ["a2", "a3"]);

  // Content-based deduplication.
  const cbd = await createQueue("cbd", { ContentBasedDeduplication: "true" }, true);
  const one = await sqs.send(new SendMessageCommand({ QueueUrl: cbd.url, MessageBody: "same", MessageGroupId: "g" }));
  const two = await sqs.send(new SendMessageCommand({ QueueUrl: cbd.url, MessageBody: "same", MessageGroupId: "g" }));
  assert.equal(two.MessageId, one.MessageId);
  const attempt = await receive(cbd.url, { ReceiveRequestAttemptId: "try-1" });
  const retried = await receive(cbd.url, { ReceiveRequestAttemptId: "try-1" });
  assert.equal(retried[0].ReceiptHandle, attempt[0].ReceiptHandle);
});

test("dead-letter queue: moved on the (maxReceiveCount+1)th receive, listed as source, redriven back", async () => {
  const dlq = await createQueue("dlq");
  const dlqArn = (await attributes(dlq.url, "QueueArn")).QueueArn;
  const src = await createQueue("src", {
    VisibilityTimeout: "0",
    RedrivePolicy: JSON.stringify({ deadLetterTargetArn: dlqArn, maxReceiveCount: 2 }),
  });
  const policy = JSON.parse((await attributes(src.url, "RedrivePolicy")).RedrivePolicy);
  assert.deepEqual(policy, { deadLetterTargetArn: dlqArn, maxReceiveCount: 2 });
  await rejectsWith(sqs.send(new SetQueueAttributesCommand({
    QueueUrl: src.url, Attributes: { RedrivePolicy: JSON.stringify({ deadLetterTargetArn: dlqArn + "-nope", maxReceiveCount: 2 }) },
  })), "InvalidParameterValue", 400);

  const sent = await sqs.send(new SendMessageCommand({ QueueUrl: src.url, MessageBody: "poison" }));
  assert.equal((await receive(src.url)).length, 1);
  assert.equal((await receive(src.url)).length, 1);
  assert.equal((await receive(src.url)).length, 0);
  const [dead] = await receive(dlq.url, { MessageSystemAttributeNames: ["All"], VisibilityTimeout: 0 });
  assert.equal(dead.MessageId, sent.MessageId);
  assert.equal(dead.Body, "poison");
  assert.equal(dead.Attributes.DeadLetterQueueSourceArn, `arn:aws:sqs:us-east-1:000000000000:${src.name}`);

  const sources = await sqs.send(new ListDeadLetterSourceQueuesCommand({ QueueUrl: dlq.url }));
  assert.deepEqual(sources.queueUrls, [src.url]);

  await sqs.send(new SetQueueAttributesCommand({ QueueUrl: src.url, Attributes: { VisibilityTimeout: "30" } }));
  await sqs.send(new StartMessageMoveTaskCommand({ SourceArn: dlqArn }));
  await waitFor(async () => {
    const tasks = await sqs.send(new ListMessageMoveTasksCommand({ SourceArn: dlqArn }));
    return tasks.Results[0]?.Status === "COMPLETED";
  }, 10000, "move task to complete");
  const [back] = await receive(src.url);
  assert.equal(back.Body, "poison");
});

test("purge empties the queue; a second purge within 60 s is refused", async () => {
  const { url } = await createQueue("purge");
  await sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: "x" }));
  await sqs.send(new PurgeQueueCommand({ QueueUrl: url }));
  assert.equal((await attributes(url, "ApproximateNumberOfMessages")).ApproximateNumberOfMessages, "0");
  await rejectsWith(sqs.send(new PurgeQueueCommand({ QueueUrl: url })), "PurgeQueueInProgress", 403);
});

test("query protocol: form posts to the queue URL answered in XML", async () => {
  const { name, url } = await createQueue("query");
  const auth = "AWS4-HMAC-SHA256 Credential=test/20260101/us-east-1/sqs/aws4_request, SignedHeaders=host, Signature=0";
  const post = async (target, params) => {
    const res = await fetch(target, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded", authorization: auth },
      body: new URLSearchParams({ Version: "2012-11-05", ...params }).toString(),
    });
    return { status: res.status, text: await res.text() };
  };
  const sent = await post(url, {
    Action: "SendMessage", MessageBody: "via query",
    "MessageAttribute.1.Name": "someattr", "MessageAttribute.1.Value.DataType": "String", "MessageAttribute.1.Value.StringValue": "someval",
  });
  assert.equal(sent.status, 200);
  assert.match(sent.text, /<SendMessageResponse xmlns="http:\/\/queue\.amazonaws\.com\/doc\/2012-11-05\/">/);
  assert.match(sent.text, /<MD5OfMessageAttributes>1e4b169c724503f3886d943e5bbe88e5<\/MD5OfMessageAttributes>/);
  assert.match(sent.text, new RegExp(`<MD5OfMessageBody>${md5("via query")}</MD5OfMessageBody>`));

  const got = await post(`${endpoint}/`, { Action: "ReceiveMessage", QueueUrl: url, "AttributeName.1": "All", "MessageAttributeName.1": "All" });
  assert.match(got.text, /<Body>via query<\/Body>/);
  assert.match(got.text, /<MessageAttribute><Name>someattr<\/Name><Value><DataType>String<\/DataType><StringValue>someval<\/StringValue><\/Value><\/MessageAttribute>/);
  assert.match(got.text, /<Attribute><Name>ApproximateReceiveCount<\/Name><Value>1<\/Value><\/Attribute>/);

  const attrs = await post(`${endpoint}/`, { Action: "GetQueueAttributes", QueueUrl: url, "AttributeName.1": "QueueArn" });
  assert.match(attrs.text, new RegExp(`<Attribute><Name>QueueArn</Name><Value>arn:aws:sqs:us-east-1:000000000000:${name}</Value></Attribute>`));

  const created = await post(`${endpoint}/`, { Action: "CreateQueue", QueueName: unique("q"), "Attribute.1.Name": "VisibilityTimeout", "Attribute.1.Value": "7", "Tag.1.Key": "k", "Tag.1.Value": "v" });
  const createdUrl = created.text.match(/<QueueUrl>(.*)<\/QueueUrl>/)[1];
  assert.match((await post(createdUrl, { Action: "ListQueueTags" })).text, /<Tag><Key>k<\/Key><Value>v<\/Value><\/Tag>/);

  const missing = await post(`${endpoint}/`, { Action: "GetQueueUrl", QueueName: unique("nope") });
  assert.equal(missing.status, 400);
  assert.match(missing.text, /<Code>AWS\.SimpleQueueService\.NonExistentQueue<\/Code>/);
});
