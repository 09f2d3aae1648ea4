// SNS and EventBridge driven by @aws-sdk/client-sns and @aws-sdk/client-eventbridge. Deliveries are observed on a
// local http server subscribed to topics (the observable target available to this module on its own).
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import http from "node:http";
import {
  SNSClient, CreateTopicCommand, DeleteTopicCommand, ListTopicsCommand, GetTopicAttributesCommand, SetTopicAttributesCommand,
  SubscribeCommand, ConfirmSubscriptionCommand, UnsubscribeCommand, ListSubscriptionsByTopicCommand, GetSubscriptionAttributesCommand,
  PublishCommand, PublishBatchCommand, TagResourceCommand, ListTagsForResourceCommand, UntagResourceCommand,
} from "@aws-sdk/client-sns";
import {
  EventBridgeClient, CreateEventBusCommand, DescribeEventBusCommand, ListEventBusesCommand, DeleteEventBusCommand, PutRuleCommand,
  DescribeRuleCommand, ListRulesCommand, DeleteRuleCommand, DisableRuleCommand, PutTargetsCommand, RemoveTargetsCommand,
  ListTargetsByRuleCommand, PutEventsCommand, TestEventPatternCommand,
} from "@aws-sdk/client-eventbridge";
import { endpoint, unique, waitFor, rejectsWith } from "./helpers.mjs";

const config = { endpoint, region: "us-east-1", credentials: { accessKeyId: "test", secretAccessKey: "test" }, maxAttempts: 1 };
const sns = new SNSClient(config);
const events = new EventBridgeClient(config);

// A local endpoint that records every SNS POST and confirms subscriptions by fetching the SubscribeURL.
const received = [];
let server;
let url;
before(async () => {
  server = http.createServer((req, res) => {
    let body = "";
    req.on("data", (c) => (body += c));
    req.on("end", async () => {
      const type = req.headers["x-amz-sns-message-type"];
      received.push({ path: req.url, type, headers: req.headers, body });
      res.writeHead(200).end();
      if (type === "SubscriptionConfirmation" && !req.url.includes("manual")) {
        await fetch(JSON.parse(body).SubscribeURL);
      }
    });
  });
  await new Promise((r) => server.listen(0, "127.0.0.1", r));
  url = `http://127.0.0.1:${server.address().port}`;
});
after(() => server.close());

// Started before the other tests so the every-minute schedule has fired by the time the last test looks.
let scheduled;
before(() => {
  scheduled = (async () => {
    const { TopicArn } = await confirmedHttpTopic("/scheduled");
    const rule = unique("every-minute");
    const { RuleArn } = await events.send(new PutRuleCommand({ Name: rule, ScheduleExpression: "cron(* * * * ? *)" }));
    await events.send(new PutTargetsCommand({ Rule: rule, Targets: [{ Id: "t", Arn: TopicArn }] }));
    return { TopicArn, RuleArn };
  })();
});

const notifications = (path) => received.filter((r) => r.path === path && r.type === "Notification");

async function confirmedHttpTopic(path, attributes) {
  const { TopicArn } = await sns.send(new CreateTopicCommand({ Name: unique("t") }));
  const { SubscriptionArn } = await sns.send(new SubscribeCommand({ TopicArn, Protocol: "http", Endpoint: url + path, Attributes: attributes, ReturnSubscriptionArn: true }));
  await waitFor(async () => (await sns.send(new GetSubscriptionAttributesCommand({ SubscriptionArn }))).Attributes.PendingConfirmation === "false", 10000, "confirmation");
  return { TopicArn, SubscriptionArn };
}

test("topics: create is idempotent, attributes, list, tags, delete", async () => {
  const name = unique("topic");
  const a = await sns.send(new CreateTopicCommand({ Name: name, Tags: [{ Key: "team", Value: "a" }] }));
  const b = await sns.send(new CreateTopicCommand({ Name: name }));
  assert.equal(a.TopicArn, b.TopicArn);
  assert.equal(a.TopicArn, `arn:aws:sns:us-east-1:000000000000:${name}`);
  await sns.send(new SetTopicAttributesCommand({ TopicArn: a.TopicArn, AttributeName: "DisplayName", AttributeValue: "Orders" }));
  const attrs = (await sns.send(new GetTopicAttributesCommand({ TopicArn: a.TopicArn }))).Attributes;
  assert.equal(attrs.DisplayName, "Orders");
  assert.equal(attrs.TopicArn, a.TopicArn);
  assert.equal(attrs.SubscriptionsConfirmed, "0");
  const topics = (await sns.send(new ListTopicsCommand({}))).Topics.map((t) => t.TopicArn);
  assert.ok(topics.includes(a.TopicArn));
  await sns.send(new TagResourceCommand({ ResourceArn: a.TopicArn, Tags: [{ Key: "env", Value: "dev" }] }));
  await sns.send(new UntagResourceCommand({ ResourceArn: a.TopicArn, TagKeys: ["team"] }));
  assert.deepEqual((await sns.send(new ListTagsForResourceCommand({ ResourceArn: a.TopicArn }))).Tags, [{ Key: "env", Value: "dev" }]);
  await sns.send(new DeleteTopicCommand({ TopicArn: a.TopicArn }));
  await rejectsWith(sns.send(new GetTopicAttributesCommand({ TopicArn: a.TopicArn })), "NotFoundException", 404);
  await rejectsWith(sns.send(new CreateTopicCommand({ Name: "bad name!" })), "InvalidParameterException", 400);
  await rejectsWith(sns.send(new CreateTopicCommand({ Name: "nofifo", Attributes: { FifoTopic: "true" } })), "InvalidParameterException", 400);
});

test("fifo topics need a group id and deduplicate", async () => {
  const { TopicArn } = await sns.send(new CreateTopicCommand({ Name: unique("f") + ".fifo", Attributes: { FifoTopic: "true", ContentBasedDeduplication: "true" } }));
  const attrs = (await sns.send(new GetTopicAttributesCommand({ TopicArn }))).Attributes;
  assert.equal(attrs.FifoTopic, "true");
  await rejectsWith(sns.send(new PublishCommand({ TopicArn, Message: "x" })), "InvalidParameterException");
  const one = await sns.send(new PublishCommand({ TopicArn, Message: "same", MessageGroupId: "g" }));
  const two = await sns.send(new PublishCommand({ TopicArn, Message: "same", MessageGroupId: "g" }));
  assert.equal(one.MessageId, two.MessageId);
  assert.ok(one.SequenceNumber);
  await rejectsWith(sns.send(new SubscribeCommand({ TopicArn, Protocol: "http", Endpoint: url + "/fifo" })), "InvalidParameterException");
});

test("http subscription: confirmation, envelope, headers, raw delivery, unsubscribe", async () => {
  const { TopicArn, SubscriptionArn } = await confirmedHttpTopic("/plain");
  const confirm = received.find((r) => r.path === "/plain" && r.type === "SubscriptionConfirmation");
  const c = JSON.parse(confirm.body);
  assert.equal(c.Type, "SubscriptionConfirmation");
  assert.equal(c.TopicArn, TopicArn);
  assert.ok(c.Token && c.SubscribeURL.includes("Action=ConfirmSubscription"));

  const { MessageId } = await sns.send(new PublishCommand({
    TopicArn, Message: "hello", Subject: "greeting",
    MessageAttributes: { color: { DataType: "String", StringValue: "blue" }, n: { DataType: "Number", StringValue: "3" } },
  }));
  const [n] = await waitFor(() => notifications("/plain").length ? notifications("/plain") : null, 10000, "notification");
  const body = JSON.parse(n.body);
  assert.equal(n.headers["x-amz-sns-message-id"], MessageId);
  assert.equal(n.headers["x-amz-sns-topic-arn"], TopicArn);
  assert.equal(n.headers["x-amz-sns-subscription-arn"], SubscriptionArn);
  assert.equal(body.Type, "Notification");
  assert.equal(body.MessageId, MessageId);
  assert.equal(body.Message, "hello");
  assert.equal(body.Subject, "greeting");
  assert.equal(body.SignatureVersion, "1");
  assert.ok(body.Signature && body.SigningCertURL && body.UnsubscribeURL && body.Timestamp);
  assert.deepEqual(body.MessageAttributes.color, { Type: "String", Value: "blue" });

  const raw = await sns.send(new SubscribeCommand({ TopicArn, Protocol: "http", Endpoint: url + "/raw", Attributes: { RawMessageDelivery: "true" }, ReturnSubscriptionArn: true }));
  await waitFor(async () => (await sns.send(new GetSubscriptionAttributesCommand({ SubscriptionArn: raw.SubscriptionArn }))).Attributes.PendingConfirmation === "false");
  await sns.send(new PublishCommand({ TopicArn, Message: "raw body" }));
  const [r] = await waitFor(() => notifications("/raw").length ? notifications("/raw") : null, 10000, "raw notification");
  assert.equal(r.body, "raw body");

  const subs = (await sns.send(new ListSubscriptionsByTopicCommand({ TopicArn }))).Subscriptions;
  assert.equal(subs.length, 2);
  await sns.send(new UnsubscribeCommand({ SubscriptionArn }));
  assert.equal((await sns.send(new ListSubscriptionsByTopicCommand({ TopicArn }))).Subscriptions.length, 1);
});

test("pending subscriptions get nothing until ConfirmSubscription", async () => {
  const { TopicArn } = await sns.send(new CreateTopicCommand({ Name: unique("p") }));
  const sub = await sns.send(new SubscribeCommand({ TopicArn, Protocol: "http", Endpoint: url + "/manual" }));
  assert.equal(sub.SubscriptionArn, "pending confirmation");
  const confirm = await waitFor(() => received.find((r) => r.path === "/manual" && r.type === "SubscriptionConfirmation"), 10000, "confirmation request");
  await sns.send(new PublishCommand({ TopicArn, Message: "before" }));
  const { Token } = JSON.parse(confirm.body);
  await rejectsWith(sns.send(new ConfirmSubscriptionCommand({ TopicArn, Token: "nope" })), "InvalidParameterException");
  const { SubscriptionArn } = await sns.send(new ConfirmSubscriptionCommand({ TopicArn, Token }));
  assert.ok(SubscriptionArn.startsWith(TopicArn + ":"));
  await sns.send(new PublishCommand({ TopicArn, Message: "after" }));
  await waitFor(() => notifications("/manual").length, 10000, "notification after confirm");
  assert.deepEqual(notifications("/manual").map((x) => JSON.parse(x.body).Message), ["after"]);
});

test("filter policies on attributes and body; MessageStructure json; PublishBatch", async () => {
  const { TopicArn } = await confirmedHttpTopic("/filtered", { FilterPolicy: JSON.stringify({ color: ["red", { prefix: "gr" }], size: [{ numeric: [">", 5] }] }) });
  await rejectsWith(sns.send(new SubscribeCommand({ TopicArn, Protocol: "http", Endpoint: url + "/bad", Attributes: { FilterPolicy: '{"a": {"b": [1]}}' } })), "InvalidParameterException");
  const attr = (color, size) => ({ color: { DataType: "String", StringValue: color }, size: { DataType: "Number", StringValue: String(size) } });
  await sns.send(new PublishCommand({ TopicArn, Message: "no-blue", MessageAttributes: attr("blue", 10) }));
  await sns.send(new PublishCommand({ TopicArn, Message: "no-small", MessageAttributes: attr("red", 1) }));
  await sns.send(new PublishCommand({ TopicArn, Message: "yes-green", MessageAttributes: attr("green", 6) }));
  const batch = await sns.send(new PublishBatchCommand({ TopicArn, PublishBatchRequestEntries: [
    { Id: "a", Message: "yes-batch", MessageAttributes: attr("red", 9) },
    { Id: "b", Message: "" },
  ] }));
  assert.equal(batch.Successful.length, 1);
  assert.equal(batch.Failed[0].Id, "b");
  await sns.send(new PublishCommand({ TopicArn, MessageStructure: "json", Message: JSON.stringify({ default: "d", http: "yes-structured" }), MessageAttributes: attr("red", 7) }));
  await waitFor(() => notifications("/filtered").length >= 3, 10000, "filtered notifications");
  await new Promise((r) => setTimeout(r, 300));
  assert.deepEqual(notifications("/filtered").map((x) => JSON.parse(x.body).Message).sort(), ["yes-batch", "yes-green", "yes-structured"]);

  const body = await confirmedHttpTopic("/body", { FilterPolicyScope: "MessageBody", FilterPolicy: JSON.stringify({ order: { status: ["paid"] } }) });
  await sns.send(new PublishCommand({ TopicArn: body.TopicArn, Message: JSON.stringify({ order: { status: "open" } }) }));
  await sns.send(new PublishCommand({ TopicArn: body.TopicArn, Message: JSON.stringify({ order: { status: "paid" } }) }));
  await waitFor(() => notifications("/body").length, 10000, "body-filtered notification");
  await new Promise((r) => setTimeout(r, 300));
  assert.equal(notifications("/body").length, 1);
  assert.equal(JSON.parse(JSON.parse(notifications("/body")[0].body).Message).order.status, "paid");
});

test("event buses: default exists, create, describe, list, delete", async () => {
  const def = await events.send(new DescribeEventBusCommand({}));
  assert.equal(def.Name, "default");
  const name = unique("bus");
  const { EventBusArn } = await events.send(new CreateEventBusCommand({ Name: name }));
  assert.equal(EventBusArn, `arn:aws:events:us-east-1:000000000000:event-bus/${name}`);
  await rejectsWith(events.send(new CreateEventBusCommand({ Name: name })), "ResourceAlreadyExistsException");
  const names = (await events.send(new ListEventBusesCommand({}))).EventBuses.map((b) => b.Name);
  assert.ok(names.includes("default") && names.includes(name));
  await events.send(new DeleteEventBusCommand({ Name: name }));
  await rejectsWith(events.send(new DescribeEventBusCommand({ Name: name })), "ResourceNotFoundException");
});

test("rules: patterns, validation, targets, TestEventPattern, delete needs no targets", async () => {
  const bus = unique("bus");
  await events.send(new CreateEventBusCommand({ Name: bus }));
  const rule = unique("r");
  const { RuleArn } = await events.send(new PutRuleCommand({ Name: rule, EventBusName: bus, EventPattern: JSON.stringify({ source: ["shop"] }) }));
  assert.equal(RuleArn, `arn:aws:events:us-east-1:000000000000:rule/${bus}/${rule}`);
  const described = await events.send(new DescribeRuleCommand({ Name: rule, EventBusName: bus }));
  assert.equal(described.State, "ENABLED");
  await rejectsWith(events.send(new PutRuleCommand({ Name: "bad", EventPattern: '{"source": "x"}' })), "InvalidEventPatternException");
  await rejectsWith(events.send(new PutRuleCommand({ Name: "sched", EventBusName: bus, ScheduleExpression: "rate(5 minutes)" })), "ValidationException");
  await rejectsWith(events.send(new PutRuleCommand({ Name: "sched", ScheduleExpression: "cron(0 12 * * * *)" })), "ValidationException");
  await events.send(new PutTargetsCommand({ Rule: rule, EventBusName: bus, Targets: [{ Id: "t1", Arn: "arn:aws:sns:us-east-1:000000000000:nowhere" }] }));
  assert.equal((await events.send(new ListTargetsByRuleCommand({ Rule: rule, EventBusName: bus }))).Targets.length, 1);
  await rejectsWith(events.send(new DeleteRuleCommand({ Name: rule, EventBusName: bus })), "ValidationException");
  await events.send(new RemoveTargetsCommand({ Rule: rule, EventBusName: bus, Ids: ["t1"] }));
  await events.send(new DeleteRuleCommand({ Name: rule, EventBusName: bus }));
  assert.equal((await events.send(new ListRulesCommand({ EventBusName: bus }))).Rules.length, 0);

  const event = JSON.stringify({ id: "1", account: "000000000000", source: "shop", time: "2024-01-01T00:00:00Z", region: "us-east-1", "detail-type": "Order", resources: [], detail: { total: 12 } });
  assert.equal((await events.send(new TestEventPatternCommand({ EventPattern: '{"detail": {"total": [{"numeric": [">", 10]}]}}', Event: event }))).Result, true);
  assert.equal((await events.send(new TestEventPatternCommand({ EventPattern: '{"source": ["other"]}', Event: event }))).Result, false);
});

test("PutEvents → rule → SNS topic target → http subscriber, with InputTransformer", async () => {
  const { TopicArn } = await confirmedHttpTopic("/events");
  const { TopicArn: t2 } = await confirmedHttpTopic("/events-transformed");
  const rule = unique("orders");
  await events.send(new PutRuleCommand({ Name: rule, EventPattern: JSON.stringify({ source: ["shop"], detail: { total: [{ numeric: [">=", 100] }] } }) }));
  await events.send(new PutTargetsCommand({ Rule: rule, Targets: [
    { Id: "whole", Arn: TopicArn },
    { Id: "shaped", Arn: t2, InputTransformer: { InputPathsMap: { id: "$.detail.id", total: "$.detail.total" }, InputTemplate: '{"order": "<id>", "amount": <total>, "rule": "<aws.events.rule-name>"}' } },
  ] }));
  const put = await events.send(new PutEventsCommand({ Entries: [
    { Source: "shop", DetailType: "Order Placed", Detail: JSON.stringify({ id: "o-1", total: 250 }) },
    { Source: "shop", DetailType: "Order Placed", Detail: JSON.stringify({ id: "o-2", total: 5 }) },
    { Source: "shop", DetailType: "Order Placed", Detail: "not json" },
  ] }));
  assert.equal(put.FailedEntryCount, 1);
  assert.ok(put.Entries[0].EventId);
  assert.equal(put.Entries[2].ErrorCode, "MalformedDetail");
  const [n] = await waitFor(() => notifications("/events").length ? notifications("/events") : null, 10000, "event via SNS");
  const delivered = JSON.parse(JSON.parse(n.body).Message);
  assert.equal(delivered.id, put.Entries[0].EventId);
  assert.equal(delivered.source, "shop");
  assert.equal(delivered["detail-type"], "Order Placed");
  assert.equal(delivered.version, "0");
  assert.equal(delivered.account, "000000000000");
  assert.deepEqual(delivered.detail, { id: "o-1", total: 250 });
  const [s] = await waitFor(() => notifications("/events-transformed").length ? notifications("/events-transformed") : null, 10000, "transformed event");
  assert.deepEqual(JSON.parse(JSON.parse(s.body).Message), { order: "o-1", amount: 250, rule });
  await new Promise((r) => setTimeout(r, 300));
  assert.equal(notifications("/events").length, 1);

  await events.send(new DisableRuleCommand({ Name: rule }));
  await events.send(new PutEventsCommand({ Entries: [{ Source: "shop", DetailType: "Order Placed", Detail: JSON.stringify({ id: "o-3", total: 300 }) }] }));
  await new Promise((r) => setTimeout(r, 500));
  assert.equal(notifications("/events").length, 1);
});

test("scheduled rule fires a Scheduled Event from the background scheduler", async () => {
  const { TopicArn, RuleArn } = await scheduled;
  const d = await events.send(new DescribeRuleCommand({ Name: RuleArn.split("/").pop() }));
  assert.equal(d.ScheduleExpression, "cron(* * * * ? *)");
  // The rule was created when the suite started; an every-minute cron fires at the next minute boundary.
  const [n] = await waitFor(() => notifications("/scheduled").length ? notifications("/scheduled") : null, 75000, "scheduled event");
  const e = JSON.parse(JSON.parse(n.body).Message);
  assert.equal(JSON.parse(n.body).TopicArn, TopicArn);
  assert.equal(e.source, "aws.events");
  assert.equal(e["detail-type"], "Scheduled Event");
  assert.deepEqual(e.resources, [RuleArn]);
  assert.deepEqual(e.detail, {});
  assert.match(e.time, /^\d{4}-\d\d-\d\dT\d\d:\d\d:00Z$/);
  await events.send(new DisableRuleCommand({ Name: d.Name }));
});
