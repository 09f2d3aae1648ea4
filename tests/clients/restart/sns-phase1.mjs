// SNS/EventBridge restart test, before the crash: a confirmed http subscriber goes away, then a message is published
// and an event is put; their deliveries keep failing (retried every second) when Nimbus is killed.
import assert from "node:assert/strict";
import http from "node:http";
import { SNSClient, CreateTopicCommand, SubscribeCommand, PublishCommand, GetSubscriptionAttributesCommand } from "@aws-sdk/client-sns";
import { EventBridgeClient, PutRuleCommand, PutTargetsCommand, PutEventsCommand } from "@aws-sdk/client-eventbridge";
import { endpoint, waitFor } from "../e2e/helpers.mjs";

const config = { endpoint, region: "us-east-1", credentials: { accessKeyId: "test", secretAccessKey: "test" }, maxAttempts: 1 };
const sns = new SNSClient(config);
const events = new EventBridgeClient(config);
const name = process.env.NIMBUS_SNS_RESTART_NAME;
const port = Number(process.env.NIMBUS_SNS_RESTART_PORT);

const server = http.createServer((req, res) => {
  let body = "";
  req.on("data", (c) => (body += c));
  req.on("end", async () => {
    res.end();
    if (req.headers["x-amz-sns-message-type"] === "SubscriptionConfirmation") await fetch(JSON.parse(body).SubscribeURL);
  });
});
await new Promise((r) => server.listen(port, "127.0.0.1", r));

const { TopicArn } = await sns.send(new CreateTopicCommand({ Name: name }));
const { SubscriptionArn } = await sns.send(new SubscribeCommand({
  TopicArn, Protocol: "http", Endpoint: `http://127.0.0.1:${port}/hook`, ReturnSubscriptionArn: true,
  Attributes: { DeliveryPolicy: JSON.stringify({ healthyRetryPolicy: { numRetries: 60, minDelayTarget: 1, maxDelayTarget: 1 } }) },
}));
await waitFor(async () => (await sns.send(new GetSubscriptionAttributesCommand({ SubscriptionArn }))).Attributes.PendingConfirmation === "false");
await new Promise((r) => server.close(r));

await sns.send(new PublishCommand({ TopicArn, Message: `${name}-survivor` }));
await events.send(new PutRuleCommand({ Name: name, EventPattern: JSON.stringify({ source: [name] }) }));
await events.send(new PutTargetsCommand({ Rule: name, Targets: [{ Id: "topic", Arn: TopicArn }] }));
const put = await events.send(new PutEventsCommand({ Entries: [{ Source: name, DetailType: "Restarted", Detail: JSON.stringify({ marker: `${name}-event` }) }] }));
assert.equal(put.FailedEntryCount, 0);
// Let a delivery attempt fail so the messages are mid-retry when the process is killed.
await new Promise((r) => setTimeout(r, 1500));
console.log("phase 1 done");
