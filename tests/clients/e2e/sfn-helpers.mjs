// Step Functions helpers shared by sfn.test.mjs and the restart scripts: SDK clients and polling on executions.
import assert from "node:assert/strict";
import {
  SFNClient, CreateStateMachineCommand, DeleteStateMachineCommand, DescribeExecutionCommand, GetExecutionHistoryCommand,
} from "@aws-sdk/client-sfn";
import { endpoint, waitFor } from "./helpers.mjs";

export const sfnRole = "arn:aws:iam::000000000000:role/sfn-role";

const config = {
  endpoint,
  region: "us-east-1",
  credentials: { accessKeyId: "test", secretAccessKey: "test" },
  maxAttempts: 1,
};

export const sfn = new SFNClient(config);
/** StartSyncExecution is sent to the `sync-` host prefix by the SDK; Nimbus listens on one host. */
export const sfnSync = new SFNClient({ ...config, disableHostPrefix: true });

/** Creates a state machine; returns its ARN. */
export async function createMachine(name, definition, type = "STANDARD") {
  const res = await sfn.send(new CreateStateMachineCommand({ name, definition: JSON.stringify(definition), roleArn: sfnRole, type }));
  assert.match(res.stateMachineArn, new RegExp(`^arn:aws:states:us-east-1:\\d{12}:stateMachine:${name}$`));
  return res.stateMachineArn;
}

export const deleteMachine = (arn) => sfn.send(new DeleteStateMachineCommand({ stateMachineArn: arn }));

/** Polls DescribeExecution until the execution leaves RUNNING; returns the description. */
export const waitForCompletion = (executionArn, timeoutMs = 30000) =>
  waitFor(async () => {
    const d = await sfn.send(new DescribeExecutionCommand({ executionArn }));
    return d.status !== "RUNNING" ? d : null;
  }, timeoutMs, `execution ${executionArn} to finish`);

/** The whole history, following nextToken. */
export async function history(executionArn, reverseOrder = false) {
  const events = [];
  let nextToken;
  do {
    const page = await sfn.send(new GetExecutionHistoryCommand({ executionArn, reverseOrder, nextToken }));
    events.push(...page.events);
    nextToken = page.nextToken;
  } while (nextToken);
  return events;
}

/** Asserts ids are 1..n in order, with no duplicates and no gaps. */
export function assertSequentialIds(events) {
  assert.deepEqual(events.map((e) => e.id), events.map((_, i) => i + 1), `ids: ${events.map((e) => `${e.id}:${e.type}`).join(", ")}`);
}
