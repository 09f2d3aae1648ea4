// RedriveExecution through @aws-sdk/client-sfn: a Map whose items fail (a Lambda that fails while an environment variable
// lists them) is redriven once the function is fixed; only the failed items run again, the others' results are kept.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import {
  StartExecutionCommand, RedriveExecutionCommand, DescribeExecutionCommand, ListExecutionsCommand, ListMapRunsCommand,
  DescribeMapRunCommand,
} from "@aws-sdk/client-sfn";
import {
  CreateFunctionCommand, DeleteFunctionCommand, UpdateFunctionConfigurationCommand, GetFunctionConfigurationCommand,
} from "@aws-sdk/client-lambda";
import { FilterLogEventsCommand } from "@aws-sdk/client-cloudwatch-logs";
import { lambda, logs, zip, unique, role, waitFor } from "./helpers.mjs";
import { sfn, createMachine, deleteMachine, waitForCompletion, history, assertSequentialIds } from "./sfn-helpers.mjs";

// Fails for the items listed in FAIL_ITEMS; every invocation is counted by the test through the history.
const code = `class ItemError extends Error { constructor(m) { super(m); this.name = "ItemError"; } }
export const handler = async (event) => {
  console.log("invoked", event.run, event.i);
  if ((process.env.FAIL_ITEMS ?? "").split(",").includes(String(event.i))) throw new ItemError("item " + event.i + " not yet");
  return { i: event.i, doubled: event.i * 2 };
};`;

let fn;

before(async () => {
  fn = unique("sfn-redrive");
  await lambda.send(new CreateFunctionCommand({
    FunctionName: fn, Runtime: "nodejs20.x", Handler: "index.handler", Role: role, Timeout: 30,
    Code: { ZipFile: await zip({ "index.mjs": code }) }, Environment: { Variables: { FAIL_ITEMS: "1,4" } },
  }));
});

after(async () => {
  if (fn) await lambda.send(new DeleteFunctionCommand({ FunctionName: fn }));
});

async function setFailing(items) {
  await lambda.send(new UpdateFunctionConfigurationCommand({ FunctionName: fn, Environment: { Variables: { FAIL_ITEMS: items } } }));
  await waitFor(async () => (await lambda.send(new GetFunctionConfigurationCommand({ FunctionName: fn }))).LastUpdateStatus === "Successful",
    20000, "the configuration update");
}

const machine = (mode) => ({
  StartAt: "Fan",
  States: {
    Fan: {
      // One item at a time: the distributed run fails as soon as a second item fails (item 4), so item 5 never starts.
      Type: "Map", ItemsPath: "$.items", ToleratedFailureCount: 1, MaxConcurrency: 1,
      ItemProcessor: {
        ProcessorConfig: mode === "DISTRIBUTED" ? { Mode: "DISTRIBUTED", ExecutionType: "STANDARD" } : { Mode: "INLINE" },
        StartAt: "Work",
        States: {
          Work: {
            Type: "Task", Resource: "arn:aws:states:::lambda:invoke",
            Parameters: { FunctionName: fn, "Payload.$": "$" }, OutputPath: "$.Payload", End: true,
          },
        },
      },
      End: true,
    },
  },
});

const expected = [0, 1, 2, 3, 4, 5].map((i) => ({ i, doubled: i * 2 }));

/** Lambda invocations per item, from the TaskScheduled events of an inline Map's history (after event afterId). */
const invokedItems = (events, afterId = 0) => events
  .filter((e) => e.id > afterId && e.type === "TaskScheduled")
  .map((e) => JSON.parse(e.taskScheduledEventDetails.parameters).Payload.i)
  .sort((a, b) => a - b);

/** The items of one run the function was invoked with since startTime, from its log lines ("invoked <run> <i>"), sorted. */
async function loggedItems(startTime, run) {
  const found = [];
  let nextToken;
  do {
    const page = await logs.send(new FilterLogEventsCommand({ logGroupName: `/aws/lambda/${fn}`, filterPattern: '"invoked"', startTime, nextToken }));
    for (const e of page.events ?? []) {
      const m = /invoked (\S+) (\d+)/.exec(e.message);
      if (m && m[1] === run) found.push(Number(m[2]));
    }
    nextToken = page.nextToken;
  } while (nextToken);
  return found.sort((a, b) => a - b);
}

/** Waits until the log shows count invocations since startTime, then returns the invoked items. */
async function invocationsSince(startTime, run, count) {
  await waitFor(async () => (await loggedItems(startTime, run)).length >= count, 20000, `${count} logged invocations`);
  await new Promise((r) => setTimeout(r, 300));
  return loggedItems(startTime, run);
}

for (const mode of ["INLINE", "DISTRIBUTED"]) {
  test(`a redriven ${mode} Map reruns only its failed items and keeps the others' results`, async () => {
    await setFailing("1,4");
    const name = unique("redrive");
    const arn = await createMachine(name, machine(mode));
    try {
      const started = Date.now() - 1000;
      const items = [0, 1, 2, 3, 4, 5].map((i) => ({ i, run: name }));
      const { executionArn } = await sfn.send(new StartExecutionCommand({ stateMachineArn: arn, input: JSON.stringify({ items }) }));
      const failed = await waitForCompletion(executionArn);
      assert.equal(failed.status, "FAILED");
      assert.equal(failed.error, "States.ExceedToleratedFailureThreshold");
      assert.equal(failed.redriveStatus, "REDRIVABLE");
      assert.equal(failed.redriveCount, 0);
      const firstEvents = await history(executionArn);
      const lastFailedId = firstEvents.at(-1).id;

      let mapRunArn;
      if (mode === "DISTRIBUTED") {
        const runs = await sfn.send(new ListMapRunsCommand({ executionArn }));
        assert.equal(runs.mapRuns.length, 1);
        mapRunArn = runs.mapRuns[0].mapRunArn;
        const run = await sfn.send(new DescribeMapRunCommand({ mapRunArn }));
        assert.equal(run.status, "FAILED");
        assert.equal(run.itemCounts.failed, 2);
        assert.equal(run.itemCounts.succeeded, 3);
        assert.equal(run.itemCounts.aborted, 1);
        assert.equal(run.redriveCount, 0);
      } else {
        assert.deepEqual(invokedItems(firstEvents), [0, 1, 2, 3, 4, 5]);
      }

      const firstRun = mode === "INLINE" ? [0, 1, 2, 3, 4, 5] : [0, 1, 2, 3, 4];
      assert.deepEqual(await invocationsSince(started, name, firstRun.length), firstRun);
      await setFailing("");
      const redrive = await sfn.send(new RedriveExecutionCommand({ executionArn }));
      assert.ok(redrive.redriveDate instanceof Date);
      const done = await waitForCompletion(executionArn);
      assert.equal(done.status, "SUCCEEDED", done.cause);
      assert.deepEqual(JSON.parse(done.output), expected);
      assert.equal(done.redriveCount, 1);
      assert.ok(done.redriveDate instanceof Date);
      assert.equal(done.redriveStatus, "NOT_REDRIVABLE");

      // Counted invocations: the first ones, then only the unsuccessful items again (items 1 and 4, and 5 when it never ran).
      assert.deepEqual(await invocationsSince(started, name, 8), [0, 1, 1, 2, 3, 4, 4, 5]);
      const events = await history(executionArn);
      assertSequentialIds(events);
      const redriven = events.find((e) => e.type === "ExecutionRedriven");
      assert.equal(redriven.id, lastFailedId + 1);
      assert.equal(redriven.executionRedrivenEventDetails.redriveCount, 1);
      if (mode === "INLINE") {
        // Only items 1 and 4 were invoked again (the inline Map ran every item before it failed).
        assert.deepEqual(invokedItems(events, lastFailedId), [1, 4]);
        const restarted = events.filter((e) => e.id > lastFailedId && e.type === "MapIterationStarted").map((e) => e.mapIterationStartedEventDetails.index);
        assert.deepEqual(restarted.sort(), [1, 4]);
      } else {
        const run = await sfn.send(new DescribeMapRunCommand({ mapRunArn }));
        assert.equal(run.status, "SUCCEEDED");
        assert.equal(run.redriveCount, 1);
        assert.ok(run.redriveDate instanceof Date);
        assert.equal(run.itemCounts.succeeded, 6);
        assert.equal(run.itemCounts.failed, 0);
        assert.equal(run.itemCounts.pendingRedrive, 0);
        assert.equal(run.executionCounts.failuresNotRedrivable, 0);
        const mapRunRedriven = events.find((e) => e.type === "MapRunRedriven");
        assert.equal(mapRunRedriven.mapRunRedrivenEventDetails.mapRunArn, mapRunArn);
        assert.equal(mapRunRedriven.mapRunRedrivenEventDetails.redriveCount, 1);
        assert.equal((await sfn.send(new ListMapRunsCommand({ executionArn }))).mapRuns.length, 1);
      }

      const listed = await sfn.send(new ListExecutionsCommand({ stateMachineArn: arn, redriveFilter: "REDRIVEN" }));
      assert.deepEqual(listed.executions.map((e) => e.executionArn), [executionArn]);
      assert.equal(listed.executions[0].redriveCount, 1);
      const again = await sfn.send(new DescribeExecutionCommand({ executionArn }));
      assert.equal(again.redriveStatusReason, "Execution is SUCCEEDED and cannot be redriven");
    } finally {
      await deleteMachine(arn);
    }
  });
}
