// SQS restart, phase 1: queues, messages (one in flight) and a FIFO deduplication record before Nimbus is killed.
import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { SQSClient, CreateQueueCommand, SendMessageCommand, ReceiveMessageCommand } from "@aws-sdk/client-sqs";

const endpoint = process.env.NIMBUS_ENDPOINT;
const name = process.env.NIMBUS_SQS_RESTART_NAME;
const sqs = new SQSClient({ endpoint, region: "us-east-1", credentials: { accessKeyId: "test", secretAccessKey: "test" }, maxAttempts: 1 });

const { QueueUrl: url } = await sqs.send(new CreateQueueCommand({ QueueName: name, Attributes: { VisibilityTimeout: "300" }, tags: { kept: "yes" } }));
const ids = [];
for (const body of ["one", "two", "three"]) {
  ids.push((await sqs.send(new SendMessageCommand({
    QueueUrl: url, MessageBody: body, MessageAttributes: { n: { DataType: "String", StringValue: body } },
  }))).MessageId);
}
const [inFlight] = (await sqs.send(new ReceiveMessageCommand({ QueueUrl: url, MaxNumberOfMessages: 1 }))).Messages;
assert.equal(inFlight.Body, "one");

const { QueueUrl: fifo } = await sqs.send(new CreateQueueCommand({ QueueName: `${name}.fifo`, Attributes: { FifoQueue: "true" } }));
const deduped = await sqs.send(new SendMessageCommand({ QueueUrl: fifo, MessageBody: "f", MessageGroupId: "g", MessageDeduplicationId: "d-1" }));

writeFileSync(process.env.NIMBUS_SQS_RESTART_FILE, JSON.stringify({ url, fifo, ids, receipt: inFlight.ReceiptHandle, fifoId: deduped.MessageId }));
console.log("phase 1 done");
