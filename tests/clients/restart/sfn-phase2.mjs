// Restart test, after the crash: the executions interrupted in a Wait and in a callback task resume and succeed with clean histories.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { ListStateMachinesCommand, DescribeExecutionCommand, SendTaskSuccessCommand } from "@aws-sdk/client-sfn";
import { DeleteFunctionCommand } from "@aws-sdk/client-lambda";
import { lambda, waitFor } from "../e2e/helpers.mjs";
import { sfn, waitForCompletion, history, assertSequentialIds, deleteMachine } from "../e2e/sfn-helpers.mjs";

const name = process.env.NIMBUS_SFN_RESTART_NAME;
assert.ok(name, "NIMBUS_SFN_RESTART_NAME is required");
const waitSeconds = Number(process.env.NIMBUS_SFN_WAIT_SECONDS ?? "4");

const machines = (await sfn.send(new ListStateMachinesCommand({}))).stateMachines;
const machine = machines.find((m) => m.name === name);
assert.ok(machine, `state machine ${name} survived the restart`);
const executionArn = `${machine.stateMachineArn.replace(":stateMachine:", ":execution:")}:${name}`;
assert.equal((await sfn.send(new DescribeExecutionCommand({ executionArn }))).name, name);

const done = await waitForCompletion(executionArn, 60000);
assert.equal(done.status, "SUCCEEDED", `${done.error}: ${done.cause}`);
assert.deepEqual(JSON.parse(done.output), { marker: name, before: "before", after: "after" });

const events = await history(executionArn);
assertSequentialIds(events);
assert.deepEqual(events.map((e) => e.type), [
  "ExecutionStarted", "PassStateEntered", "PassStateExited", "WaitStateEntered", "WaitStateExited",
  "PassStateEntered", "PassStateExited", "ExecutionSucceeded",
]);
assert.deepEqual(events.map((e) => e.previousEventId), [0, 0, 2, 3, 4, 5, 6, 7]);
// The Wait kept its due time across the restart: it lasted at least its Seconds from the original entry.
const entered = events[3].timestamp.getTime();
const exited = events[4].timestamp.getTime();
assert.ok(exited - entered >= waitSeconds * 1000 - 50, `the Wait lasted ${exited - entered} ms`);
assert.ok(done.startDate.getTime() <= entered);

await deleteMachine(machine.stateMachineArn);

// The callback task waits again on the token its function received before the crash.
const token = readFileSync(process.env.NIMBUS_SFN_TOKEN_FILE, "utf8");
const callbackMachine = machines.find((m) => m.name === `${name}-cb`);
assert.ok(callbackMachine, `state machine ${name}-cb survived the restart`);
const callbackArn = `${callbackMachine.stateMachineArn.replace(":stateMachine:", ":execution:")}:${name}`;
// Polled: the resumed execution registers the token when it reaches the task again.
await waitFor(async () => {
  await sfn.send(new SendTaskSuccessCommand({ taskToken: token, output: JSON.stringify({ approved: "after restart" }) }));
  return true;
}, 30000, "the resumed callback task to accept its token");
const answered = await waitForCompletion(callbackArn, 30000);
assert.equal(answered.status, "SUCCEEDED", `${answered.error}: ${answered.cause}`);
assert.deepEqual(JSON.parse(answered.output), { marker: name, answer: { approved: "after restart" } });
const callbackEvents = await history(callbackArn);
assertSequentialIds(callbackEvents);
assert.deepEqual(callbackEvents.map((e) => e.type), [
  "ExecutionStarted", "TaskStateEntered", "TaskScheduled", "TaskStarted", "TaskSubmitted", "TaskSucceeded", "TaskStateExited", "ExecutionSucceeded",
]);
assert.equal(JSON.parse(callbackEvents[2].taskScheduledEventDetails.parameters).Payload.token, token);
await deleteMachine(callbackMachine.stateMachineArn);
await lambda.send(new DeleteFunctionCommand({ FunctionName: `${name}-fn` }));
console.log("sfn phase 2 done");
