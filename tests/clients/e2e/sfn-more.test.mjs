// Step Functions through @aws-sdk/client-sfn, beyond sfn.test.mjs: activities (workers polling with GetActivityTask).
import { test } from "node:test";
import assert from "node:assert/strict";
import {
  CreateActivityCommand, DescribeActivityCommand, DeleteActivityCommand, ListActivitiesCommand, GetActivityTaskCommand,
  SendTaskSuccessCommand, SendTaskFailureCommand, SendTaskHeartbeatCommand, StartExecutionCommand,
} from "@aws-sdk/client-sfn";
import { unique, rejectsWith } from "./helpers.mjs";
import { sfn, createMachine, deleteMachine, waitForCompletion, history, assertSequentialIds } from "./sfn-helpers.mjs";

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
