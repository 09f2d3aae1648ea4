// SQS restart, phase 2: after a kill, messages, the in-flight deadline, its receipt handle, tags and FIFO dedup survive.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import {
  SQSClient, GetQueueAttributesCommand, ReceiveMessageCommand, DeleteMessageCommand, SendMessageCommand, ListQueueTagsCommand,
} from "@aws-sdk/client-sqs";

const endpoint = process.env.NIMBUS_ENDPOINT;
const sqs = new SQSClient({ endpoint, region: "us-east-1", credentials: { accessKeyId: "test", secretAccessKey: "test" }, maxAttempts: 1 });
const saved = JSON.parse(readFileSync(process.env.NIMBUS_SQS_RESTART_FILE, "utf8"));
const counts = async () => (await sqs.send(new GetQueueAttributesCommand({
  QueueUrl: saved.url, AttributeNames: ["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible", "VisibilityTimeout"],
}))).Attributes;

assert.deepEqual(await counts(), { ApproximateNumberOfMessages: "2", ApproximateNumberOfMessagesNotVisible: "1", VisibilityTimeout: "300" });
assert.deepEqual((await sqs.send(new ListQueueTagsCommand({ QueueUrl: saved.url }))).Tags, { kept: "yes" });

const got = (await sqs.send(new ReceiveMessageCommand({ QueueUrl: saved.url, MaxNumberOfMessages: 10, MessageAttributeNames: ["All"] }))).Messages;
assert.deepEqual(got.map((m) => m.MessageId), saved.ids.slice(1));
assert.deepEqual(got.map((m) => m.MessageAttributes.n.StringValue), ["two", "three"]);

// The receipt handle handed out before the kill still deletes its message.
await sqs.send(new DeleteMessageCommand({ QueueUrl: saved.url, ReceiptHandle: saved.receipt }));
for (const m of got) await sqs.send(new DeleteMessageCommand({ QueueUrl: saved.url, ReceiptHandle: m.ReceiptHandle }));
assert.deepEqual(await counts(), { ApproximateNumberOfMessages: "0", ApproximateNumberOfMessagesNotVisible: "0", VisibilityTimeout: "300" });

const again = await sqs.send(new SendMessageCommand({ QueueUrl: saved.fifo, MessageBody: "f", MessageGroupId: "g", MessageDeduplicationId: "d-1" }));
assert.equal(again.MessageId, saved.fifoId);
console.log("phase 2 done");
