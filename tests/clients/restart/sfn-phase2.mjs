// Restart test, after the crash: the execution interrupted in its Wait resumes and succeeds with a clean history.
import assert from "node:assert/strict";
import { ListStateMachinesCommand, DescribeExecutionCommand } from "@aws-sdk/client-sfn";
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
console.log("sfn phase 2 done");
