// EventBridge Scheduler through @aws-sdk/client-scheduler: groups, tags, schedule CRUD, errors, and schedules that really fire.
import { test, before } from "node:test";
import assert from "node:assert/strict";
import {
  SchedulerClient, CreateScheduleCommand, GetScheduleCommand, UpdateScheduleCommand, DeleteScheduleCommand, ListSchedulesCommand,
  CreateScheduleGroupCommand, GetScheduleGroupCommand, DeleteScheduleGroupCommand, ListScheduleGroupsCommand,
  TagResourceCommand, UntagResourceCommand, ListTagsForResourceCommand,
} from "@aws-sdk/client-scheduler";
import { SQSClient, CreateQueueCommand, GetQueueAttributesCommand, ReceiveMessageCommand } from "@aws-sdk/client-sqs";
import { CreateFunctionCommand } from "@aws-sdk/client-lambda";
import { EventBridgeClient, PutRuleCommand, PutTargetsCommand, DeleteRuleCommand, RemoveTargetsCommand } from "@aws-sdk/client-eventbridge";
import { endpoint, lambda, zip, unique, role, waitFor, waitForLog, rejectsWith } from "./helpers.mjs";

const config = { endpoint, region: "us-east-1", credentials: { accessKeyId: "test", secretAccessKey: "test" }, maxAttempts: 1 };
const scheduler = new SchedulerClient(config);
const sqs = new SQSClient(config);
const events = new EventBridgeClient(config);
const schedulerRole = "arn:aws:iam::000000000000:role/scheduler-role";

/** An at() expression for a UTC time `seconds` from now. */
const atFromNow = (seconds) => `at(${new Date(Date.now() + seconds * 1000).toISOString().slice(0, 19)})`;

async function queue(name) {
  const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: name }));
  const { Attributes } = await sqs.send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ["QueueArn"] }));
  return { url: QueueUrl, arn: Attributes.QueueArn };
}

async function receiveOne(url, timeoutMs = 20000) {
  return waitFor(async () => {
    const { Messages } = await sqs.send(new ReceiveMessageCommand({ QueueUrl: url, WaitTimeSeconds: 2, MessageAttributeNames: ["All"] }));
    return Messages?.[0];
  }, timeoutMs, `a message on ${url}`);
}

let target;

before(async () => {
  target = await queue(unique("sched-target"));
});

test("groups: create with tags, get, list with the default group, tag and untag, conflicts and the undeletable default", async () => {
  const name = unique("grp");
  const { ScheduleGroupArn } = await scheduler.send(new CreateScheduleGroupCommand({ Name: name, Tags: [{ Key: "team", Value: "a" }] }));
  assert.equal(ScheduleGroupArn, `arn:aws:scheduler:us-east-1:000000000000:schedule-group/${name}`);

  const group = await scheduler.send(new GetScheduleGroupCommand({ Name: name }));
  assert.equal(group.State, "ACTIVE");
  assert.equal(group.Arn, ScheduleGroupArn);
  assert.ok(group.CreationDate instanceof Date && Math.abs(group.CreationDate.getTime() - Date.now()) < 60000, String(group.CreationDate));

  const { ScheduleGroups } = await scheduler.send(new ListScheduleGroupsCommand({}));
  assert.ok(ScheduleGroups.some((g) => g.Name === "default"));
  assert.ok(ScheduleGroups.some((g) => g.Name === name));
  const prefixed = await scheduler.send(new ListScheduleGroupsCommand({ NamePrefix: name }));
  assert.deepEqual(prefixed.ScheduleGroups.map((g) => g.Name), [name]);

  await scheduler.send(new TagResourceCommand({ ResourceArn: ScheduleGroupArn, Tags: [{ Key: "env", Value: "dev" }, { Key: "team", Value: "b" }] }));
  await scheduler.send(new UntagResourceCommand({ ResourceArn: ScheduleGroupArn, TagKeys: ["env"] }));
  const { Tags } = await scheduler.send(new ListTagsForResourceCommand({ ResourceArn: ScheduleGroupArn }));
  assert.deepEqual(Tags, [{ Key: "team", Value: "b" }]);

  const conflict = await rejectsWith(scheduler.send(new CreateScheduleGroupCommand({ Name: name })), "ConflictException", 409);
  assert.match(conflict.message, new RegExp(`Schedule group ${name} already exists`));
  await rejectsWith(scheduler.send(new DeleteScheduleGroupCommand({ Name: "default" })), "ValidationException", 400);

  await scheduler.send(new DeleteScheduleGroupCommand({ Name: name }));
  const gone = await rejectsWith(scheduler.send(new GetScheduleGroupCommand({ Name: name })), "ResourceNotFoundException", 404);
  assert.match(gone.message, /does not exist/);
});

test("an at() schedule sends its Input to an SQS queue once, then deletes itself (ActionAfterCompletion DELETE)", async () => {
  const group = unique("grp");
  await scheduler.send(new CreateScheduleGroupCommand({ Name: group }));
  const name = unique("once");
  const { ScheduleArn } = await scheduler.send(new CreateScheduleCommand({
    Name: name, GroupName: group, ScheduleExpression: atFromNow(2), FlexibleTimeWindow: { Mode: "OFF" },
    ActionAfterCompletion: "DELETE",
    Target: { Arn: target.arn, RoleArn: schedulerRole, Input: JSON.stringify({ hello: "scheduler", from: "<aws.scheduler.schedule-arn>" }) },
  }));
  assert.equal(ScheduleArn, `arn:aws:scheduler:us-east-1:000000000000:schedule/${group}/${name}`);

  const message = await receiveOne(target.url);
  assert.deepEqual(JSON.parse(message.Body), { hello: "scheduler", from: ScheduleArn });

  await waitFor(async () => {
    try {
      await scheduler.send(new GetScheduleCommand({ Name: name, GroupName: group }));
      return false;
    } catch (e) {
      return e.name === "ResourceNotFoundException";
    }
  }, 10000, "the completed schedule to be deleted");
  await scheduler.send(new DeleteScheduleGroupCommand({ Name: group }));
});

test("an at() schedule in a time zone invokes a Lambda function asynchronously with its Input", async () => {
  const fn = unique("sched-fn");
  const created = await lambda.send(new CreateFunctionCommand({
    FunctionName: fn, Runtime: "nodejs20.x", Handler: "index.handler", Role: role,
    Code: { ZipFile: await zip({ "index.mjs": `export const handler = async (event) => { console.log("scheduled", JSON.stringify(event)); return {}; };` }) },
  }));
  // The same instant written as Tokyo wall-clock time (UTC+9, no daylight saving).
  const tokyo = new Date(Date.now() + 2000 + 9 * 3600 * 1000).toISOString().slice(0, 19);
  const name = unique("fn");
  await scheduler.send(new CreateScheduleCommand({
    Name: name, ScheduleExpression: `at(${tokyo})`, ScheduleExpressionTimezone: "Asia/Tokyo", FlexibleTimeWindow: { Mode: "OFF" },
    Target: { Arn: created.FunctionArn, RoleArn: schedulerRole, Input: JSON.stringify({ marker: name }) },
  }));
  const events = await waitForLog(fn, name, 30000);
  assert.match(events[0].message, new RegExp(`"marker":"${name}"`));
  // ActionAfterCompletion NONE: the completed schedule stays.
  const kept = await scheduler.send(new GetScheduleCommand({ Name: name }));
  assert.equal(kept.ActionAfterCompletion, "NONE");
  await scheduler.send(new DeleteScheduleCommand({ Name: name }));
});

test("an at() schedule puts an event on an EventBridge bus with EventBridgeParameters, routed by a rule to SQS", async () => {
  const routed = await queue(unique("sched-routed"));
  const rule = unique("sched-rule");
  const source = `my.scheduler.${rule}`;
  await events.send(new PutRuleCommand({ Name: rule, EventPattern: JSON.stringify({ source: [source] }) }));
  await events.send(new PutTargetsCommand({ Rule: rule, Targets: [{ Id: "q", Arn: routed.arn }] }));
  const name = unique("eb");
  await scheduler.send(new CreateScheduleCommand({
    Name: name, ScheduleExpression: atFromNow(2), FlexibleTimeWindow: { Mode: "OFF" }, ActionAfterCompletion: "DELETE",
    Target: {
      Arn: "arn:aws:events:us-east-1:000000000000:event-bus/default", RoleArn: schedulerRole,
      EventBridgeParameters: { Source: source, DetailType: "Nightly Report" }, Input: JSON.stringify({ report: "sales" }),
    },
  }));
  const event = JSON.parse((await receiveOne(routed.url)).Body);
  assert.equal(event.source, source);
  assert.equal(event["detail-type"], "Nightly Report");
  assert.deepEqual(event.detail, { report: "sales" });
  await events.send(new RemoveTargetsCommand({ Rule: rule, Ids: ["q"] }));
  await events.send(new DeleteRuleCommand({ Name: rule }));
});

test("schedules: get returns every setting with defaults, list filters by group, prefix and state, update replaces, delete", async () => {
  const name = unique("crud");
  const start = new Date(Date.now() + 3600 * 1000);
  await scheduler.send(new CreateScheduleCommand({
    Name: name, ScheduleExpression: "cron(0 9 ? * MON-FRI *)", ScheduleExpressionTimezone: "Europe/Paris",
    StartDate: start, Description: "weekday mornings", FlexibleTimeWindow: { Mode: "FLEXIBLE", MaximumWindowInMinutes: 15 },
    Target: { Arn: target.arn, RoleArn: schedulerRole, Input: "plain text", RetryPolicy: { MaximumRetryAttempts: 3 }, DeadLetterConfig: { Arn: target.arn } },
  }));
  const got = await scheduler.send(new GetScheduleCommand({ Name: name, GroupName: "default" }));
  assert.equal(got.Arn, `arn:aws:scheduler:us-east-1:000000000000:schedule/default/${name}`);
  assert.equal(got.GroupName, "default");
  assert.equal(got.State, "ENABLED");
  assert.equal(got.ScheduleExpressionTimezone, "Europe/Paris");
  assert.equal(got.Description, "weekday mornings");
  assert.equal(got.StartDate.getTime(), start.getTime());
  assert.deepEqual(got.FlexibleTimeWindow, { Mode: "FLEXIBLE", MaximumWindowInMinutes: 15 });
  assert.deepEqual(got.Target.RetryPolicy, { MaximumEventAgeInSeconds: 86400, MaximumRetryAttempts: 3 });
  assert.equal(got.Target.DeadLetterConfig.Arn, target.arn);
  assert.equal(got.ActionAfterCompletion, "NONE");
  assert.ok(got.CreationDate instanceof Date);

  const listed = await scheduler.send(new ListSchedulesCommand({ NamePrefix: name }));
  assert.equal(listed.Schedules.length, 1);
  assert.deepEqual(listed.Schedules[0].Target, { Arn: target.arn });
  assert.equal(listed.Schedules[0].GroupName, "default");

  await scheduler.send(new UpdateScheduleCommand({
    Name: name, ScheduleExpression: "rate(2 hours)", State: "DISABLED", FlexibleTimeWindow: { Mode: "OFF" },
    Target: { Arn: target.arn, RoleArn: schedulerRole },
  }));
  const updated = await scheduler.send(new GetScheduleCommand({ Name: name }));
  assert.equal(updated.ScheduleExpression, "rate(2 hours)");
  assert.equal(updated.State, "DISABLED");
  assert.equal(updated.Description, undefined, "members left out of UpdateSchedule return to their defaults");
  assert.equal(updated.ScheduleExpressionTimezone, "UTC");
  assert.ok(updated.LastModificationDate.getTime() >= updated.CreationDate.getTime());
  assert.equal((await scheduler.send(new ListSchedulesCommand({ NamePrefix: name, State: "ENABLED" }))).Schedules.length, 0);
  assert.equal((await scheduler.send(new ListSchedulesCommand({ NamePrefix: name, State: "DISABLED" }))).Schedules.length, 1);

  // Paging: MaxResults and NextToken.
  const prefix = unique("page");
  for (const i of [1, 2, 3]) {
    await scheduler.send(new CreateScheduleCommand({
      Name: `${prefix}-${i}`, ScheduleExpression: "rate(1 day)", State: "DISABLED", FlexibleTimeWindow: { Mode: "OFF" },
      Target: { Arn: target.arn, RoleArn: schedulerRole },
    }));
  }
  const first = await scheduler.send(new ListSchedulesCommand({ NamePrefix: prefix, MaxResults: 2 }));
  assert.equal(first.Schedules.length, 2);
  assert.ok(first.NextToken);
  const second = await scheduler.send(new ListSchedulesCommand({ NamePrefix: prefix, MaxResults: 2, NextToken: first.NextToken }));
  assert.deepEqual(second.Schedules.map((s) => s.Name), [`${prefix}-3`]);
  assert.equal(second.NextToken, undefined);

  await scheduler.send(new DeleteScheduleCommand({ Name: name }));
  await rejectsWith(scheduler.send(new GetScheduleCommand({ Name: name })), "ResourceNotFoundException", 404);
  await rejectsWith(scheduler.send(new DeleteScheduleCommand({ Name: name })), "ResourceNotFoundException", 404);
});

test("errors: bad expressions and time zones, duplicates, missing groups, bad roles and universal targets", async () => {
  const base = { FlexibleTimeWindow: { Mode: "OFF" }, Target: { Arn: target.arn, RoleArn: schedulerRole } };
  for (const expression of ["rate(0 minutes)", "cron(0 12 * * *)", "at(2030-13-01T00:00:00)", "every day"]) {
    const e = await rejectsWith(scheduler.send(new CreateScheduleCommand({ Name: unique("bad"), ScheduleExpression: expression, ...base })), "ValidationException", 400);
    assert.equal(e.message, `Invalid Schedule Expression ${expression}.`);
  }

  const tz = await rejectsWith(scheduler.send(new CreateScheduleCommand({
    Name: unique("bad"), ScheduleExpression: "rate(1 hour)", ScheduleExpressionTimezone: "Mars/Olympus", ...base,
  })), "ValidationException", 400);
  assert.match(tz.message, /Mars\/Olympus/);

  const name = unique("dup");
  await scheduler.send(new CreateScheduleCommand({ Name: name, ScheduleExpression: "rate(1 day)", State: "DISABLED", ...base }));
  const dup = await rejectsWith(scheduler.send(new CreateScheduleCommand({ Name: name, ScheduleExpression: "rate(1 day)", ...base })), "ConflictException", 409);
  assert.equal(dup.message, `Schedule ${name} already exists.`);
  // The same ClientToken repeats the create idempotently.
  const token = unique("tok");
  const once = await scheduler.send(new CreateScheduleCommand({ Name: `${name}-i`, ScheduleExpression: "rate(1 day)", State: "DISABLED", ClientToken: token, ...base }));
  const again = await scheduler.send(new CreateScheduleCommand({ Name: `${name}-i`, ScheduleExpression: "rate(1 day)", State: "DISABLED", ClientToken: token, ...base }));
  assert.equal(again.ScheduleArn, once.ScheduleArn);

  const missing = await rejectsWith(scheduler.send(new CreateScheduleCommand({ Name: unique("x"), GroupName: "no-such-group", ScheduleExpression: "rate(1 day)", ...base })),
    "ResourceNotFoundException", 404);
  assert.equal(missing.message, "Schedule group no-such-group does not exist.");

  const shape = await rejectsWith(scheduler.send(new CreateScheduleCommand({
    Name: "bad name!", ScheduleExpression: "rate(1 day)", FlexibleTimeWindow: { Mode: "OFF" }, Target: { Arn: target.arn, RoleArn: "not-a-role" },
  })), "ValidationException", 400);
  assert.match(shape.message, /^2 validation errors detected: /);
  assert.match(shape.message, /at 'name' failed to satisfy constraint/);
  assert.match(shape.message, /at 'target.roleArn' failed to satisfy constraint/);

  const flexible = await rejectsWith(scheduler.send(new CreateScheduleCommand({
    Name: unique("x"), ScheduleExpression: "rate(1 day)", FlexibleTimeWindow: { Mode: "FLEXIBLE" }, Target: base.Target,
  })), "ValidationException", 400);
  assert.match(flexible.message, /MaximumWindowInMinutes/);

  const universal = await rejectsWith(scheduler.send(new CreateScheduleCommand({
    Name: unique("x"), ScheduleExpression: "rate(1 day)", FlexibleTimeWindow: { Mode: "OFF" },
    Target: { Arn: "arn:aws:scheduler:::aws-sdk:sqs:createQueue", RoleArn: schedulerRole, Input: "{}" },
  })), "ValidationException", 400);
  assert.match(universal.message, /Universal targets/);

  await rejectsWith(scheduler.send(new UpdateScheduleCommand({ Name: unique("nope"), ScheduleExpression: "rate(1 day)", ...base })), "ResourceNotFoundException", 404);
  await rejectsWith(scheduler.send(new TagResourceCommand({
    ResourceArn: "arn:aws:scheduler:us-east-1:000000000000:schedule-group/no-such-group", Tags: [{ Key: "k", Value: "v" }],
  })), "ResourceNotFoundException", 404);
});
