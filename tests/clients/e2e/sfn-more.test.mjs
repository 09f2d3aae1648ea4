// Step Functions through @aws-sdk/client-sfn, beyond sfn.test.mjs: activities (workers polling with GetActivityTask),
// versions and aliases, nested executions, TestState, redrive, Map Runs.
import { test } from "node:test";
import assert from "node:assert/strict";
import {
  CreateActivityCommand, DescribeActivityCommand, DeleteActivityCommand, ListActivitiesCommand, GetActivityTaskCommand,
  SendTaskSuccessCommand, SendTaskFailureCommand, SendTaskHeartbeatCommand, StartExecutionCommand,
  CreateStateMachineCommand, UpdateStateMachineCommand, DescribeStateMachineCommand, PublishStateMachineVersionCommand,
  ListStateMachineVersionsCommand, DeleteStateMachineVersionCommand, CreateStateMachineAliasCommand,
  DescribeStateMachineAliasCommand, UpdateStateMachineAliasCommand, DeleteStateMachineAliasCommand,
  ListStateMachineAliasesCommand, ListExecutionsCommand, TestStateCommand, RedriveExecutionCommand,
  DescribeExecutionCommand, ListMapRunsCommand, DescribeMapRunCommand, UpdateMapRunCommand,
} from "@aws-sdk/client-sfn";
import { SQSClient, CreateQueueCommand, DeleteQueueCommand } from "@aws-sdk/client-sqs";
import { endpoint, unique, rejectsWith } from "./helpers.mjs";
import { sfn, sfnSync, sfnRole, createMachine, deleteMachine, waitForCompletion, history, assertSequentialIds } from "./sfn-helpers.mjs";

test("activities: create/describe/list/delete with AWS errors", async () => {
  const name = unique("act");
  const { activityArn, creationDate } = await sfn.send(new CreateActivityCommand({ name }));
  assert.match(activityArn, new RegExp(`^arn:aws:states:us-east-1:\\d{12}:activity:${name}$`));
  assert.ok(creationDate instanceof Date);
  const again = await sfn.send(new CreateActivityCommand({ name }));
  assert.equal(again.activityArn, activityArn);

  const described = await sfn.send(new DescribeActivityCommand({ activityArn }));
  assert.equal(described.name, name);
  let found = false;
  let nextToken;
  do {
    const page = await sfn.send(new ListActivitiesCommand({ maxResults: 50, nextToken }));
    found ||= page.activities.some((a) => a.activityArn === activityArn && a.name === name);
    nextToken = page.nextToken;
  } while (nextToken);
  assert.ok(found, "ListActivities lists the new activity");

  await sfn.send(new DeleteActivityCommand({ activityArn }));
  await rejectsWith(sfn.send(new DescribeActivityCommand({ activityArn })), "ActivityDoesNotExist", 400);
  await rejectsWith(sfn.send(new GetActivityTaskCommand({ activityArn })), "ActivityDoesNotExist", 400);
  await rejectsWith(sfn.send(new DescribeActivityCommand({ activityArn: "arn:aws:states:us-east-1:000000000000:nope:x" })), "InvalidArn", 400);
  await rejectsWith(sfn.send(new CreateActivityCommand({ name: "bad name" })), "InvalidName", 400);
});

test("activities: a worker long-polls, heartbeats and answers; failures are catchable", async () => {
  const { activityArn } = await sfn.send(new CreateActivityCommand({ name: unique("worker") }));
  const machine = await createMachine(unique("act-sm"), {
    StartAt: "Work",
    States: {
      Work: {
        Type: "Task", Resource: activityArn, HeartbeatSeconds: 10, TimeoutSeconds: 60,
        Parameters: { "order.$": "$.order" }, ResultPath: "$.result",
        Catch: [{ ErrorEquals: ["Worker.Rejected"], ResultPath: "$.error", Next: "Rejected" }], End: true,
      },
      Rejected: { Type: "Pass", End: true },
    },
  });
  try {
    // The poll is waiting before the task exists and is answered when it is scheduled.
    const poll = sfn.send(new GetActivityTaskCommand({ activityArn, workerName: "e2e-worker" }));
    await new Promise((r) => setTimeout(r, 200));
    const { executionArn } = await sfn.send(new StartExecutionCommand({ stateMachineArn: machine, input: JSON.stringify({ order: 42 }) }));
    const task = await poll;
    assert.deepEqual(JSON.parse(task.input), { order: 42 });
    await sfn.send(new SendTaskHeartbeatCommand({ taskToken: task.taskToken }));
    await sfn.send(new SendTaskSuccessCommand({ taskToken: task.taskToken, output: JSON.stringify({ shipped: true }) }));
    const done = await waitForCompletion(executionArn);
    assert.equal(done.status, "SUCCEEDED");
    assert.deepEqual(JSON.parse(done.output), { order: 42, result: { shipped: true } });
    const events = await history(executionArn);
    assertSequentialIds(events);
    assert.deepEqual(events.map((e) => e.type), [
      "ExecutionStarted", "TaskStateEntered", "ActivityScheduled", "ActivityStarted", "ActivitySucceeded", "TaskStateExited", "ExecutionSucceeded",
    ]);
    assert.equal(events[2].activityScheduledEventDetails.resource, activityArn);
    assert.equal(events[2].activityScheduledEventDetails.heartbeatInSeconds, 10);
    assert.equal(events[3].activityStartedEventDetails.workerName, "e2e-worker");
    await rejectsWith(sfn.send(new SendTaskSuccessCommand({ taskToken: task.taskToken, output: "{}" })), "TaskDoesNotExist", 400);

    // A task scheduled before any worker polls waits in the queue.
    const second = await sfn.send(new StartExecutionCommand({ stateMachineArn: machine, input: JSON.stringify({ order: 7 }) }));
    const queued = await sfn.send(new GetActivityTaskCommand({ activityArn }));
    assert.deepEqual(JSON.parse(queued.input), { order: 7 });
    await sfn.send(new SendTaskFailureCommand({ taskToken: queued.taskToken, error: "Worker.Rejected", cause: "out of stock" }));
    const rejected = await waitForCompletion(second.executionArn);
    assert.equal(rejected.status, "SUCCEEDED");
    assert.deepEqual(JSON.parse(rejected.output).error, { Error: "Worker.Rejected", Cause: "out of stock" });
    assert.ok((await history(second.executionArn)).some((e) => e.type === "ActivityFailed" && e.activityFailedEventDetails.cause === "out of stock"));
  } finally {
    await deleteMachine(machine);
    await sfn.send(new DeleteActivityCommand({ activityArn }));
  }
});

const passing = (value) => JSON.stringify({ StartAt: "A", States: { A: { Type: "Pass", Result: value, End: true } } });

test("versions and aliases: publish, route, start on a version or alias, AWS errors", async () => {
  const name = unique("versioned");
  const created = await sfn.send(new CreateStateMachineCommand({
    name, definition: passing("v1"), roleArn: sfnRole, publish: true, versionDescription: "first",
  }));
  const sm = created.stateMachineArn;
  try {
    assert.equal(created.stateMachineVersionArn, `${sm}:1`);
    const updated = await sfn.send(new UpdateStateMachineCommand({ stateMachineArn: sm, definition: passing("v2"), publish: true }));
    assert.equal(updated.stateMachineVersionArn, `${sm}:2`);
    const same = await sfn.send(new PublishStateMachineVersionCommand({ stateMachineArn: sm, revisionId: updated.revisionId }));
    assert.equal(same.stateMachineVersionArn, `${sm}:2`);
    await rejectsWith(sfn.send(new PublishStateMachineVersionCommand({ stateMachineArn: sm, revisionId: "stale" })), "ConflictException", 409);

    const v1 = await sfn.send(new DescribeStateMachineCommand({ stateMachineArn: `${sm}:1` }));
    assert.equal(v1.definition, passing("v1"));
    assert.equal(v1.description, "first");
    const versions = await sfn.send(new ListStateMachineVersionsCommand({ stateMachineArn: sm }));
    assert.deepEqual(versions.stateMachineVersions.map((v) => v.stateMachineVersionArn), [`${sm}:2`, `${sm}:1`]);

    const { stateMachineAliasArn: alias } = await sfn.send(new CreateStateMachineAliasCommand({
      name: "live", description: "production", routingConfiguration: [{ stateMachineVersionArn: `${sm}:1`, weight: 100 }],
    }));
    assert.equal(alias, `${sm}:live`);
    const described = await sfn.send(new DescribeStateMachineAliasCommand({ stateMachineAliasArn: alias }));
    assert.equal(described.description, "production");
    assert.deepEqual(described.routingConfiguration, [{ stateMachineVersionArn: `${sm}:1`, weight: 100 }]);
    const aliases = await sfn.send(new ListStateMachineAliasesCommand({ stateMachineArn: sm }));
    assert.deepEqual(aliases.stateMachineAliases.map((a) => a.stateMachineAliasArn), [alias]);

    const run = async (target) => {
      const { executionArn } = await sfn.send(new StartExecutionCommand({ stateMachineArn: target }));
      return waitForCompletion(executionArn);
    };
    const viaAlias = await run(alias);
    assert.equal(viaAlias.output, '"v1"');
    assert.equal(viaAlias.stateMachineAliasArn, alias);
    assert.equal(viaAlias.stateMachineVersionArn, `${sm}:1`);
    const started = (await history(viaAlias.executionArn))[0].executionStartedEventDetails;
    assert.equal(started.stateMachineAliasArn, alias);
    const viaVersion = await run(`${sm}:2`);
    assert.equal(viaVersion.output, '"v2"');
    assert.equal(viaVersion.stateMachineVersionArn, `${sm}:2`);
    assert.equal(viaVersion.stateMachineAliasArn, undefined);

    await sfn.send(new UpdateStateMachineAliasCommand({
      stateMachineAliasArn: alias,
      routingConfiguration: [{ stateMachineVersionArn: `${sm}:1`, weight: 0 }, { stateMachineVersionArn: `${sm}:2`, weight: 100 }],
    }));
    assert.equal((await run(alias)).output, '"v2"');
    const listed = await sfn.send(new ListExecutionsCommand({ stateMachineArn: alias }));
    assert.equal(listed.executions.length, 2);
    assert.ok(listed.executions.every((e) => e.stateMachineAliasArn === alias));

    await rejectsWith(sfn.send(new CreateStateMachineAliasCommand({
      name: "bad", routingConfiguration: [{ stateMachineVersionArn: `${sm}:1`, weight: 40 }],
    })), "ValidationException", 400);
    await rejectsWith(sfn.send(new CreateStateMachineAliasCommand({
      name: "missing", routingConfiguration: [{ stateMachineVersionArn: `${sm}:9`, weight: 100 }],
    })), "ResourceNotFound");
    await rejectsWith(sfn.send(new DeleteStateMachineVersionCommand({ stateMachineVersionArn: `${sm}:2` })), "ConflictException", 409);
    await rejectsWith(sfn.send(new StartExecutionCommand({ stateMachineArn: `${sm}:9` })), "StateMachineDoesNotExist", 400);

    await sfn.send(new DeleteStateMachineAliasCommand({ stateMachineAliasArn: alias }));
    await rejectsWith(sfn.send(new DescribeStateMachineAliasCommand({ stateMachineAliasArn: alias })), "ResourceNotFound");
    await sfn.send(new DeleteStateMachineVersionCommand({ stateMachineVersionArn: `${sm}:2` }));
    await rejectsWith(sfn.send(new DescribeStateMachineCommand({ stateMachineArn: `${sm}:2` })), "StateMachineDoesNotExist", 400);
  } finally {
    await deleteMachine(sm);
  }
});

test("nested executions: startExecution, .sync, .sync:2 and a failing child", async () => {
  const child = await createMachine(unique("child"), {
    StartAt: "Check",
    States: {
      Check: { Type: "Choice", Choices: [{ Variable: "$.fail", IsPresent: true, Next: "Boom" }], Default: "Done" },
      Done: { Type: "Pass", Parameters: { "doubled.$": "States.MathAdd($.n, $.n)", "parent.$": "$.AWS_STEP_FUNCTIONS_STARTED_BY_EXECUTION_ID" }, End: true },
      Boom: { Type: "Fail", Error: "Child.Broke", Cause: "as asked" },
    },
  });
  const parent = await createMachine(unique("parent"), {
    StartAt: "Fire",
    States: {
      Fire: {
        Type: "Task", Resource: "arn:aws:states:::states:startExecution",
        Parameters: { StateMachineArn: child, Input: { n: 1, "AWS_STEP_FUNCTIONS_STARTED_BY_EXECUTION_ID.$": "$$.Execution.Id" } },
        ResultPath: "$.fired", Next: "Sync",
      },
      Sync: {
        Type: "Task", Resource: "arn:aws:states:::states:startExecution.sync",
        Parameters: { StateMachineArn: child, Input: { n: 2, "AWS_STEP_FUNCTIONS_STARTED_BY_EXECUTION_ID.$": "$$.Execution.Id" } },
        ResultSelector: { "output.$": "$.Output", "status.$": "$.Status" }, ResultPath: "$.sync", Next: "Sync2",
      },
      Sync2: {
        Type: "Task", Resource: "arn:aws:states:::states:startExecution.sync:2",
        Parameters: { StateMachineArn: child, Input: { n: 3, "AWS_STEP_FUNCTIONS_STARTED_BY_EXECUTION_ID.$": "$$.Execution.Id" } },
        ResultSelector: { "doubled.$": "$.Output.doubled" }, ResultPath: "$.sync2", Next: "Failing",
      },
      Failing: {
        Type: "Task", Resource: "arn:aws:states:::states:startExecution.sync:2",
        Parameters: { StateMachineArn: child, Input: { fail: true } },
        Catch: [{ ErrorEquals: ["States.TaskFailed"], ResultPath: "$.caught", Next: "End" }], End: true,
      },
      End: { Type: "Pass", End: true },
    },
  });
  try {
    const { executionArn } = await sfn.send(new StartExecutionCommand({ stateMachineArn: parent, input: "{}" }));
    const done = await waitForCompletion(executionArn);
    assert.equal(done.status, "SUCCEEDED", done.cause);
    const out = JSON.parse(done.output);
    assert.match(out.fired.ExecutionArn, /:execution:child-/);
    assert.equal(out.sync.status, "SUCCEEDED");
    assert.deepEqual(JSON.parse(out.sync.output), { doubled: 4, parent: executionArn });
    assert.deepEqual(out.sync2, { doubled: 6 });
    assert.equal(out.caught.Error, "States.TaskFailed");
    assert.equal(JSON.parse(out.caught.Cause).Error, "Child.Broke");
    const fired = await waitForCompletion(out.fired.ExecutionArn);
    assert.deepEqual(JSON.parse(fired.output), { doubled: 2, parent: executionArn });
    const types = (await history(executionArn)).map((e) => e.type);
    assert.equal(types.filter((t) => t === "TaskSubmitted").length, 3);
  } finally {
    await deleteMachine(parent);
    await deleteMachine(child);
  }
});

test("TestState: data flow at DEBUG, next state, Fail, AWS errors (the SDK sends TestState to the sync- host prefix)", async () => {
  const pass = await sfnSync.send(new TestStateCommand({
    definition: JSON.stringify({ Type: "Pass", InputPath: "$.a", Parameters: { "v.$": "$.b" }, ResultPath: "$.out", Next: "After" }),
    roleArn: sfnRole, input: JSON.stringify({ a: { b: 7 } }), inspectionLevel: "DEBUG",
  }));
  assert.equal(pass.status, "SUCCEEDED");
  assert.equal(pass.nextState, "After");
  assert.deepEqual(JSON.parse(pass.output), { a: { b: 7 }, out: { v: 7 } });
  assert.deepEqual(JSON.parse(pass.inspectionData.afterInputPath), { b: 7 });
  assert.deepEqual(JSON.parse(pass.inspectionData.afterParameters), { v: 7 });

  const choice = await sfnSync.send(new TestStateCommand({
    definition: JSON.stringify({ Type: "Choice", Choices: [{ Variable: "$.n", NumericLessThan: 0, Next: "Negative" }], Default: "Positive" }),
    input: JSON.stringify({ n: -1 }),
  }));
  assert.equal(choice.nextState, "Negative");
  assert.equal(choice.inspectionData, undefined);

  const fail = await sfnSync.send(new TestStateCommand({ definition: JSON.stringify({ Type: "Fail", Error: "Custom.Error", Cause: "because" }) }));
  assert.equal(fail.status, "FAILED");
  assert.equal(fail.error, "Custom.Error");
  assert.equal(fail.cause, "because");

  await rejectsWith(sfnSync.send(new TestStateCommand({ definition: JSON.stringify({ Type: "Pass", Bogus: 1, End: true }) })), "InvalidDefinition", 400);
  await rejectsWith(sfnSync.send(new TestStateCommand({ definition: JSON.stringify({ Type: "Pass", End: true }), input: "{" })), "InvalidExecutionInput", 400);
});

test("RedriveExecution: a failed execution re-runs from the failed state", async () => {
  // The callback goes out through a real queue (sqs:sendMessage needs one).
  const sqs = new SQSClient({ endpoint, region: "us-east-1", credentials: { accessKeyId: "test", secretAccessKey: "test" }, maxAttempts: 1 });
  const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: unique("redrive-q") }));
  const machine = await createMachine(unique("redrive"), {
    StartAt: "Prepare",
    States: {
      Prepare: { Type: "Pass", Result: "ready", ResultPath: "$.prep", Next: "Ask" },
      Ask: {
        Type: "Task", Resource: "arn:aws:states:::sqs:sendMessage.waitForTaskToken",
        Parameters: { QueueUrl, MessageBody: { "token.$": "$$.Task.Token", "redrives.$": "$$.Execution.RedriveCount" } }, End: true,
      },
    },
  });
  const tokenOf = async (executionArn, nth) => {
    const events = await waitForEvents(executionArn, (es) => es.filter((e) => e.type === "TaskScheduled").length >= nth);
    return JSON.parse(events.filter((e) => e.type === "TaskScheduled")[nth - 1].taskScheduledEventDetails.parameters).MessageBody;
  };
  try {
    const { executionArn } = await sfn.send(new StartExecutionCommand({ stateMachineArn: machine, input: "{}" }));
    const first = await tokenOf(executionArn, 1);
    assert.equal(first.redrives, 0);
    await sfn.send(new SendTaskFailureCommand({ taskToken: first.token, error: "Not.Yet", cause: "try again" }));
    const failed = await waitForCompletion(executionArn);
    assert.equal(failed.status, "FAILED");
    assert.equal(failed.redriveStatus, "REDRIVABLE");

    const { redriveDate } = await sfn.send(new RedriveExecutionCommand({ executionArn }));
    assert.ok(redriveDate instanceof Date);
    const second = await tokenOf(executionArn, 2);
    assert.equal(second.redrives, 1);
    const running = await sfn.send(new DescribeExecutionCommand({ executionArn }));
    assert.equal(running.status, "RUNNING");
    assert.equal(running.redriveCount, 1);
    await sfn.send(new SendTaskSuccessCommand({ taskToken: second.token, output: JSON.stringify({ ok: true }) }));
    const done = await waitForCompletion(executionArn);
    assert.equal(done.status, "SUCCEEDED");
    assert.deepEqual(JSON.parse(done.output), { ok: true });
    const events = await history(executionArn);
    assertSequentialIds(events);
    const types = events.map((e) => e.type);
    assert.equal(types.filter((t) => t === "ExecutionRedriven").length, 1);
    assert.equal(types.filter((t) => t === "PassStateEntered").length, 1);
    await rejectsWith(sfn.send(new RedriveExecutionCommand({ executionArn })), "ExecutionNotRedrivable", 400);
  } finally {
    await deleteMachine(machine);
  }
});

async function waitForEvents(executionArn, predicate, timeoutMs = 20000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const events = await history(executionArn);
    if (predicate(events)) return events;
    if (Date.now() > deadline) throw new Error(`timed out waiting for events of ${executionArn}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

test("Map Runs: a distributed Map is listed, described and updated", async () => {
  const machine = await createMachine(unique("maprun"), {
    StartAt: "Fan",
    States: {
      Fan: {
        Type: "Map", ItemsPath: "$.items", MaxConcurrency: 2, End: true,
        ItemProcessor: { ProcessorConfig: { Mode: "DISTRIBUTED", ExecutionType: "STANDARD" }, StartAt: "P", States: { P: { Type: "Pass", End: true } } },
      },
    },
  });
  try {
    const { executionArn } = await sfn.send(new StartExecutionCommand({ stateMachineArn: machine, input: JSON.stringify({ items: [1, 2, 3] }) }));
    assert.equal((await waitForCompletion(executionArn)).status, "SUCCEEDED");
    const { mapRuns } = await sfn.send(new ListMapRunsCommand({ executionArn }));
    assert.equal(mapRuns.length, 1);
    const run = await sfn.send(new DescribeMapRunCommand({ mapRunArn: mapRuns[0].mapRunArn }));
    assert.equal(run.status, "SUCCEEDED");
    assert.equal(run.maxConcurrency, 2);
    assert.equal(run.itemCounts.total, 3);
    assert.equal(run.itemCounts.succeeded, 3);
    await sfn.send(new UpdateMapRunCommand({ mapRunArn: run.mapRunArn, maxConcurrency: 5 }));
    assert.equal((await sfn.send(new DescribeMapRunCommand({ mapRunArn: run.mapRunArn }))).maxConcurrency, 5);
    await rejectsWith(sfn.send(new DescribeMapRunCommand({ mapRunArn: `${run.mapRunArn}x` })), "ResourceNotFound");
  } finally {
    await deleteMachine(machine);
  }
});
