// Step Functions through @aws-sdk/client-sfn: machines, Lambda tasks, control flow, callbacks, history, errors.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import {
  DescribeStateMachineCommand, StartExecutionCommand, StartSyncExecutionCommand, DescribeExecutionCommand,
  ListExecutionsCommand, GetExecutionHistoryCommand, SendTaskSuccessCommand, SendTaskFailureCommand,
  CreateStateMachineCommand, StopExecutionCommand, UpdateStateMachineCommand, DescribeStateMachineForExecutionCommand,
} from "@aws-sdk/client-sfn";
import { CreateFunctionCommand, DeleteFunctionCommand } from "@aws-sdk/client-lambda";
import { lambda, zip, unique, role, waitFor, waitForLog, rejectsWith } from "./helpers.mjs";
import {
  sfn, sfnSync, sfnRole, createMachine, deleteMachine, waitForCompletion, history, assertSequentialIds,
} from "./sfn-helpers.mjs";

// One worker function for every test; event.action picks the behaviour.
const workerCode = `class OrderError extends Error { constructor(m) { super(m); this.name = "OrderError"; } }
export const handler = async (event) => {
  switch (event.action) {
    case "double": return { doubled: event.n * 2 };
    case "fail": throw new OrderError("no stock for " + event.item);
    case "flaky":
      if (event.retry < 1) throw new OrderError("flaky attempt " + event.retry);
      return { recovered: true, retry: event.retry };
    case "callback": console.log("callback", event.marker, event.token); return { accepted: true };
    case "sleep": await new Promise((r) => setTimeout(r, event.ms)); return { slept: event.ms };
    default: return { echo: event };
  }
};`;

let fn;
let fnArn;

before(async () => {
  fn = unique("sfn-worker");
  const created = await lambda.send(new CreateFunctionCommand({
    FunctionName: fn, Runtime: "nodejs20.x", Handler: "index.handler", Role: role, Timeout: 30,
    Code: { ZipFile: await zip({ "index.mjs": workerCode }) },
  }));
  fnArn = created.FunctionArn;
});

after(async () => {
  if (fn) await lambda.send(new DeleteFunctionCommand({ FunctionName: fn }));
});

/** Creates a machine, runs body(arn), deletes the machine. */
async function withMachine(prefix, definition, body, type = "STANDARD") {
  const name = unique(prefix);
  const arn = await createMachine(name, definition, type);
  try {
    return await body(arn, name);
  } finally {
    await deleteMachine(arn);
  }
}

async function run(machineArn, input, name = unique("exec")) {
  const started = await sfn.send(new StartExecutionCommand({ stateMachineArn: machineArn, name, input: JSON.stringify(input) }));
  return waitForCompletion(started.executionArn);
}

const detailsOf = (events, type) => events.filter((e) => e.type === type);

test("a Lambda task via lambda:invoke and via a function ARN: results flow into the output; Describe/List/History shapes", () =>
  withMachine("sfn-lambda", {
    Comment: "two ways to call Lambda",
    StartAt: "Invoke",
    States: {
      Invoke: {
        Type: "Task", Resource: "arn:aws:states:::lambda:invoke",
        Parameters: { FunctionName: fn, Payload: { action: "double", "n.$": "$.n" } },
        ResultSelector: { "doubled.$": "$.Payload.doubled", "status.$": "$.StatusCode" },
        ResultPath: "$.invoke", Next: "Direct",
      },
      Direct: {
        Type: "Task", Resource: fnArn,
        Parameters: { action: "double", "n.$": "$.invoke.doubled" },
        ResultPath: "$.direct", End: true,
      },
    },
  }, async (machineArn, machineName) => {
    const sm = await sfn.send(new DescribeStateMachineCommand({ stateMachineArn: machineArn }));
    assert.equal(sm.name, machineName);
    assert.equal(sm.type, "STANDARD");
    assert.equal(sm.status, "ACTIVE");
    assert.equal(sm.roleArn, sfnRole);
    assert.equal(JSON.parse(sm.definition).States.Direct.Resource, fnArn);
    assert.ok(sm.creationDate instanceof Date);

    const name = unique("exec");
    const d = await run(machineArn, { n: 5 }, name);
    assert.equal(d.status, "SUCCEEDED", d.cause);
    assert.equal(d.name, name);
    assert.equal(d.stateMachineArn, machineArn);
    assert.equal(d.executionArn, `${machineArn.replace(":stateMachine:", ":execution:")}:${name}`);
    assert.deepEqual(JSON.parse(d.input), { n: 5 });
    assert.deepEqual(JSON.parse(d.output), { n: 5, invoke: { doubled: 10, status: 200 }, direct: { doubled: 20 } });
    assert.ok(d.startDate instanceof Date && d.stopDate instanceof Date);
    assert.ok(d.stopDate >= d.startDate);

    const events = await history(d.executionArn);
    assert.deepEqual(events.map((e) => e.type), [
      "ExecutionStarted",
      "TaskStateEntered", "TaskScheduled", "TaskStarted", "TaskSucceeded", "TaskStateExited",
      "TaskStateEntered", "LambdaFunctionScheduled", "LambdaFunctionStarted", "LambdaFunctionSucceeded", "TaskStateExited",
      "ExecutionSucceeded",
    ]);
    assertSequentialIds(events);
    // ExecutionStarted is never a previous event; every other event follows the one before it.
    assert.deepEqual(events.map((e) => e.previousEventId), [0, 0, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
    assert.ok(events.every((e) => e.timestamp instanceof Date));
    assert.equal(JSON.parse(events[0].executionStartedEventDetails.input).n, 5);
    assert.equal(events[0].executionStartedEventDetails.roleArn, sfnRole);
    assert.equal(events[1].stateEnteredEventDetails.name, "Invoke");
    const scheduled = events[2].taskScheduledEventDetails;
    assert.equal(scheduled.resourceType, "lambda");
    assert.equal(scheduled.resource, "invoke");
    assert.equal(scheduled.region, "us-east-1");
    assert.deepEqual(JSON.parse(scheduled.parameters), { FunctionName: fn, Payload: { action: "double", n: 5 } });
    const invokeResult = JSON.parse(events[4].taskSucceededEventDetails.output);
    assert.deepEqual(invokeResult.Payload, { doubled: 10 });
    assert.equal(invokeResult.StatusCode, 200);
    assert.equal(invokeResult.ExecutedVersion, "$LATEST");
    assert.equal(events[7].lambdaFunctionScheduledEventDetails.resource, fnArn);
    assert.deepEqual(JSON.parse(events[7].lambdaFunctionScheduledEventDetails.input), { action: "double", n: 10 });
    assert.deepEqual(JSON.parse(events[9].lambdaFunctionSucceededEventDetails.output), { doubled: 20 });
    assert.equal(events[10].stateExitedEventDetails.name, "Direct");
    assert.deepEqual(JSON.parse(events[11].executionSucceededEventDetails.output), JSON.parse(d.output));

    const reversed = await history(d.executionArn, true);
    assert.deepEqual(reversed.map((e) => e.id), events.map((e) => e.id).reverse());

    const page = await sfn.send(new GetExecutionHistoryCommand({ executionArn: d.executionArn, maxResults: 5 }));
    assert.deepEqual(page.events.map((e) => e.id), [1, 2, 3, 4, 5]);
    assert.ok(page.nextToken);
    const next = await sfn.send(new GetExecutionHistoryCommand({ executionArn: d.executionArn, maxResults: 5, nextToken: page.nextToken }));
    assert.deepEqual(next.events.map((e) => e.id), [6, 7, 8, 9, 10]);

    const lean = await sfn.send(new GetExecutionHistoryCommand({ executionArn: d.executionArn, includeExecutionData: false }));
    assert.equal(lean.events.length, events.length);
    assert.equal(lean.events[0].executionStartedEventDetails.input, undefined);
    assert.equal(lean.events[1].stateEnteredEventDetails.name, "Invoke");
    assert.equal(lean.events[1].stateEnteredEventDetails.input, undefined);
    assert.equal(lean.events.at(-1).executionSucceededEventDetails.output, undefined);

    const listed = await sfn.send(new ListExecutionsCommand({ stateMachineArn: machineArn }));
    assert.equal(listed.executions.length, 1);
    const item = listed.executions[0];
    assert.equal(item.executionArn, d.executionArn);
    assert.equal(item.name, name);
    assert.equal(item.status, "SUCCEEDED");
    assert.ok(item.startDate instanceof Date && item.stopDate instanceof Date);
    const running = await sfn.send(new ListExecutionsCommand({ stateMachineArn: machineArn, statusFilter: "RUNNING" }));
    assert.deepEqual(running.executions, []);
  }));

test("Choice, Map and Parallel with Retry and Catch on a failing function", () =>
  withMachine("sfn-flow", {
    StartAt: "Route",
    States: {
      Route: { Type: "Choice", Choices: [{ Variable: "$.mode", StringEquals: "fanout", Next: "Fanout" }], Default: "Reject" },
      Reject: { Type: "Fail", Error: "Rejected", Cause: "mode is not fanout" },
      Fanout: {
        Type: "Parallel", ResultPath: "$.results", End: true,
        Branches: [
          {
            StartAt: "Doubles",
            States: {
              Doubles: {
                Type: "Map", ItemsPath: "$.items", MaxConcurrency: 2, End: true,
                ItemProcessor: {
                  StartAt: "Double",
                  States: { Double: { Type: "Task", Resource: fnArn, Parameters: { action: "double", "n.$": "$" }, OutputPath: "$.doubled", End: true } },
                },
              },
            },
          },
          {
            StartAt: "Flaky",
            States: {
              Flaky: {
                Type: "Task", Resource: "arn:aws:states:::lambda:invoke",
                Parameters: { FunctionName: fn, Payload: { action: "flaky", "retry.$": "$$.State.RetryCount" } },
                Retry: [{ ErrorEquals: ["OrderError"], IntervalSeconds: 1, MaxAttempts: 2, BackoffRate: 1 }],
                OutputPath: "$.Payload", End: true,
              },
            },
          },
          {
            StartAt: "Doomed",
            States: {
              Doomed: {
                Type: "Task", Resource: "arn:aws:states:::lambda:invoke",
                Parameters: { FunctionName: fn, Payload: { action: "fail", item: "widget" } },
                Retry: [{ ErrorEquals: ["Lambda.ServiceException"], MaxAttempts: 3 }, { ErrorEquals: ["OrderError"], IntervalSeconds: 1, MaxAttempts: 1 }],
                Catch: [{ ErrorEquals: ["States.TaskFailed"], ResultPath: "$.caught", Next: "Recovered" }],
                End: true,
              },
              Recovered: { Type: "Pass", Parameters: { "error.$": "$.caught.Error", "cause.$": "States.StringToJson($.caught.Cause)" }, End: true },
            },
          },
        ],
      },
    },
  }, async (machineArn) => {
    const d = await run(machineArn, { mode: "fanout", items: [1, 2, 3] });
    assert.equal(d.status, "SUCCEEDED", d.cause);
    const out = JSON.parse(d.output);
    assert.deepEqual(out.results[0], [2, 4, 6]);
    assert.deepEqual(out.results[1], { recovered: true, retry: 1 });
    // A function error is named after the error's type; the cause is the function's error payload.
    assert.equal(out.results[2].error, "OrderError");
    assert.equal(out.results[2].cause.errorType, "OrderError");
    assert.equal(out.results[2].cause.errorMessage, "no stock for widget");
    assert.ok(Array.isArray(out.results[2].cause.trace));

    const events = await history(d.executionArn);
    assertSequentialIds(events);
    const types = events.map((e) => e.type);
    for (const t of ["ChoiceStateEntered", "ChoiceStateExited", "ParallelStateEntered", "ParallelStateStarted", "ParallelStateSucceeded",
      "ParallelStateExited", "MapStateEntered", "MapStateStarted", "MapStateSucceeded", "MapStateExited", "PassStateEntered"]) {
      assert.ok(types.includes(t), `missing ${t} in ${types.join(", ")}`);
    }
    assert.equal(detailsOf(events, "MapIterationStarted").length, 3);
    assert.equal(detailsOf(events, "MapIterationSucceeded").length, 3);
    assert.deepEqual(detailsOf(events, "MapIterationStarted").map((e) => e.mapIterationStartedEventDetails.index).sort(), [0, 1, 2]);
    assert.equal(detailsOf(events, "LambdaFunctionSucceeded").length, 3);
    // Flaky: one failure then success; Doomed: the first attempt and one retry fail, then the catcher.
    const failures = detailsOf(events, "TaskFailed").map((e) => e.taskFailedEventDetails);
    assert.equal(failures.length, 3);
    assert.ok(failures.every((f) => f.error === "OrderError" && f.resourceType === "lambda" && f.resource === "invoke"));
    assert.deepEqual(failures.map((f) => JSON.parse(f.cause).errorMessage).sort(), ["flaky attempt 0", "no stock for widget", "no stock for widget"]);
    assert.ok(events.every((e) => e.previousEventId < e.id));
    // Each retry is scheduled right after its failure, IntervalSeconds (1) later.
    const failedEvents = detailsOf(events, "TaskFailed");
    const retries = events.filter((e) => e.type === "TaskScheduled" && failedEvents.some((f) => f.id === e.previousEventId));
    assert.equal(retries.length, 2);
    for (const retry of retries) {
      const failure = failedEvents.find((f) => f.id === retry.previousEventId);
      assert.ok(retry.timestamp - failure.timestamp >= 950, `retried after ${retry.timestamp - failure.timestamp} ms`);
    }

    const rejected = await run(machineArn, { mode: "other" });
    assert.equal(rejected.status, "FAILED");
    assert.equal(rejected.error, "Rejected");
    assert.equal(rejected.cause, "mode is not fanout");
    const rejectedEvents = await history(rejected.executionArn);
    assert.deepEqual(rejectedEvents.map((e) => e.type), ["ExecutionStarted", "ChoiceStateEntered", "ChoiceStateExited", "FailStateEntered", "ExecutionFailed"]);
    assert.deepEqual(rejectedEvents[4].executionFailedEventDetails, { error: "Rejected", cause: "mode is not fanout" });
  }));

test("uncaught function errors fail the execution with AWS's error names", () =>
  withMachine("sfn-errors", {
    StartAt: "Pick",
    States: {
      Pick: { Type: "Choice", Choices: [{ Variable: "$.missing", BooleanEquals: true, Next: "Missing" }], Default: "Direct" },
      Direct: { Type: "Task", Resource: fnArn, Parameters: { action: "fail", item: "gadget" }, End: true },
      Missing: { Type: "Task", Resource: "arn:aws:states:::lambda:invoke", Parameters: { FunctionName: `${fn}-absent`, Payload: {} }, End: true },
    },
  }, async (machineArn) => {
    const direct = await run(machineArn, { missing: false });
    assert.equal(direct.status, "FAILED");
    assert.equal(direct.error, "OrderError");
    assert.equal(JSON.parse(direct.cause).errorMessage, "no stock for gadget");
    const events = await history(direct.executionArn);
    const failed = detailsOf(events, "LambdaFunctionFailed");
    assert.equal(failed.length, 1);
    assert.equal(failed[0].lambdaFunctionFailedEventDetails.error, "OrderError");
    assert.equal(events.at(-1).type, "ExecutionFailed");
    assert.equal(events.at(-1).executionFailedEventDetails.error, "OrderError");

    const missing = await run(machineArn, { missing: true });
    assert.equal(missing.status, "FAILED");
    assert.equal(missing.error, "Lambda.ResourceNotFoundException");
    assert.match(missing.cause, new RegExp(`${fn}-absent`));
  }));

test(".waitForTaskToken: one callback completed with SendTaskSuccess, another failed with SendTaskFailure", () =>
  withMachine("sfn-callback", {
    StartAt: "Approve",
    States: {
      Approve: {
        Type: "Task", Resource: "arn:aws:states:::lambda:invoke.waitForTaskToken",
        Parameters: { FunctionName: fn, Payload: { action: "callback", "marker.$": "$.marker", "token.$": "$$.Task.Token" } },
        ResultPath: "$.approval", End: true,
      },
    },
  }, async (machineArn) => {
    const start = async (marker) =>
      (await sfn.send(new StartExecutionCommand({ stateMachineArn: machineArn, name: unique("cb"), input: JSON.stringify({ marker }) }))).executionArn;
    const okMarker = unique("approve");
    const failMarker = unique("deny");
    const okArn = await start(okMarker);
    const failArn = await start(failMarker);

    /** The token the function received: from its log line, cross-checked against the TaskScheduled parameters. */
    async function tokenOf(executionArn, marker) {
      const scheduled = await waitFor(async () => (await history(executionArn)).find((e) => e.type === "TaskScheduled"), 20000, "TaskScheduled");
      const token = JSON.parse(scheduled.taskScheduledEventDetails.parameters).Payload.token;
      assert.equal(typeof token, "string");
      const lines = await waitForLog(fn, marker);
      assert.ok(lines[0].message.includes(token), `log line ${lines[0].message} lacks the token`);
      return token;
    }

    const okToken = await tokenOf(okArn, okMarker);
    const failToken = await tokenOf(failArn, failMarker);
    assert.notEqual(okToken, failToken);
    // The tasks wait for their callbacks.
    for (const arn of [okArn, failArn]) {
      const running = await sfn.send(new DescribeExecutionCommand({ executionArn: arn }));
      assert.equal(running.status, "RUNNING");
      assert.equal(running.stopDate, undefined);
      assert.equal(running.output, undefined);
    }
    const listedRunning = await sfn.send(new ListExecutionsCommand({ stateMachineArn: machineArn, statusFilter: "RUNNING" }));
    assert.deepEqual(listedRunning.executions.map((e) => e.executionArn).sort(), [okArn, failArn].sort());
    assert.ok(listedRunning.executions.every((e) => e.status === "RUNNING" && e.stopDate === undefined));

    await sfn.send(new SendTaskSuccessCommand({ taskToken: okToken, output: JSON.stringify({ approved: true, by: "e2e" }) }));
    await sfn.send(new SendTaskFailureCommand({ taskToken: failToken, error: "Denied", cause: "not today" }));

    const ok = await waitForCompletion(okArn);
    assert.equal(ok.status, "SUCCEEDED", ok.cause);
    assert.deepEqual(JSON.parse(ok.output), { marker: okMarker, approval: { approved: true, by: "e2e" } });
    const okEvents = await history(okArn);
    // As on AWS, the function's response is recorded as TaskSubmitted before the task waits for its token.
    assert.deepEqual(okEvents.map((e) => e.type), [
      "ExecutionStarted", "TaskStateEntered", "TaskScheduled", "TaskStarted", "TaskSubmitted", "TaskSucceeded", "TaskStateExited", "ExecutionSucceeded",
    ]);
    assertSequentialIds(okEvents);
    assert.deepEqual(okEvents.map((e) => e.previousEventId), [0, 0, 2, 3, 4, 5, 6, 7]);
    assert.equal(okEvents[2].taskScheduledEventDetails.resource, "invoke.waitForTaskToken");
    const submitted = okEvents[4].taskSubmittedEventDetails;
    assert.equal(submitted.resourceType, "lambda");
    assert.equal(submitted.resource, "invoke.waitForTaskToken");
    assert.equal(JSON.parse(submitted.output).StatusCode, 200);
    assert.deepEqual(JSON.parse(submitted.output).Payload, { accepted: true });
    assert.deepEqual(JSON.parse(okEvents[5].taskSucceededEventDetails.output), { approved: true, by: "e2e" });

    const failed = await waitForCompletion(failArn);
    assert.equal(failed.status, "FAILED");
    assert.equal(failed.error, "Denied");
    assert.equal(failed.cause, "not today");
    const failEvents = await history(failArn);
    const taskFailed = detailsOf(failEvents, "TaskFailed");
    assert.equal(taskFailed.length, 1);
    assert.equal(taskFailed[0].taskFailedEventDetails.error, "Denied");
    assert.equal(taskFailed[0].taskFailedEventDetails.cause, "not today");
    assert.equal(failEvents.at(-1).type, "ExecutionFailed");

    await rejectsWith(sfn.send(new SendTaskSuccessCommand({ taskToken: "not-a-token", output: "{}" })), "InvalidToken", 400);

    // A waiting execution can be stopped: ABORTED with the given error and cause.
    const stopMarker = unique("stop");
    const stopArn = await start(stopMarker);
    await tokenOf(stopArn, stopMarker);
    const stopped = await sfn.send(new StopExecutionCommand({ executionArn: stopArn, error: "Operator", cause: "changed my mind" }));
    assert.ok(stopped.stopDate instanceof Date);
    const aborted = await waitForCompletion(stopArn);
    assert.equal(aborted.status, "ABORTED");
    const abortedEvents = await history(stopArn);
    assert.equal(abortedEvents.at(-1).type, "ExecutionAborted");
    assert.deepEqual(abortedEvents.at(-1).executionAbortedEventDetails, { error: "Operator", cause: "changed my mind" });
    assertSequentialIds(abortedEvents);
    const listedAborted = await sfn.send(new ListExecutionsCommand({ stateMachineArn: machineArn, statusFilter: "ABORTED" }));
    assert.deepEqual(listedAborted.executions.map((e) => e.executionArn), [stopArn]);
  }));

test("timeouts: TimeoutSeconds on a slow function and HeartbeatSeconds on a silent callback give States.Timeout / States.HeartbeatTimeout", () =>
  withMachine("sfn-timeout", {
    StartAt: "Pick",
    States: {
      Pick: { Type: "Choice", Choices: [{ Variable: "$.kind", StringEquals: "heartbeat", Next: "Silent" }], Default: "Slow" },
      Slow: {
        Type: "Task", Resource: "arn:aws:states:::lambda:invoke", TimeoutSeconds: 1,
        Parameters: { FunctionName: fn, Payload: { action: "sleep", ms: 5000 } },
        Catch: [{ ErrorEquals: ["States.Timeout"], ResultPath: "$.timedOut", Next: "Caught" }], End: true,
      },
      Silent: {
        Type: "Task", Resource: "arn:aws:states:::lambda:invoke.waitForTaskToken", HeartbeatSeconds: 1,
        Parameters: { FunctionName: fn, Payload: { action: "callback", marker: "heartbeat", "token.$": "$$.Task.Token" } }, End: true,
      },
      Caught: { Type: "Pass", OutputPath: "$.timedOut", End: true },
    },
  }, async (machineArn) => {
    const slow = await run(machineArn, { kind: "slow" });
    assert.equal(slow.status, "SUCCEEDED", slow.cause);
    assert.equal(JSON.parse(slow.output).Error, "States.Timeout");
    const slowEvents = await history(slow.executionArn);
    const timedOut = detailsOf(slowEvents, "TaskTimedOut");
    assert.equal(timedOut.length, 1);
    assert.equal(timedOut[0].taskTimedOutEventDetails.error, "States.Timeout");
    assert.equal(timedOut[0].taskTimedOutEventDetails.resourceType, "lambda");
    const scheduled = detailsOf(slowEvents, "TaskScheduled")[0];
    assert.equal(scheduled.taskScheduledEventDetails.timeoutInSeconds, 1);
    assert.ok(timedOut[0].timestamp - scheduled.timestamp >= 950 && timedOut[0].timestamp - scheduled.timestamp < 4500);

    const silent = await run(machineArn, { kind: "heartbeat" });
    assert.equal(silent.status, "FAILED");
    assert.equal(silent.error, "States.HeartbeatTimeout");
    const silentEvents = await history(silent.executionArn);
    assert.equal(detailsOf(silentEvents, "TaskScheduled")[0].taskScheduledEventDetails.heartbeatInSeconds, 1);
    assert.equal(detailsOf(silentEvents, "TaskTimedOut")[0].taskTimedOutEventDetails.error, "States.HeartbeatTimeout");
  }));

test("UpdateStateMachine: a running execution keeps its definition; new executions use the new one", () =>
  withMachine("sfn-update", {
    StartAt: "Ask",
    States: {
      Ask: {
        Type: "Task", Resource: "arn:aws:states:::lambda:invoke.waitForTaskToken",
        Parameters: { FunctionName: fn, Payload: { action: "callback", marker: "update", "token.$": "$$.Task.Token" } },
        ResultPath: "$.v1", End: true,
      },
    },
  }, async (machineArn) => {
    const before = await sfn.send(new DescribeStateMachineCommand({ stateMachineArn: machineArn }));
    const started = await sfn.send(new StartExecutionCommand({ stateMachineArn: machineArn, input: "{}" }));
    const scheduled = await waitFor(async () => (await history(started.executionArn)).find((e) => e.type === "TaskScheduled"), 20000, "TaskScheduled");
    const token = JSON.parse(scheduled.taskScheduledEventDetails.parameters).Payload.token;

    const v2 = { StartAt: "Done", States: { Done: { Type: "Pass", Result: "v2", ResultPath: "$.v2", End: true } } };
    const updated = await sfn.send(new UpdateStateMachineCommand({ stateMachineArn: machineArn, definition: JSON.stringify(v2) }));
    assert.ok(updated.updateDate instanceof Date);
    assert.ok(updated.revisionId && updated.revisionId !== before.revisionId);
    const forExecution = await sfn.send(new DescribeStateMachineForExecutionCommand({ executionArn: started.executionArn }));
    assert.equal(JSON.parse(forExecution.definition).StartAt, "Ask");
    assert.equal(forExecution.stateMachineArn, machineArn);

    await sfn.send(new SendTaskSuccessCommand({ taskToken: token, output: JSON.stringify("v1") }));
    const old = await waitForCompletion(started.executionArn);
    assert.deepEqual(JSON.parse(old.output), { v1: "v1" });
    const fresh = await run(machineArn, {});
    assert.deepEqual(JSON.parse(fresh.output), { v2: "v2" });
    assert.equal(JSON.parse((await sfn.send(new DescribeStateMachineCommand({ stateMachineArn: machineArn }))).definition).StartAt, "Done");
  }));

test("StartExecution is idempotent by name and input while the execution is open", () =>
  withMachine("sfn-idem", {
    StartAt: "Hold",
    States: {
      // Open until the test answers the callback.
      Hold: {
        Type: "Task", Resource: "arn:aws:states:::lambda:invoke.waitForTaskToken",
        Parameters: { FunctionName: fn, Payload: { action: "callback", marker: "idempotency", "token.$": "$$.Task.Token" } },
        ResultPath: "$.hold", End: true,
      },
    },
  }, async (machineArn) => {
    const name = unique("same");
    const first = await sfn.send(new StartExecutionCommand({ stateMachineArn: machineArn, name, input: JSON.stringify({ a: 1 }) }));
    const again = await sfn.send(new StartExecutionCommand({ stateMachineArn: machineArn, name, input: JSON.stringify({ a: 1 }) }));
    assert.equal(again.executionArn, first.executionArn);
    assert.equal(again.startDate.getTime(), first.startDate.getTime());
    await rejectsWith(
      sfn.send(new StartExecutionCommand({ stateMachineArn: machineArn, name, input: JSON.stringify({ a: 2 }) })), "ExecutionAlreadyExists", 400);
    const scheduled = await waitFor(async () => (await history(first.executionArn)).find((e) => e.type === "TaskScheduled"), 20000, "TaskScheduled");
    const token = JSON.parse(scheduled.taskScheduledEventDetails.parameters).Payload.token;
    await sfn.send(new SendTaskSuccessCommand({ taskToken: token, output: JSON.stringify("held") }));
    const d = await waitForCompletion(first.executionArn);
    assert.deepEqual(JSON.parse(d.output), { a: 1, hold: "held" });
    // Once closed, the name is taken whatever the input.
    await rejectsWith(
      sfn.send(new StartExecutionCommand({ stateMachineArn: machineArn, name, input: JSON.stringify({ a: 1 }) })), "ExecutionAlreadyExists", 400);
    const listed = await sfn.send(new ListExecutionsCommand({ stateMachineArn: machineArn }));
    assert.equal(listed.executions.length, 1);
  }));

test("errors: StateMachineDoesNotExist, InvalidDefinition, ExecutionDoesNotExist", () =>
  withMachine("sfn-err", { StartAt: "P", States: { P: { Type: "Pass", End: true } } }, async (machineArn, machineName) => {
    const ghost = machineArn.replace(machineName, `${machineName}-ghost`);
    await rejectsWith(sfn.send(new DescribeStateMachineCommand({ stateMachineArn: ghost })), "StateMachineDoesNotExist", 400);
    await rejectsWith(sfn.send(new StartExecutionCommand({ stateMachineArn: ghost, input: "{}" })), "StateMachineDoesNotExist", 400);

    const invalid = await rejectsWith(sfn.send(new CreateStateMachineCommand({
      name: unique("sfn-bad"), roleArn: sfnRole,
      definition: JSON.stringify({ StartAt: "A", States: { A: { Type: "Pass", Next: "Nowhere" } } }),
    })), "InvalidDefinition", 400);
    assert.match(invalid.message, /MISSING_TRANSITION_TARGET/);
    assert.match(invalid.message, /\/States\/A\/Next/);
    await rejectsWith(sfn.send(new CreateStateMachineCommand({ name: unique("sfn-bad"), roleArn: sfnRole, definition: "{ not json" })), "InvalidDefinition", 400);

    await rejectsWith(sfn.send(new StartExecutionCommand({ stateMachineArn: machineArn, input: "{ not json" })), "InvalidExecutionInput", 400);
    await rejectsWith(sfn.send(new StartExecutionCommand({ stateMachineArn: machineArn, name: "bad name", input: "{}" })), "InvalidName", 400);

    const ghostExecution = `${machineArn.replace(":stateMachine:", ":execution:")}:nobody`;
    await rejectsWith(sfn.send(new DescribeExecutionCommand({ executionArn: ghostExecution })), "ExecutionDoesNotExist", 400);
    await rejectsWith(sfn.send(new GetExecutionHistoryCommand({ executionArn: ghostExecution })), "ExecutionDoesNotExist", 400);
  }));

test("EXPRESS: StartSyncExecution returns the result; STANDARD-only and EXPRESS-only operations are refused", () =>
  withMachine("sfn-express", {
    StartAt: "Invoke",
    States: {
      Invoke: {
        Type: "Task", Resource: "arn:aws:states:::lambda:invoke",
        Parameters: { FunctionName: fn, "Payload.$": "$" }, OutputPath: "$.Payload", End: true,
      },
    },
  }, async (machineArn) => {
    const sm = await sfn.send(new DescribeStateMachineCommand({ stateMachineArn: machineArn }));
    assert.equal(sm.type, "EXPRESS");

    const name = unique("sync");
    const ok = await sfnSync.send(new StartSyncExecutionCommand({ stateMachineArn: machineArn, name, input: JSON.stringify({ action: "double", n: 21 }) }));
    assert.equal(ok.status, "SUCCEEDED", ok.cause);
    assert.deepEqual(JSON.parse(ok.output), { doubled: 42 });
    assert.equal(ok.name, name);
    assert.equal(ok.stateMachineArn, machineArn);
    assert.match(ok.executionArn, /^arn:aws:states:us-east-1:\d{12}:express:/);
    assert.ok(ok.startDate instanceof Date && ok.stopDate instanceof Date);

    const bad = await sfnSync.send(new StartSyncExecutionCommand({ stateMachineArn: machineArn, input: JSON.stringify({ action: "fail", item: "x" }) }));
    assert.equal(bad.status, "FAILED");
    assert.equal(bad.error, "OrderError");
    assert.equal(JSON.parse(bad.cause).errorMessage, "no stock for x");

    // Asynchronous EXPRESS executions run too; ListExecutions is for STANDARD machines only.
    const started = await sfn.send(new StartExecutionCommand({ stateMachineArn: machineArn, input: JSON.stringify({ action: "double", n: 1 }) }));
    assert.match(started.executionArn, /:express:/);
    await rejectsWith(sfn.send(new ListExecutionsCommand({ stateMachineArn: machineArn })), "StateMachineTypeNotSupported", 400);

    await withMachine("sfn-std", { StartAt: "P", States: { P: { Type: "Pass", End: true } } }, async (standardArn) => {
      await rejectsWith(sfnSync.send(new StartSyncExecutionCommand({ stateMachineArn: standardArn, input: "{}" })), "StateMachineTypeNotSupported", 400);
    });
  }, "EXPRESS"));

test("a JSONata state machine: Arguments, Assign, Condition, Output and a QueryEvaluationError", () =>
  withMachine("sfn-jsonata", {
    QueryLanguage: "JSONata",
    StartAt: "Compute",
    States: {
      Compute: {
        Type: "Task", Resource: "arn:aws:states:::lambda:invoke",
        Arguments: { FunctionName: fn, Payload: { action: "double", n: "{% $states.input.n %}" } },
        Assign: { doubled: "{% $states.result.Payload.doubled %}", label: "{% $uppercase($states.input.label) %}" },
        Output: "{% $states.input %}",
        Next: "Check",
      },
      Check: {
        Type: "Choice",
        Choices: [{ Condition: "{% $doubled > 10 %}", Next: "Big" }],
        Default: "Small",
      },
      Big: {
        Type: "Pass",
        Output: { size: "big", value: "{% $doubled %}", label: "{% $label %}", multiples: "{% [1, 2, 3].($ * $doubled) %}" },
        End: true,
      },
      Small: { Type: "Pass", Output: { size: "small", value: "{% $doubled %}", missing: "{% $states.input.nothing %}" }, End: true },
    },
  }, async (machineArn) => {
    const big = await run(machineArn, { n: 7, label: "seven" });
    assert.equal(big.status, "SUCCEEDED", big.cause);
    assert.deepEqual(JSON.parse(big.output), { size: "big", value: 14, label: "SEVEN", multiples: [14, 28, 42] });
    const events = await history(big.executionArn);
    const scheduled = detailsOf(events, "TaskScheduled")[0].taskScheduledEventDetails;
    assert.deepEqual(JSON.parse(scheduled.parameters), { FunctionName: fn, Payload: { action: "double", n: 7 } });

    // The Small branch reads a field that does not exist: undefined fails the state.
    const small = await run(machineArn, { n: 2, label: "two" });
    assert.equal(small.status, "FAILED");
    assert.equal(small.error, "States.QueryEvaluationError");
    assert.match(small.cause, /\$states\.input\.nothing/);
    assert.match(small.cause, /Output\/missing/);
  }));

test("JSONata Map (Items, ItemSelector with the item index) and Parallel over Lambda tasks, with a JSONata Catch", () =>
  withMachine("sfn-jsonata-map", {
    QueryLanguage: "JSONata",
    StartAt: "Both",
    States: {
      Both: {
        Type: "Parallel",
        Branches: [
          {
            StartAt: "Each",
            States: {
              Each: {
                Type: "Map", Items: "{% $states.input.items %}", MaxConcurrency: 2,
                ItemSelector: { n: "{% $states.context.Map.Item.Value %}", at: "{% $states.context.Map.Item.Index %}" },
                ItemProcessor: {
                  StartAt: "Double",
                  States: {
                    Double: {
                      Type: "Task", Resource: fnArn, Arguments: { action: "double", n: "{% $states.input.n %}" },
                      Output: "{% $states.input.at & ':' & $string($states.result.doubled) %}", End: true,
                    },
                  },
                },
                End: true,
              },
            },
          },
          {
            StartAt: "Break",
            States: {
              Break: {
                Type: "Task", Resource: "arn:aws:states:::lambda:invoke",
                Arguments: { FunctionName: fn, Payload: { action: "fail", item: "{% $states.input.label %}" } },
                Catch: [{ ErrorEquals: ["OrderError"], Output: { caught: "{% $states.errorOutput.Error %}", message: "{% $parse($states.errorOutput.Cause).errorMessage %}" }, Next: "Handled" }],
                End: true,
              },
              Handled: { Type: "Pass", End: true },
            },
          },
        ],
        Output: { mapped: "{% $states.result[0] %}", handled: "{% $states.result[1] %}" },
        End: true,
      },
    },
  }, async (machineArn) => {
    const d = await run(machineArn, { items: [5, 6, 7], label: "jsonata" });
    assert.equal(d.status, "SUCCEEDED", d.cause);
    assert.deepEqual(JSON.parse(d.output), {
      mapped: ["0:10", "1:12", "2:14"],
      handled: { caught: "OrderError", message: "no stock for jsonata" },
    });
    const events = await history(d.executionArn);
    assertSequentialIds(events);
    assert.equal(detailsOf(events, "LambdaFunctionScheduled").length, 3);
    assert.deepEqual(detailsOf(events, "LambdaFunctionScheduled").map((e) => JSON.parse(e.lambdaFunctionScheduledEventDetails.input).n).sort(), [5, 6, 7]);
    assert.equal(detailsOf(events, "TaskFailed")[0].taskFailedEventDetails.error, "OrderError");
  }));
