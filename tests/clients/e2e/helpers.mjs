// Shared helpers for the end-to-end tests: real AWS SDK clients pointed at a running Nimbus.
import { LambdaClient } from "@aws-sdk/client-lambda";
import { CloudWatchLogsClient, FilterLogEventsCommand } from "@aws-sdk/client-cloudwatch-logs";
import JSZip from "jszip";
import { randomUUID } from "node:crypto";

export const endpoint = process.env.NIMBUS_ENDPOINT ?? "http://127.0.0.1:4566";
export const stateDir = process.env.NIMBUS_STATE_DIR;
export const hasBubblewrap = process.env.NIMBUS_SANDBOX === "bubblewrap";
export const role = "arn:aws:iam::000000000000:role/lambda-role";

const config = {
  endpoint,
  region: "us-east-1",
  credentials: { accessKeyId: "test", secretAccessKey: "test" },
  maxAttempts: 1,
};

export const lambda = new LambdaClient(config);
export const logs = new CloudWatchLogsClient(config);

/** A unique function or layer name for one test. */
export const unique = (prefix) => `${prefix}-${randomUUID().slice(0, 8)}`;

/** Builds a zip: files maps a path to its text, or to { text, mode } for executables. */
export async function zip(files) {
  const z = new JSZip();
  for (const [name, value] of Object.entries(files)) {
    const text = typeof value === "string" ? value : value.text;
    const mode = typeof value === "string" ? 0o644 : value.mode;
    z.file(name, text, { unixPermissions: mode });
  }
  return z.generateAsync({ type: "uint8array", platform: "UNIX", compression: "DEFLATE" });
}

export const decode = (bytes) => new TextDecoder().decode(bytes);
export const json = (bytes) => JSON.parse(decode(bytes));
export const payload = (value) => new TextEncoder().encode(JSON.stringify(value));

/** Polls fn until it returns a truthy value, or fails after timeoutMs. */
export async function waitFor(fn, timeoutMs = 20000, what = "condition") {
  const deadline = Date.now() + timeoutMs;
  let last;
  while (Date.now() < deadline) {
    try {
      last = await fn();
      if (last) return last;
    } catch (e) {
      last = e;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`Timed out waiting for ${what}; last: ${last?.message ?? JSON.stringify(last)}`);
}

/** Waits until a message containing text shows up in the function's log group. */
export async function waitForLog(functionName, text, timeoutMs = 20000) {
  return waitFor(async () => {
    const page = await logs.send(new FilterLogEventsCommand({ logGroupName: `/aws/lambda/${functionName}`, filterPattern: `"${text}"` }));
    return page.events?.length ? page.events : null;
  }, timeoutMs, `log line '${text}' of ${functionName}`);
}

/** Expects promise to reject with an AWS error of the given name; returns the error. */
export async function rejectsWith(promise, name, status) {
  try {
    await promise;
  } catch (e) {
    if (e.name !== name) throw new Error(`expected ${name}, got ${e.name}: ${e.message}`);
    if (status !== undefined && e.$metadata?.httpStatusCode !== status) {
      throw new Error(`expected HTTP ${status}, got ${e.$metadata?.httpStatusCode}`);
    }
    return e;
  }
  throw new Error(`expected ${name}, but the call succeeded`);
}

export const nodeEcho = `export const handler = async (event, context) => {
  console.log("echo", JSON.stringify(event));
  return { event, functionName: context.functionName, version: context.functionVersion, requestId: context.awsRequestId };
};`;
