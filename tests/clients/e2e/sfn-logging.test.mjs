// Step Functions execution logging to CloudWatch Logs (loggingConfiguration), read back through @aws-sdk/client-cloudwatch-logs.
import { test } from "node:test";
import assert from "node:assert/strict";
import { CreateStateMachineCommand, StartSyncExecutionCommand, StartExecutionCommand } from "@aws-sdk/client-sfn";
import { FilterLogEventsCommand, DescribeLogStreamsCommand } from "@aws-sdk/client-cloudwatch-logs";
import { logs, unique, waitFor } from "./helpers.mjs";
import { sfn, sfnSync, sfnRole, history, waitForCompletion } from "./sfn-helpers.mjs";

const account = "000000000000";

/** Creates a machine logging to a fresh log group; returns its ARN and the group's name. */
async function loggingMachine(type, level, includeExecutionData, definition) {
  const name = unique("log-sm");
  const group = `/aws/vendedlogs/states/${name}`;
  const { stateMachineArn } = await sfn.send(new CreateStateMachineCommand({
    name, type, roleArn: sfnRole, definition: JSON.stringify(definition),
    loggingConfiguration: {
      level, includeExecutionData,
      destinations: [{ cloudWatchLogsLogGroup: { logGroupArn: `arn:aws:logs:us-east-1:${account}:log-group:${group}:*` } }],
    },
  }));
  return { stateMachineArn, name, group };
}


/** The group's events (all streams), oldest first, once at least `count` have arrived. */
async function logEvents(group, count) {
  return waitFor(async () => {
    const page = await logs.send(new FilterLogEventsCommand({ logGroupName: group }));
    return (page.events?.length ?? 0) >= count ? page.events : null;
  }, 20000, `${count} log events in ${group}`);
}

const passThenSucceed = {
  StartAt: "A",
  States: {
    A: { Type: "Pass", Result: { v: 1 }, ResultPath: "$.a", Next: "Done" },
    Done: { Type: "Succeed" },
  },
};

const passThenFail = {
  StartAt: "A",
  States: {
    A: { Type: "Pass", Next: "Boom" },
    Boom: { Type: "Fail", Error: "Custom.Error", Cause: "it broke" },
  },
};

test("EXPRESS, level ALL with execution data: every history event is logged in AWS's shape, one stream per execution", async () => {
  const { stateMachineArn, name, group } = await loggingMachine("EXPRESS", "ALL", true, passThenSucceed);
  const run = await sfnSync.send(new StartSyncExecutionCommand({ stateMachineArn, input: JSON.stringify({ x: 1 }) }));
  assert.equal(run.status, "SUCCEEDED");

  const events = await logEvents(group, 6);
  assert.equal(events.length, 6);
  const messages = events.map((e) => JSON.parse(e.message));
  assert.deepEqual(messages.map((m) => m.type),
    ["ExecutionStarted", "PassStateEntered", "PassStateExited", "SucceedStateEntered", "SucceedStateExited", "ExecutionSucceeded"]);
  assert.deepEqual(messages.map((m) => m.id), ["1", "2", "3", "4", "5", "6"]);
  // As in the history: the first state chains from 0 (ExecutionStarted does not become the source).
  assert.deepEqual(messages.map((m) => m.previous_event_id), ["0", "0", "2", "3", "4", "5"]);
  for (const [i, m] of messages.entries()) {
    assert.equal(m.execution_arn, run.executionArn);
    assert.equal(m.redrive_count, "0");
    assert.equal(m.event_timestamp, String(events[i].timestamp));
    assert.deepEqual(Object.keys(m).sort(), ["details", "event_timestamp", "execution_arn", "id", "previous_event_id", "redrive_count", "type"]);
  }
  assert.deepEqual(JSON.parse(messages[0].details.input), { x: 1 });
  assert.equal(messages[0].details.roleArn, sfnRole);
  assert.equal(messages[1].details.name, "A");
  assert.deepEqual(JSON.parse(messages[2].details.output), { x: 1, a: { v: 1 } });
  assert.deepEqual(JSON.parse(messages[5].details.output), { x: 1, a: { v: 1 } });

  const streams = await logs.send(new DescribeLogStreamsCommand({ logGroupName: group }));
  assert.equal(streams.logStreams.length, 1);
  assert.match(streams.logStreams[0].logStreamName, new RegExp(`^states/${name}/\\d{4}-\\d{2}-\\d{2}-\\d{2}-\\d{2}/[0-9a-f]{8}$`));
  assert.ok(events.every((e) => e.logStreamName === streams.logStreams[0].logStreamName));

  // A second execution writes to a stream of its own.
  await sfnSync.send(new StartSyncExecutionCommand({ stateMachineArn, input: "{}" }));
  await logEvents(group, 12);
  const after = await logs.send(new DescribeLogStreamsCommand({ logGroupName: group }));
  assert.equal(after.logStreams.length, 2);
});

test("EXPRESS, level ERROR without execution data: only failure events, no input/output in the details", async () => {
  const { stateMachineArn, group } = await loggingMachine("EXPRESS", "ERROR", false, passThenFail);
  const run = await sfnSync.send(new StartSyncExecutionCommand({ stateMachineArn, input: JSON.stringify({ secret: "s" }) }));
  assert.equal(run.status, "FAILED");
  const events = await logEvents(group, 2);
  await new Promise((r) => setTimeout(r, 300)); // nothing else arrives
  const all = (await logs.send(new FilterLogEventsCommand({ logGroupName: group }))).events.map((e) => JSON.parse(e.message));
  assert.equal(events.length, 2);
  assert.deepEqual(all.map((m) => m.type), ["FailStateEntered", "ExecutionFailed"]);
  assert.equal(all[0].details.name, "Boom");
  assert.equal(all[0].details.input, undefined, "includeExecutionData false leaves the input out");
  assert.deepEqual(all[0].details.inputDetails, { truncated: false });
  assert.equal(all[1].details.error, "Custom.Error");
  assert.equal(all[1].details.cause, "it broke");
  assert.ok(!JSON.stringify(all).includes("secret"));
});

test("EXPRESS asynchronous, level FATAL: only the execution's failure", async () => {
  const { stateMachineArn, group } = await loggingMachine("EXPRESS", "FATAL", true, passThenFail);
  const { executionArn } = await sfn.send(new StartExecutionCommand({ stateMachineArn, input: "{}" }));
  const events = await logEvents(group, 1);
  await new Promise((r) => setTimeout(r, 300));
  const all = (await logs.send(new FilterLogEventsCommand({ logGroupName: group }))).events.map((e) => JSON.parse(e.message));
  assert.equal(events.length, 1);
  assert.deepEqual(all.map((m) => m.type), ["ExecutionFailed"]);
  assert.equal(all[0].execution_arn, executionArn);
  assert.equal(all[0].id, "5");
});

test("STANDARD, level ALL: the log repeats the execution history", async () => {
  const { stateMachineArn, group } = await loggingMachine("STANDARD", "ALL", true, passThenSucceed);
  const { executionArn } = await sfn.send(new StartExecutionCommand({ stateMachineArn, input: "{}" }));
  assert.equal((await waitForCompletion(executionArn)).status, "SUCCEEDED");
  const h = await history(executionArn);
  const events = await logEvents(group, h.length);
  const messages = events.map((e) => JSON.parse(e.message));
  assert.deepEqual(messages.map((m) => [m.id, m.type, m.previous_event_id]), h.map((e) => [String(e.id), e.type, String(e.previousEventId)]));
});
