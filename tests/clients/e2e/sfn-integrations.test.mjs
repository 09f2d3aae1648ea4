// Step Functions service integrations through @aws-sdk/client-sfn, observed with the real SQS/SNS/EventBridge clients:
// optimized sqs:sendMessage (+ .waitForTaskToken), sns:publish, events:putEvents, and aws-sdk:* calls with AWS's error names.
import { test, after } from "node:test";
import assert from "node:assert/strict";
import { StartExecutionCommand, SendTaskSuccessCommand } from "@aws-sdk/client-sfn";
import { SQSClient, CreateQueueCommand, GetQueueAttributesCommand, ReceiveMessageCommand, DeleteQueueCommand } from "@aws-sdk/client-sqs";
import { SNSClient, CreateTopicCommand, SubscribeCommand, DeleteTopicCommand } from "@aws-sdk/client-sns";
import { EventBridgeClient, PutRuleCommand, PutTargetsCommand, RemoveTargetsCommand, DeleteRuleCommand } from "@aws-sdk/client-eventbridge";
import { endpoint, unique, waitFor } from "./helpers.mjs";
import { sfn, createMachine, deleteMachine, waitForCompletion } from "./sfn-helpers.mjs";

const config = { endpoint, region: "us-east-1", credentials: { accessKeyId: "test", secretAccessKey: "test" }, maxAttempts: 1 };
const sqs = new SQSClient(config);
const sns = new SNSClient(config);
const events = new EventBridgeClient(config);
const cleanup = [];
after(async () => { for (const undo of cleanup.reverse()) await undo().catch(() => {}); });

async function queue() {
  const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: unique("sfnq") }));
  const { Attributes } = await sqs.send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ["QueueArn"] }));
  cleanup.push(() => sqs.send(new DeleteQueueCommand({ QueueUrl })));
  return { url: QueueUrl, arn: Attributes.QueueArn };
}

const receiveOne = (url) => waitFor(async () => (await sqs.send(new ReceiveMessageCommand({ QueueUrl: url, WaitTimeSeconds: 1 }))).Messages?.[0], 20000, "a message");

async function run(definition, input) {
  const arn = await createMachine(unique("integ"), definition);
  cleanup.push(() => deleteMachine(arn));
  const { executionArn } = await sfn.send(new StartExecutionCommand({ stateMachineArn: arn, input: JSON.stringify(input) }));
  return executionArn;
}

test("sqs:sendMessage sends a JSON body and returns MessageId; aws-sdk errors are catchable by AWS's names", async () => {
  const q = await queue();
  const exec = await run({
    StartAt: "Send",
    States: {
      Send: {
        Type: "Task", Resource: "arn:aws:states:::sqs:sendMessage",
        Parameters: { QueueUrl: q.url, "MessageBody.$": "$.order" }, ResultSelector: { "id.$": "$.MessageId" }, ResultPath: "$.sent", Next: "Missing",
      },
      Missing: {
        Type: "Task", Resource: "arn:aws:states:::aws-sdk:sqs:getQueueUrl", Parameters: { QueueName: "no-such-queue-here" },
        Catch: [{ ErrorEquals: ["Sqs.QueueDoesNotExistException"], ResultPath: "$.caught", Next: "Done" }], End: true,
      },
      Done: { Type: "Pass", End: true },
    },
  }, { order: { id: 7, item: "book" } });
  const done = await waitForCompletion(exec);
  assert.equal(done.status, "SUCCEEDED", done.cause);
  const output = JSON.parse(done.output);
  assert.match(output.sent.id, /^[0-9a-f-]{36}$/);
  assert.equal(output.caught.Error, "Sqs.QueueDoesNotExistException");
  assert.match(output.caught.Cause, /Service: Sqs, Status Code: 400/);
  const message = await receiveOne(q.url);
  assert.deepEqual(JSON.parse(message.Body), { id: 7, item: "book" });
  assert.equal(message.MessageId, output.sent.id);
});

test("sqs:sendMessage.waitForTaskToken: a worker reads the token from the queue and answers with SendTaskSuccess", async () => {
  const q = await queue();
  const exec = await run({
    StartAt: "Ask",
    States: {
      Ask: {
        Type: "Task", Resource: "arn:aws:states:::sqs:sendMessage.waitForTaskToken",
        Parameters: { QueueUrl: q.url, MessageBody: { "token.$": "$$.Task.Token", "question.$": "$.q" } }, End: true,
      },
    },
  }, { q: "approve?" });
  const body = JSON.parse((await receiveOne(q.url)).Body);
  assert.equal(body.question, "approve?");
  await sfn.send(new SendTaskSuccessCommand({ taskToken: body.token, output: JSON.stringify({ approved: true }) }));
  const done = await waitForCompletion(exec);
  assert.equal(done.status, "SUCCEEDED", done.cause);
  assert.deepEqual(JSON.parse(done.output), { approved: true });
});

test("sns:publish and events:putEvents reach SQS through a subscription and a rule", async () => {
  const fromSns = await queue();
  const fromEvents = await queue();
  const { TopicArn } = await sns.send(new CreateTopicCommand({ Name: unique("sfn-topic") }));
  cleanup.push(() => sns.send(new DeleteTopicCommand({ TopicArn })));
  await sns.send(new SubscribeCommand({ TopicArn, Protocol: "sqs", Endpoint: fromSns.arn, Attributes: { RawMessageDelivery: "true" } }));
  const rule = unique("sfn-rule");
  const source = unique("nimbus.test");
  await events.send(new PutRuleCommand({ Name: rule, EventPattern: JSON.stringify({ source: [source] }) }));
  await events.send(new PutTargetsCommand({ Rule: rule, Targets: [{ Id: "q", Arn: fromEvents.arn }] }));
  cleanup.push(async () => { await events.send(new RemoveTargetsCommand({ Rule: rule, Ids: ["q"] })); await events.send(new DeleteRuleCommand({ Name: rule })); });

  const exec = await run({
    StartAt: "Publish",
    States: {
      Publish: {
        Type: "Task", Resource: "arn:aws:states:::sns:publish",
        Parameters: { TopicArn, "Message.$": "$.note" }, ResultPath: "$.published", Next: "Put",
      },
      Put: {
        Type: "Task", Resource: "arn:aws:states:::events:putEvents",
        Parameters: { Entries: [{ Source: source, DetailType: "Order Shipped", "Detail.$": "$.note" }] }, ResultPath: "$.put", End: true,
      },
    },
  }, { note: { shipped: 3 } });
  const done = await waitForCompletion(exec);
  assert.equal(done.status, "SUCCEEDED", done.cause);
  const output = JSON.parse(done.output);
  assert.ok(output.published.MessageId);
  assert.equal(output.put.FailedEntryCount, 0);
  assert.deepEqual(JSON.parse((await receiveOne(fromSns.url)).Body), { shipped: 3 });
  const event = JSON.parse((await receiveOne(fromEvents.url)).Body);
  assert.equal(event.source, source);
  assert.equal(event["detail-type"], "Order Shipped");
  assert.deepEqual(event.detail, { shipped: 3 });
});
