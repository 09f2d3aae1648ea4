// Data plane: Invoke in all its forms, through @aws-sdk/client-lambda.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { CreateFunctionCommand, InvokeCommand, DeleteFunctionCommand } from "@aws-sdk/client-lambda";
import { lambda, zip, unique, role, nodeEcho, json, decode, payload, waitForLog, rejectsWith } from "./helpers.mjs";

const name = unique("invoke");

before(async () => {
  await lambda.send(new CreateFunctionCommand({
    FunctionName: name, Runtime: "nodejs20.x", Handler: "index.handler", Role: role,
    Code: { ZipFile: await zip({ "index.mjs": nodeEcho }) },
  }));
});

after(async () => lambda.send(new DeleteFunctionCommand({ FunctionName: name })));

test("RequestResponse returns the function's result and the executed version", async () => {
  const res = await lambda.send(new InvokeCommand({ FunctionName: name, Payload: payload({ hello: "world" }) }));
  assert.equal(res.StatusCode, 200);
  assert.equal(res.FunctionError, undefined);
  assert.equal(res.ExecutedVersion, "$LATEST");
  const body = json(res.Payload);
  assert.deepEqual(body.event, { hello: "world" });
  assert.equal(body.functionName, name);
  assert.match(body.requestId, /^[0-9a-f-]{36}$/);
});

test("a warm sandbox serves repeated invokes", async () => {
  const ids = new Set();
  for (let i = 0; i < 20; i++) {
    const res = await lambda.send(new InvokeCommand({ FunctionName: name, Payload: payload({ i }) }));
    const body = json(res.Payload);
    assert.equal(body.event.i, i);
    ids.add(body.requestId);
  }
  assert.equal(ids.size, 20, "each invocation has its own request id");
});

test("LogType Tail returns the invocation's log with START, END and REPORT", async () => {
  const res = await lambda.send(new InvokeCommand({ FunctionName: name, Payload: payload({ tail: "marker-123" }), LogType: "Tail" }));
  const log = Buffer.from(res.LogResult, "base64").toString("utf8");
  assert.match(log, /^START RequestId: [0-9a-f-]{36} Version: \$LATEST/m);
  assert.match(log, /\tINFO\techo \{"tail":"marker-123"\}/);
  assert.match(log, /^END RequestId: /m);
  assert.match(log, /^REPORT RequestId: [0-9a-f-]{36}\tDuration: [\d.]+ ms\tBilled Duration: \d+ ms\tMemory Size: 128 MB\tMax Memory Used: \d+ MB/m);
  assert.ok(Buffer.from(res.LogResult, "base64").length <= 4096);
});

test("DryRun validates without running", async () => {
  const res = await lambda.send(new InvokeCommand({ FunctionName: name, InvocationType: "DryRun" }));
  assert.equal(res.StatusCode, 204);
  await rejectsWith(lambda.send(new InvokeCommand({ FunctionName: "missing-fn", InvocationType: "DryRun" })), "ResourceNotFoundException", 404);
});

test("Event is accepted with 202 and runs in the background", async () => {
  const marker = `event-${Date.now()}`;
  const res = await lambda.send(new InvokeCommand({ FunctionName: name, InvocationType: "Event", Payload: payload({ marker }) }));
  assert.equal(res.StatusCode, 202);
  assert.equal(decode(res.Payload ?? new Uint8Array()), "");
  const events = await waitForLog(name, marker);
  assert.ok(events.some((e) => e.message.includes(marker)));
});

test("oversized payloads get RequestTooLargeException (413)", async () => {
  const big = new Uint8Array(6 * 1024 * 1024 + 1).fill(32);
  await rejectsWith(lambda.send(new InvokeCommand({ FunctionName: name, Payload: big })), "RequestTooLargeException", 413);
  const asyncBig = new Uint8Array(1024 * 1024 + 1).fill(32);
  await rejectsWith(lambda.send(new InvokeCommand({ FunctionName: name, InvocationType: "Event", Payload: asyncBig })), "RequestTooLargeException", 413);
});

test("a 5 MB payload round-trips", async () => {
  const text = "x".repeat(5 * 1024 * 1024);
  const res = await lambda.send(new InvokeCommand({ FunctionName: name, Payload: payload({ text }) }));
  assert.equal(json(res.Payload).event.text.length, text.length);
});
