// Restart test, before the crash: STANDARD executions inside a callback task and inside a Wait state when Nimbus is killed.
import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { StartExecutionCommand } from "@aws-sdk/client-sfn";
import { CreateFunctionCommand } from "@aws-sdk/client-lambda";
import { lambda, zip, role, waitFor } from "../e2e/helpers.mjs";
import { sfn, createMachine, history } from "../e2e/sfn-helpers.mjs";

const name = process.env.NIMBUS_SFN_RESTART_NAME;
assert.ok(name, "NIMBUS_SFN_RESTART_NAME is required");
const waitSeconds = Number(process.env.NIMBUS_SFN_WAIT_SECONDS ?? "4");
const tokenFile = process.env.NIMBUS_SFN_TOKEN_FILE;
assert.ok(tokenFile, "NIMBUS_SFN_TOKEN_FILE is required");

/** Polls the history until an event of the given type shows up; returns the history. */
const historyWith = (executionArn, type) => waitFor(async () => {
  const h = await history(executionArn);
  return h.some((e) => e.type === type) ? h : null;
}, 30000, type);

// 1. A callback task: the function receives the token, the task waits for SendTaskSuccess (sent after the restart).
await lambda.send(new CreateFunctionCommand({
  FunctionName: `${name}-fn`, Runtime: "nodejs20.x", Handler: "index.handler", Role: role,
  Code: { ZipFile: await zip({ "index.mjs": `export const handler = async (e) => { console.log("token", e.token); return { got: true }; };` }) },
}));
const callbackMachine = await createMachine(`${name}-cb`, {
  StartAt: "Ask",
  States: {
    Ask: {
      Type: "Task", Resource: "arn:aws:states:::lambda:invoke.waitForTaskToken",
      Parameters: { FunctionName: `${name}-fn`, Payload: { "token.$": "$$.Task.Token" } }, ResultPath: "$.answer", End: true,
    },
  },
});
const callback = await sfn.send(new StartExecutionCommand({ stateMachineArn: callbackMachine, name, input: JSON.stringify({ marker: name }) }));
const submitted = await historyWith(callback.executionArn, "TaskSubmitted");
const token = JSON.parse(submitted.find((e) => e.type === "TaskScheduled").taskScheduledEventDetails.parameters).Payload.token;
assert.equal(typeof token, "string");
writeFileSync(tokenFile, token);

// 2. A Wait, started last so that it is still pending when Nimbus is killed.
const waitMachine = await createMachine(name, {
  StartAt: "Before",
  States: {
    Before: { Type: "Pass", Result: "before", ResultPath: "$.before", Next: "Pause" },
    Pause: { Type: "Wait", Seconds: waitSeconds, Next: "After" },
    After: { Type: "Pass", Result: "after", ResultPath: "$.after", End: true },
  },
});
const started = await sfn.send(new StartExecutionCommand({ stateMachineArn: waitMachine, name, input: JSON.stringify({ marker: name }) }));
// The Wait has been entered (its entry is durable: it is committed before the wait starts).
const events = await historyWith(started.executionArn, "WaitStateEntered");
assert.ok(!events.some((e) => e.type === "WaitStateExited"), "the Wait finished before the crash; raise NIMBUS_SFN_WAIT_SECONDS");
console.log("sfn phase 1 done", started.executionArn, callback.executionArn);
