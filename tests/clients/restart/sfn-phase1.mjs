// Restart test, before the crash: a STANDARD execution that is inside a Wait state when Nimbus is killed.
import assert from "node:assert/strict";
import { StartExecutionCommand } from "@aws-sdk/client-sfn";
import { waitFor } from "../e2e/helpers.mjs";
import { sfn, createMachine, history } from "../e2e/sfn-helpers.mjs";

const name = process.env.NIMBUS_SFN_RESTART_NAME;
assert.ok(name, "NIMBUS_SFN_RESTART_NAME is required");
const waitSeconds = Number(process.env.NIMBUS_SFN_WAIT_SECONDS ?? "4");

const machineArn = await createMachine(name, {
  StartAt: "Before",
  States: {
    Before: { Type: "Pass", Result: "before", ResultPath: "$.before", Next: "Pause" },
    Pause: { Type: "Wait", Seconds: waitSeconds, Next: "After" },
    After: { Type: "Pass", Result: "after", ResultPath: "$.after", End: true },
  },
});
const started = await sfn.send(new StartExecutionCommand({ stateMachineArn: machineArn, name, input: JSON.stringify({ marker: name }) }));

// The Wait has been entered (and its entry is durable: it is committed before the wait starts).
const events = await waitFor(async () => {
  const h = await history(started.executionArn);
  return h.some((e) => e.type === "WaitStateEntered") ? h : null;
}, 10000, "WaitStateEntered");
assert.ok(!events.some((e) => e.type === "WaitStateExited"), "the Wait finished before the crash; raise NIMBUS_SFN_WAIT_SECONDS");
console.log("sfn phase 1 done", started.executionArn);
