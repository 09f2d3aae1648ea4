// Functions as SNS subscribers and EventBridge targets: the SNS event shape, rule → Lambda, and a schedule whose
// InputTransformer shapes what the function receives. Drives @aws-sdk/client-sns, -eventbridge and -lambda.
import { test, after } from "node:test";
import assert from "node:assert/strict";
import { CreateFunctionCommand, DeleteFunctionCommand } from "@aws-sdk/client-lambda";
import { SNSClient, CreateTopicCommand, SubscribeCommand, PublishCommand, DeleteTopicCommand } from "@aws-sdk/client-sns";
import {
  EventBridgeClient, PutRuleCommand, PutTargetsCommand, RemoveTargetsCommand, DeleteRuleCommand, PutEventsCommand,
} from "@aws-sdk/client-eventbridge";
import { endpoint, lambda, zip, unique, role, waitForLog } from "./helpers.mjs";

const config = { endpoint, region: "us-east-1", credentials: { accessKeyId: "test", secretAccessKey: "test" }, maxAttempts: 1 };
const sns = new SNSClient(config);
const events = new EventBridgeClient(config);
const cleanup = [];
after(async () => { for (const undo of cleanup.reverse()) await undo().catch(() => {}); });

async function recorder() {
  const name = unique("evrec");
  const fn = await lambda.send(new CreateFunctionCommand({
    FunctionName: name, Runtime: "nodejs20.x", Handler: "index.handler", Role: role,
    Code: { ZipFile: await zip({ "index.mjs": `export const handler = async (event) => { console.log("event " + JSON.stringify(event)); };` }) },
  }));
  cleanup.push(() => lambda.send(new DeleteFunctionCommand({ FunctionName: name })));
  return { name, arn: fn.FunctionArn };
}

const parsed = (e) => JSON.parse(e.message.slice(e.message.indexOf("event ") + 6));

async function rule(name, props, targets) {
  await events.send(new PutRuleCommand({ Name: name, ...props }));
  await events.send(new PutTargetsCommand({ Rule: name, Targets: targets }));
  cleanup.push(async () => {
    await events.send(new RemoveTargetsCommand({ Rule: name, Ids: targets.map((t) => t.Id) }));
    await events.send(new DeleteRuleCommand({ Name: name }));
  });
}

test("an SNS subscription invokes the function with the SNS event shape", async () => {
  const fn = await recorder();
  const { TopicArn } = await sns.send(new CreateTopicCommand({ Name: unique("to-lambda") }));
  cleanup.push(() => sns.send(new DeleteTopicCommand({ TopicArn })));
  const { SubscriptionArn } = await sns.send(new SubscribeCommand({ TopicArn, Protocol: "lambda", Endpoint: fn.arn, ReturnSubscriptionArn: true }));
  const marker = unique("sns");
  const { MessageId } = await sns.send(new PublishCommand({
    TopicArn, Message: marker, Subject: "hello", MessageAttributes: { color: { DataType: "String", StringValue: "red" } },
  }));

  const [event] = (await waitForLog(fn.name, marker)).map(parsed);
  const record = event.Records[0];
  assert.equal(record.EventSource, "aws:sns");
  assert.equal(record.EventVersion, "1.0");
  assert.equal(record.EventSubscriptionArn, SubscriptionArn);
  assert.equal(record.Sns.Type, "Notification");
  assert.equal(record.Sns.MessageId, MessageId);
  assert.equal(record.Sns.TopicArn, TopicArn);
  assert.equal(record.Sns.Subject, "hello");
  assert.equal(record.Sns.Message, marker);
  assert.deepEqual(record.Sns.MessageAttributes.color, { Type: "String", Value: "red" });
});

test("an EventBridge rule targets a function with the event; a schedule's InputTransformer shapes its input", async () => {
  const fn = await recorder();
  const source = unique("nimbus.orders");
  await rule(unique("to-lambda"), { EventPattern: JSON.stringify({ source: [source], detail: { total: [{ numeric: [">=", 100] }] } }) },
    [{ Id: "fn", Arn: fn.arn }]);
  const marker = unique("ev");
  await events.send(new PutEventsCommand({ Entries: [
    { Source: source, DetailType: "Order Placed", Detail: JSON.stringify({ total: 150, marker }) },
    { Source: source, DetailType: "Order Placed", Detail: JSON.stringify({ total: 5, marker: marker + "-small" }) },
  ] }));
  const received = (await waitForLog(fn.name, marker)).map(parsed);
  assert.equal(received.length, 1);
  assert.equal(received[0].source, source);
  assert.equal(received[0]["detail-type"], "Order Placed");
  assert.deepEqual(received[0].detail, { total: 150, marker });
  assert.equal(received[0].version, "0");

  // Every minute; the transformer turns the Scheduled Event into {"rule": …, "at": …, "marker": …}.
  const scheduledMarker = unique("cron");
  const name = unique("every-minute");
  await rule(name, { ScheduleExpression: "cron(* * * * ? *)" }, [{
    Id: "fn", Arn: fn.arn,
    InputTransformer: {
      InputPathsMap: { rule: "$.resources[0]", at: "$.time" },
      InputTemplate: `{"rule": <rule>, "at": <at>, "marker": "${scheduledMarker}"}`,
    },
  }]);
  const [fired] = (await waitForLog(fn.name, scheduledMarker, 75000)).map(parsed);
  assert.match(fired.rule, new RegExp(`:rule/${name}$`));
  assert.match(fired.at, /^\d{4}-\d\d-\d\dT\d\d:\d\d:00Z$/);
  assert.equal(fired.marker, scheduledMarker);
});
