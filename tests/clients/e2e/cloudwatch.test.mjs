// CloudWatch through @aws-sdk/client-cloudwatch (AWS JSON 1.0, awsQueryCompatible): metrics, statistics, alarms, alarm history,
// errors, the AWS/Lambda metrics of invocations, SNS alarm actions, and a SAM gradual deployment rolled back by an alarm.
import { test } from "node:test";
import assert from "node:assert/strict";
import {
  CloudWatchClient, PutMetricDataCommand, GetMetricStatisticsCommand, GetMetricDataCommand, ListMetricsCommand,
  PutMetricAlarmCommand, DescribeAlarmsCommand, DescribeAlarmsForMetricCommand, SetAlarmStateCommand, DeleteAlarmsCommand,
  DescribeAlarmHistoryCommand, EnableAlarmActionsCommand, DisableAlarmActionsCommand, TagResourceCommand, ListTagsForResourceCommand,
} from "@aws-sdk/client-cloudwatch";
import { CreateFunctionCommand, DeleteFunctionCommand, InvokeCommand } from "@aws-sdk/client-lambda";
import {
  CloudFormationClient, CreateStackCommand, UpdateStackCommand, DeleteStackCommand, DescribeStacksCommand, DescribeStackEventsCommand,
} from "@aws-sdk/client-cloudformation";
import { SNSClient, CreateTopicCommand, SubscribeCommand, DeleteTopicCommand } from "@aws-sdk/client-sns";
import { SQSClient, CreateQueueCommand, GetQueueAttributesCommand, ReceiveMessageCommand, DeleteQueueCommand } from "@aws-sdk/client-sqs";
import { endpoint, lambda, unique, waitFor, rejectsWith, zip, role, payload, json } from "./helpers.mjs";

const config = { endpoint, region: "us-east-1", credentials: { accessKeyId: "test", secretAccessKey: "test" }, maxAttempts: 1 };
const cw = new CloudWatchClient(config);
const cfn = new CloudFormationClient(config);
const sns = new SNSClient(config);
const sqs = new SQSClient(config);

const minute = (d) => new Date(Math.floor(d.getTime() / 60000) * 60000);

const alarmInput = (name, extra = {}) => ({
  AlarmName: name, Namespace: "Shop", MetricName: "Orders", Statistic: "Sum", Period: 60, EvaluationPeriods: 1,
  Threshold: 100, ComparisonOperator: "GreaterThanThreshold", ...extra,
});

test("PutMetricData then GetMetricStatistics, GetMetricData and ListMetrics read it back per period", async () => {
  const ns = unique("Shop");
  const start = minute(new Date(Date.now() - 10 * 60000));
  const dims = [{ Name: "Api", Value: "orders" }];
  await cw.send(new PutMetricDataCommand({
    Namespace: ns,
    MetricData: [
      { MetricName: "Latency", Dimensions: dims, Timestamp: start, Value: 10, Unit: "Milliseconds" },
      { MetricName: "Latency", Dimensions: dims, Timestamp: new Date(start.getTime() + 5000), Values: [20, 30], Counts: [1, 2], Unit: "Milliseconds" },
      { MetricName: "Latency", Dimensions: dims, Timestamp: new Date(start.getTime() + 60000), StatisticValues: { SampleCount: 4, Sum: 400, Minimum: 50, Maximum: 150 }, Unit: "Milliseconds" },
      { MetricName: "Latency", Dimensions: [{ Name: "Api", Value: "users" }], Timestamp: start, Value: 999, Unit: "Milliseconds" },
    ],
  }));

  const stats = await cw.send(new GetMetricStatisticsCommand({
    Namespace: ns, MetricName: "Latency", Dimensions: dims, StartTime: start, EndTime: new Date(start.getTime() + 5 * 60000), Period: 60,
    Statistics: ["Sum", "SampleCount", "Average", "Minimum", "Maximum"], ExtendedStatistics: ["p50"],
  }));
  assert.equal(stats.Label, "Latency");
  const points = stats.Datapoints.sort((a, b) => a.Timestamp - b.Timestamp);
  assert.equal(points.length, 2);
  assert.ok(points[0].Timestamp instanceof Date);
  assert.equal(points[0].Timestamp.getTime(), start.getTime());
  assert.deepEqual([points[0].Sum, points[0].SampleCount, points[0].Average, points[0].Minimum, points[0].Maximum], [90, 4, 22.5, 10, 30]);
  assert.equal(points[0].ExtendedStatistics.p50, 20);
  assert.equal(points[0].Unit, "Milliseconds");
  assert.equal(points[1].Sum, 400);

  const data = await cw.send(new GetMetricDataCommand({
    StartTime: start, EndTime: new Date(start.getTime() + 5 * 60000),
    MetricDataQueries: [
      { Id: "sum", MetricStat: { Metric: { Namespace: ns, MetricName: "Latency", Dimensions: dims }, Period: 60, Stat: "Sum" } },
      { Id: "peak", Label: "Peak", MetricStat: { Metric: { Namespace: ns, MetricName: "Latency", Dimensions: dims }, Period: 300, Stat: "Maximum" } },
    ],
  }));
  const [sum, peak] = data.MetricDataResults;
  assert.equal(sum.Id, "sum");
  assert.equal(sum.StatusCode, "Complete");
  assert.deepEqual(sum.Values, [400, 90]);
  assert.deepEqual(sum.Timestamps.map((t) => t.getTime()), [start.getTime() + 60000, start.getTime()]);
  assert.equal(peak.Label, "Peak");
  assert.deepEqual(peak.Values, [150]);

  const listed = await cw.send(new ListMetricsCommand({ Namespace: ns }));
  assert.equal(listed.Metrics.length, 2);
  const filtered = await cw.send(new ListMetricsCommand({ Namespace: ns, Dimensions: [{ Name: "Api", Value: "users" }] }));
  assert.deepEqual(filtered.Metrics, [{ Namespace: ns, MetricName: "Latency", Dimensions: [{ Name: "Api", Value: "users" }] }]);
});

test("PutMetricAlarm, DescribeAlarms, SetAlarmState and DescribeAlarmHistory; tags, actions switches and DeleteAlarms", async () => {
  const name = unique("orders-high");
  await cw.send(new PutMetricAlarmCommand(alarmInput(name, {
    AlarmDescription: "too many orders", Dimensions: [{ Name: "Api", Value: "orders" }], TreatMissingData: "notBreaching", DatapointsToAlarm: 1,
    Tags: [{ Key: "team", Value: "shop" }],
  })));

  const { MetricAlarms, CompositeAlarms } = await cw.send(new DescribeAlarmsCommand({ AlarmNames: [name] }));
  assert.deepEqual(CompositeAlarms, []);
  const alarm = MetricAlarms[0];
  assert.equal(alarm.AlarmArn, `arn:aws:cloudwatch:us-east-1:000000000000:alarm:${name}`);
  // INSUFFICIENT_DATA until the first evaluation, which may already have run (it comes round fast at the e2e time scale).
  assert.ok(["INSUFFICIENT_DATA", "OK"].includes(alarm.StateValue), alarm.StateValue);
  assert.equal(alarm.AlarmDescription, "too many orders");
  assert.equal(alarm.Threshold, 100);
  assert.equal(alarm.TreatMissingData, "notBreaching");
  assert.equal(alarm.ActionsEnabled, true);
  assert.deepEqual(alarm.Dimensions, [{ Name: "Api", Value: "orders" }]);
  assert.ok(alarm.StateUpdatedTimestamp instanceof Date);

  const byPrefix = await cw.send(new DescribeAlarmsCommand({ AlarmNamePrefix: name.slice(0, -3) }));
  assert.ok(byPrefix.MetricAlarms.some((a) => a.AlarmName === name));
  const forMetric = await cw.send(new DescribeAlarmsForMetricCommand({ Namespace: "Shop", MetricName: "Orders", Dimensions: [{ Name: "Api", Value: "orders" }] }));
  assert.ok(forMetric.MetricAlarms.some((a) => a.AlarmName === name));

  await cw.send(new SetAlarmStateCommand({ AlarmName: name, StateValue: "ALARM", StateReason: "drill", StateReasonData: JSON.stringify({ by: "e2e" }) }));

  const history = await cw.send(new DescribeAlarmHistoryCommand({ AlarmName: name }));
  const summaries = history.AlarmHistoryItems.map((h) => `${h.HistoryItemType}: ${h.HistorySummary}`);
  assert.ok(summaries.includes(`ConfigurationUpdate: Alarm "${name}" created`), summaries.join("; "));
  const update = history.AlarmHistoryItems.find((h) => h.HistoryItemType === "StateUpdate" && h.HistorySummary.endsWith("to ALARM"));
  assert.ok(update, summaries.join("; "));
  assert.equal(update.AlarmType, "MetricAlarm");
  const data = JSON.parse(update.HistoryData);
  assert.equal(data.newState.stateValue, "ALARM");
  assert.equal(data.newState.stateReason, "drill");
  assert.deepEqual(data.newState.stateReasonData, { by: "e2e" });

  // The next evaluation (a minute on AWS; a second at the e2e time scale) lets the metric decide again: no data, notBreaching.
  const back = await waitFor(async () => (await cw.send(new DescribeAlarmsCommand({ AlarmNames: [name] }))).MetricAlarms.find((a) => a.StateValue === "OK"), 30000, "the next evaluation");
  assert.match(back.StateReason, /^Threshold Crossed: 1 datapoint \[\] was not greater than the threshold \(100\.0\)\.$/);

  await cw.send(new DisableAlarmActionsCommand({ AlarmNames: [name] }));
  assert.equal((await cw.send(new DescribeAlarmsCommand({ AlarmNames: [name] }))).MetricAlarms[0].ActionsEnabled, false);
  await cw.send(new EnableAlarmActionsCommand({ AlarmNames: [name] }));
  assert.equal((await cw.send(new DescribeAlarmsCommand({ AlarmNames: [name] }))).MetricAlarms[0].ActionsEnabled, true);

  await cw.send(new TagResourceCommand({ ResourceARN: alarm.AlarmArn, Tags: [{ Key: "env", Value: "test" }] }));
  const { Tags } = await cw.send(new ListTagsForResourceCommand({ ResourceARN: alarm.AlarmArn }));
  assert.deepEqual(Tags, [{ Key: "env", Value: "test" }, { Key: "team", Value: "shop" }]);

  await cw.send(new DeleteAlarmsCommand({ AlarmNames: [name] }));
  assert.deepEqual((await cw.send(new DescribeAlarmsCommand({ AlarmNames: [name] }))).MetricAlarms, []);
});

test("errors carry CloudWatch's exception names, query codes and HTTP statuses", async () => {
  const missing = await rejectsWith(cw.send(new SetAlarmStateCommand({ AlarmName: unique("nope"), StateValue: "ALARM", StateReason: "x" })), "ResourceNotFound", 404);
  assert.equal(missing.Code, "ResourceNotFound");
  assert.match(missing.message, /^Alarm nope-\w+ not found$/);

  await rejectsWith(cw.send(new DeleteAlarmsCommand({ AlarmNames: [unique("nope")] })), "ResourceNotFound", 404);
  const reserved = await rejectsWith(cw.send(new PutMetricDataCommand({ Namespace: "AWS/Lambda", MetricData: [{ MetricName: "x", Value: 1 }] })), "InvalidParameterValueException", 400);
  assert.equal(reserved.Code, "InvalidParameterValue");
  assert.equal(reserved.message, "The value AWS/Lambda for parameter Namespace is invalid.");
  const both = await rejectsWith(cw.send(new PutMetricDataCommand({ Namespace: "Shop", MetricData: [{ MetricName: "x", Value: 1, StatisticValues: { SampleCount: 1, Sum: 1, Minimum: 1, Maximum: 1 } }] })), "InvalidParameterCombinationException", 400);
  assert.equal(both.Code, "InvalidParameterCombination");
  const noThreshold = await rejectsWith(cw.send(new PutMetricAlarmCommand(alarmInput(unique("a"), { Threshold: undefined }))), "MissingRequiredParameterException", 400);
  assert.equal(noThreshold.Code, "MissingParameter");
  assert.equal(noThreshold.message, "The parameter Threshold is required.");
  await rejectsWith(cw.send(new PutMetricAlarmCommand(alarmInput(unique("a"), { Period: 45 }))), "InvalidParameterValueException", 400);
  await rejectsWith(cw.send(new GetMetricStatisticsCommand({ Namespace: "Shop", MetricName: "x", StartTime: new Date(Date.now() - 86400000 * 5), EndTime: new Date(), Period: 60, Statistics: ["Sum"] })), "InvalidParameterCombinationException", 400);
  const expression = await rejectsWith(cw.send(new GetMetricDataCommand({ StartTime: new Date(Date.now() - 60000), EndTime: new Date(), MetricDataQueries: [{ Id: "e1", Expression: "SUM(METRICS())" }] })), "ValidationException", 400);
  assert.equal(expression.Code, "ValidationError");
  assert.match(expression.message, /Expression is not supported/);
  await rejectsWith(cw.send(new ListTagsForResourceCommand({ ResourceARN: "arn:aws:cloudwatch:us-east-1:000000000000:alarm:nope" })), "ResourceNotFoundException", 404);
});

test("invocations publish AWS/Lambda Invocations, Errors and Duration, and an alarm on Errors fires and notifies its SNS topic", async () => {
  const fn = unique("cw-metrics");
  await lambda.send(new CreateFunctionCommand({
    FunctionName: fn, Runtime: "nodejs20.x", Handler: "index.handler", Role: role, Timeout: 10,
    Code: { ZipFile: await zip({ "index.mjs": `export const handler = async (event) => { if (event.fail) throw new Error("boom"); return { ok: true }; };` }) },
  }));
  const { TopicArn } = await sns.send(new CreateTopicCommand({ Name: unique("alarms") }));
  const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: unique("alarm-inbox") }));
  const { Attributes } = await sqs.send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ["QueueArn"] }));
  await sns.send(new SubscribeCommand({ TopicArn, Protocol: "sqs", Endpoint: Attributes.QueueArn, Attributes: { RawMessageDelivery: "true" } }));
  const alarmName = unique("fn-errors");
  await cw.send(new PutMetricAlarmCommand({
    AlarmName: alarmName, Namespace: "AWS/Lambda", MetricName: "Errors", Dimensions: [{ Name: "FunctionName", Value: fn }],
    Statistic: "Sum", Period: 60, EvaluationPeriods: 1, Threshold: 0, ComparisonOperator: "GreaterThanThreshold", TreatMissingData: "notBreaching",
    AlarmActions: [TopicArn],
  }));
  const started = minute(new Date());

  for (const fail of [false, true, false]) {
    await lambda.send(new InvokeCommand({ FunctionName: fn, Payload: payload({ fail }) }));
  }

  const sumOf = async (metric) => {
    const { Datapoints } = await cw.send(new GetMetricStatisticsCommand({
      Namespace: "AWS/Lambda", MetricName: metric, Dimensions: [{ Name: "FunctionName", Value: fn }],
      StartTime: new Date(started.getTime() - 60000), EndTime: new Date(Date.now() + 60000), Period: 60, Statistics: ["Sum", "SampleCount", "Maximum"],
    }));
    return Datapoints.reduce((s, d) => ({ Sum: s.Sum + d.Sum, SampleCount: s.SampleCount + d.SampleCount, Maximum: Math.max(s.Maximum, d.Maximum) }), { Sum: 0, SampleCount: 0, Maximum: 0 });
  };
  assert.deepEqual(await sumOf("Invocations"), { Sum: 3, SampleCount: 3, Maximum: 1 });
  assert.deepEqual(await sumOf("Errors"), { Sum: 1, SampleCount: 3, Maximum: 1 });
  const duration = await sumOf("Duration");
  assert.equal(duration.SampleCount, 3);
  assert.ok(duration.Maximum > 0);
  const listed = await cw.send(new ListMetricsCommand({ Namespace: "AWS/Lambda", Dimensions: [{ Name: "FunctionName", Value: fn }] }));
  assert.deepEqual(listed.Metrics.map((m) => m.MetricName).sort(), ["Duration", "Errors", "Invocations"]);

  const fired = await waitFor(async () => (await cw.send(new DescribeAlarmsCommand({ AlarmNames: [alarmName] }))).MetricAlarms.find((a) => a.StateValue === "ALARM"), 30000, "the Errors alarm");
  assert.match(fired.StateReason, /^Threshold Crossed: 1 datapoint \[1\.0 \(\d\d\/\d\d\/\d\d \d\d:\d\d:00\)\] was greater than the threshold \(0\.0\)\.$/);

  const message = await waitFor(async () => (await sqs.send(new ReceiveMessageCommand({ QueueUrl, WaitTimeSeconds: 1 }))).Messages?.[0], 30000, "the alarm notification");
  const body = JSON.parse(message.Body);
  const notification = body.Type === "Notification" ? JSON.parse(body.Message) : body;
  assert.equal(notification.AlarmName, alarmName);
  assert.equal(notification.NewStateValue, "ALARM");
  assert.equal(notification.Region, "US East (N. Virginia)");
  assert.equal(notification.Trigger.MetricName, "Errors");
  assert.equal(notification.Trigger.Namespace, "AWS/Lambda");
  assert.deepEqual(notification.Trigger.Dimensions, [{ value: fn, name: "FunctionName" }]);
  const action = await waitFor(async () => (await cw.send(new DescribeAlarmHistoryCommand({ AlarmName: alarmName, HistoryItemType: "Action" }))).AlarmHistoryItems[0], 10000, "the action history item");
  assert.equal(action.HistorySummary, `Successfully executed action ${TopicArn}`);

  await cw.send(new DeleteAlarmsCommand({ AlarmNames: [alarmName] }));
  await sns.send(new DeleteTopicCommand({ TopicArn }));
  await sqs.send(new DeleteQueueCommand({ QueueUrl }));
  await lambda.send(new DeleteFunctionCommand({ FunctionName: fn }));
});

const gradualTemplate = (greeting, fail) => `
Transform: AWS::Serverless-2016-10-31
Resources:
  Fn:
    Type: AWS::Serverless::Function
    Properties:
      Runtime: nodejs20.x
      Handler: index.handler
      Timeout: 10
      InlineCode: |
        exports.handler = async () => { if (${fail}) throw new Error("broken release"); return { greeting: ${JSON.stringify(greeting)} }; };
      AutoPublishAlias: live
      DeploymentPreference:
        Type: Linear10PercentEvery2Minutes
        Alarms:
          - !Ref ErrorsAlarm
  ErrorsAlarm:
    Type: AWS::CloudWatch::Alarm
    Properties:
      Namespace: AWS/Lambda
      MetricName: Errors
      Dimensions:
        - Name: FunctionName
          Value: !Ref Fn
      Statistic: Sum
      Period: 60
      EvaluationPeriods: 1
      Threshold: 0
      ComparisonOperator: GreaterThanThreshold
      TreatMissingData: notBreaching
Outputs:
  FunctionName:
    Value: !Ref Fn
  AlarmName:
    Value: !Ref ErrorsAlarm
  AlarmArn:
    Value: !GetAtt ErrorsAlarm.Arn
`;

async function settled(stackName) {
  return waitFor(async () => {
    const s = (await cfn.send(new DescribeStacksCommand({ StackName: stackName }))).Stacks[0];
    return /(_COMPLETE|_FAILED)$/.test(s.StackStatus) && !s.StackStatus.endsWith("_IN_PROGRESS") ? s : null;
  }, 120000, `stack ${stackName} to settle`);
}

test("gradual deployment: an alarm listed in DeploymentPreference.Alarms going into ALARM stops the shift and rolls the alias back", async () => {
  const stackName = unique("cw-gradual");
  const capabilities = ["CAPABILITY_IAM", "CAPABILITY_AUTO_EXPAND"];
  await cfn.send(new CreateStackCommand({ StackName: stackName, TemplateBody: gradualTemplate("v1", false), Capabilities: capabilities }));
  const created = await settled(stackName);
  assert.equal(created.StackStatus, "CREATE_COMPLETE", created.StackStatusReason);
  const out = Object.fromEntries(created.Outputs.map((o) => [o.OutputKey, o.OutputValue]));
  assert.match(out.AlarmName, new RegExp(`^${stackName}-ErrorsAlarm-[A-Z0-9]{12}$`));
  assert.equal(out.AlarmArn, `arn:aws:cloudwatch:us-east-1:000000000000:alarm:${out.AlarmName}`);
  const invokeAlias = async () => {
    const r = await lambda.send(new InvokeCommand({ FunctionName: out.FunctionName, Qualifier: "live", Payload: payload({}) }));
    return r.FunctionError ? "error" : json(r.Payload).greeting;
  };
  assert.equal(await invokeAlias(), "v1");

  // The new version throws: the invocations the shift sends it count as Errors, the alarm fires, CodeDeploy stops and rolls back.
  await cfn.send(new UpdateStackCommand({ StackName: stackName, TemplateBody: gradualTemplate("v2", true), Capabilities: capabilities }));
  let stack;
  const seen = new Set();
  while (!(stack = await cfn.send(new DescribeStacksCommand({ StackName: stackName }))).Stacks[0].StackStatus.match(/(_COMPLETE|_FAILED)$/)) {
    seen.add(await invokeAlias());
  }

  const final = await settled(stackName);
  assert.equal(final.StackStatus, "UPDATE_ROLLBACK_COMPLETE", final.StackStatusReason);
  assert.ok(seen.has("error"), `the alias sent traffic to the broken version: ${[...seen]}`);
  const { StackEvents } = await cfn.send(new DescribeStackEventsCommand({ StackName: stackName }));
  const failed = StackEvents.find((e) => e.LogicalResourceId === "FnAliaslive" && e.ResourceStatus === "UPDATE_FAILED");
  assert.ok(failed, StackEvents.map((e) => `${e.LogicalResourceId} ${e.ResourceStatus} ${e.ResourceStatusReason ?? ""}`).join("\n"));
  assert.match(failed.ResourceStatusReason, new RegExp(`Activated alarms: <${out.AlarmName}>`));
  assert.match(failed.ResourceStatusReason, /in ALARM state/);
  assert.match(failed.ResourceStatusReason, /rolled back to version 1/);
  assert.equal(await invokeAlias(), "v1");
  const history = await cw.send(new DescribeAlarmHistoryCommand({ AlarmName: out.AlarmName, HistoryItemType: "StateUpdate" }));
  assert.ok(history.AlarmHistoryItems.some((h) => h.HistorySummary.endsWith("to ALARM")));

  await cfn.send(new DeleteStackCommand({ StackName: stackName }));
  await waitFor(async () => (await cw.send(new DescribeAlarmsCommand({ AlarmNames: [out.AlarmName] }))).MetricAlarms.length === 0, 60000, "the alarm to be deleted with the stack");
});
