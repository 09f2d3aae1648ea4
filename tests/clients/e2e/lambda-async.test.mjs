// Asynchronous invocation: event invoke configs, retries with AWS's schedule, destinations with AWS's invocation record.
// The shared Nimbus runs with --time-scale 60, so the one- and two-minute retry delays take one and two seconds.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import {
  CreateFunctionCommand, DeleteFunctionCommand, InvokeCommand, PublishVersionCommand, CreateAliasCommand,
  PutFunctionEventInvokeConfigCommand, UpdateFunctionEventInvokeConfigCommand, GetFunctionEventInvokeConfigCommand,
  DeleteFunctionEventInvokeConfigCommand, ListFunctionEventInvokeConfigsCommand,
} from "@aws-sdk/client-lambda";
import { lambda, zip, unique, role, payload, waitForLog, rejectsWith } from "./helpers.mjs";

const created = [];
async function createFunction(prefix, code) {
  const name = unique(prefix);
  const fn = await lambda.send(new CreateFunctionCommand({
    FunctionName: name, Runtime: "nodejs20.x", Handler: "index.handler", Role: role,
    Code: { ZipFile: await zip({ "index.mjs": code }) },
  }));
  created.push(name);
  return { name, arn: fn.FunctionArn };
}

// Logs each event it gets on one line: "record <json>".
const recorderCode = `export const handler = async (event) => { console.log("record " + JSON.stringify(event)); return "ok"; };`;
let recorder;

before(async () => {
  recorder = await createFunction("recorder", recorderCode);
});

after(async () => {
  for (const name of created) await lambda.send(new DeleteFunctionCommand({ FunctionName: name })).catch(() => {});
});

/** The records the recorder logged that contain marker. */
async function recordsWith(marker, count = 1, timeoutMs = 20000) {
  const events = await waitForLog(recorder.name, marker, timeoutMs);
  assert.ok(events.length >= count, `expected ${count} records with ${marker}`);
  return events.map((e) => JSON.parse(e.message.slice(e.message.indexOf("record ") + 7)));
}

test("event invoke configs: put, get, update, list, delete with AWS's shapes and errors", async () => {
  const fn = await createFunction("eic", `export const handler = async () => "ok";`);
  const put = await lambda.send(new PutFunctionEventInvokeConfigCommand({
    FunctionName: fn.name, MaximumRetryAttempts: 1,
    DestinationConfig: { OnFailure: { Destination: recorder.arn } },
  }));
  assert.equal(put.FunctionArn, `${fn.arn}:$LATEST`);
  assert.equal(put.MaximumRetryAttempts, 1);
  assert.equal(put.MaximumEventAgeInSeconds, undefined);
  assert.equal(put.DestinationConfig.OnFailure.Destination, recorder.arn);
  assert.ok(put.LastModified instanceof Date);

  // Update merges; Put replaces.
  const updated = await lambda.send(new UpdateFunctionEventInvokeConfigCommand({ FunctionName: fn.name, MaximumEventAgeInSeconds: 120 }));
  assert.equal(updated.MaximumRetryAttempts, 1);
  assert.equal(updated.MaximumEventAgeInSeconds, 120);
  assert.equal(updated.DestinationConfig.OnFailure.Destination, recorder.arn);
  const got = await lambda.send(new GetFunctionEventInvokeConfigCommand({ FunctionName: fn.name }));
  assert.equal(got.MaximumEventAgeInSeconds, 120);
  const replaced = await lambda.send(new PutFunctionEventInvokeConfigCommand({ FunctionName: fn.name, MaximumRetryAttempts: 0 }));
  assert.equal(replaced.MaximumEventAgeInSeconds, undefined);
  assert.equal(replaced.DestinationConfig.OnFailure.Destination, undefined);

  // Per qualifier: a version and an alias have their own configs.
  const v1 = await lambda.send(new PublishVersionCommand({ FunctionName: fn.name }));
  await lambda.send(new CreateAliasCommand({ FunctionName: fn.name, Name: "live", FunctionVersion: v1.Version }));
  await lambda.send(new PutFunctionEventInvokeConfigCommand({ FunctionName: fn.name, Qualifier: "live", MaximumRetryAttempts: 2 }));
  const list = await lambda.send(new ListFunctionEventInvokeConfigsCommand({ FunctionName: fn.name }));
  assert.deepEqual(list.FunctionEventInvokeConfigs.map((c) => c.FunctionArn).sort(), [`${fn.arn}:$LATEST`, `${fn.arn}:live`]);
  const page = await lambda.send(new ListFunctionEventInvokeConfigsCommand({ FunctionName: fn.name, MaxItems: 1 }));
  assert.equal(page.FunctionEventInvokeConfigs.length, 1);
  assert.ok(page.NextMarker);

  // Errors.
  await rejectsWith(lambda.send(new PutFunctionEventInvokeConfigCommand({ FunctionName: fn.name, MaximumRetryAttempts: 3 })), "ValidationException", 400);
  await rejectsWith(lambda.send(new PutFunctionEventInvokeConfigCommand({ FunctionName: fn.name, MaximumEventAgeInSeconds: 59 })), "ValidationException", 400);
  await rejectsWith(lambda.send(new PutFunctionEventInvokeConfigCommand({
    FunctionName: fn.name, DestinationConfig: { OnSuccess: { Destination: "arn:aws:s3:::bucket" } },
  })), "InvalidParameterValueException", 400);
  await rejectsWith(lambda.send(new GetFunctionEventInvokeConfigCommand({ FunctionName: fn.name, Qualifier: "1" })), "ResourceNotFoundException", 404);
  await rejectsWith(lambda.send(new PutFunctionEventInvokeConfigCommand({ FunctionName: fn.name, Qualifier: "nope", MaximumRetryAttempts: 0 })), "ResourceNotFoundException", 404);
  await rejectsWith(lambda.send(new UpdateFunctionEventInvokeConfigCommand({ FunctionName: fn.name, Qualifier: "1", MaximumRetryAttempts: 0 })), "ResourceNotFoundException", 404);
  await lambda.send(new DeleteFunctionEventInvokeConfigCommand({ FunctionName: fn.name }));
  await rejectsWith(lambda.send(new GetFunctionEventInvokeConfigCommand({ FunctionName: fn.name })), "ResourceNotFoundException", 404);
  await rejectsWith(lambda.send(new GetFunctionEventInvokeConfigCommand({ FunctionName: unique("missing") })), "ResourceNotFoundException", 404);
});

test("a failing event is retried on AWS's schedule, then its record goes to the OnFailure destination", async () => {
  const marker = unique("fail");
  const fn = await createFunction("flaky", `export const handler = async (event, context) => {
    console.log("attempt " + event.marker + " " + context.awsRequestId + " " + Date.now());
    class PaymentError extends Error { constructor(m) { super(m); this.name = "PaymentError"; } }
    throw new PaymentError("card declined for " + event.marker);
  };`);
  await lambda.send(new PutFunctionEventInvokeConfigCommand({
    FunctionName: fn.name, MaximumRetryAttempts: 2, DestinationConfig: { OnFailure: { Destination: recorder.arn } },
  }));
  const res = await lambda.send(new InvokeCommand({ FunctionName: fn.name, InvocationType: "Event", Payload: payload({ marker }) }));
  assert.equal(res.StatusCode, 202);

  const [record] = await recordsWith(marker, 1, 30000);
  assert.equal(record.version, "1.0");
  assert.match(record.timestamp, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
  assert.equal(record.requestContext.condition, "RetriesExhausted");
  assert.equal(record.requestContext.approximateInvokeCount, 3);
  assert.equal(record.requestContext.functionArn, `${fn.arn}:$LATEST`);
  assert.deepEqual(record.requestPayload, { marker });
  assert.deepEqual(record.responseContext, { statusCode: 200, executedVersion: "$LATEST", functionError: "Unhandled" });
  assert.equal(record.responsePayload.errorType, "PaymentError");
  assert.equal(record.responsePayload.errorMessage, `card declined for ${marker}`);

  // Three attempts with the same request id, the retries one and two (scaled) minutes apart.
  const attempts = (await waitForLog(fn.name, `attempt ${marker}`)).map((e) => e.message.trim().split(" "));
  assert.equal(attempts.length, 3);
  assert.equal(new Set(attempts.map((a) => a.at(-2))).size, 1);
  assert.equal(attempts[0].at(-2), record.requestContext.requestId);
  const times = attempts.map((a) => Number(a.at(-1))).sort();
  assert.ok(times[1] - times[0] >= 900, `first retry after ${times[1] - times[0]} ms`);
  assert.ok(times[2] - times[1] >= 1900, `second retry after ${times[2] - times[1]} ms`);
});

test("a successful event's record goes to the OnSuccess destination; MaximumRetryAttempts 0 gives up at once", async () => {
  const marker = unique("ok");
  const fn = await createFunction("good", `export const handler = async (event) => {
    if (event.fail) throw new Error("failed " + event.marker);
    return { handled: event.marker };
  };`);
  await lambda.send(new PutFunctionEventInvokeConfigCommand({
    FunctionName: fn.name, MaximumRetryAttempts: 0,
    DestinationConfig: { OnSuccess: { Destination: recorder.arn }, OnFailure: { Destination: recorder.arn } },
  }));
  await lambda.send(new InvokeCommand({ FunctionName: fn.name, InvocationType: "Event", Payload: payload({ marker }) }));
  const success = (await recordsWith(marker)).find((r) => r.requestContext.condition === "Success");
  assert.equal(success.requestContext.condition, "Success");
  assert.equal(success.requestContext.approximateInvokeCount, 1);
  assert.deepEqual(success.responsePayload, { handled: marker });
  assert.deepEqual(success.responseContext, { statusCode: 200, executedVersion: "$LATEST" });

  const failMarker = unique("once");
  await lambda.send(new InvokeCommand({ FunctionName: fn.name, InvocationType: "Event", Payload: payload({ marker: failMarker, fail: true }) }));
  const [failure] = await recordsWith(failMarker);
  assert.equal(failure.requestContext.condition, "RetriesExhausted");
  assert.equal(failure.requestContext.approximateInvokeCount, 1);
});

test("an event that fails twice and then succeeds goes to OnSuccess after its third attempt", async () => {
  const marker = unique("twice");
  // A warm sandbox serves the retries, so a module-level counter sees every attempt.
  const fn = await createFunction("twice", `const seen = new Map();
  export const handler = async (event) => {
    const n = (seen.get(event.marker) ?? 0) + 1;
    seen.set(event.marker, n);
    if (n < 3) throw new Error("attempt " + n + " failed");
    return { succeededOnAttempt: n, marker: event.marker };
  };`);
  await lambda.send(new PutFunctionEventInvokeConfigCommand({
    FunctionName: fn.name, DestinationConfig: { OnSuccess: { Destination: recorder.arn }, OnFailure: { Destination: recorder.arn } },
  }));
  await lambda.send(new InvokeCommand({ FunctionName: fn.name, InvocationType: "Event", Payload: payload({ marker }) }));

  const [record] = await recordsWith(marker, 1, 30000);
  assert.equal(record.requestContext.condition, "Success");
  assert.equal(record.requestContext.approximateInvokeCount, 3);
  assert.deepEqual(record.responsePayload, { succeededOnAttempt: 3, marker });
});
