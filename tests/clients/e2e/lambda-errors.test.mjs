// Function failures with AWS's error shapes: thrown errors, timeouts, crashes, init failures.
import { test } from "node:test";
import assert from "node:assert/strict";
import { CreateFunctionCommand, InvokeCommand, DeleteFunctionCommand } from "@aws-sdk/client-lambda";
import { lambda, zip, unique, role, json, payload } from "./helpers.mjs";

async function withFunction(code, options, body) {
  const name = unique("fail");
  await lambda.send(new CreateFunctionCommand({
    FunctionName: name, Runtime: "nodejs20.x", Handler: "index.handler", Role: role,
    Code: { ZipFile: await zip({ "index.mjs": code }) }, ...options,
  }));
  try {
    return await body(name);
  } finally {
    await lambda.send(new DeleteFunctionCommand({ FunctionName: name }));
  }
}

test("a thrown error is an Unhandled function error with the error's type and message", () =>
  withFunction(`export const handler = async () => { class OrderError extends Error { constructor(m) { super(m); this.name = "OrderError"; } } throw new OrderError("no stock"); };`, {}, async (name) => {
    const res = await lambda.send(new InvokeCommand({ FunctionName: name, Payload: payload({}) }));
    assert.equal(res.StatusCode, 200);
    assert.equal(res.FunctionError, "Unhandled");
    const body = json(res.Payload);
    assert.equal(body.errorType, "OrderError");
    assert.equal(body.errorMessage, "no stock");
    assert.ok(Array.isArray(body.trace));
    // The sandbox survives a handled failure and serves the next invoke.
    const again = await lambda.send(new InvokeCommand({ FunctionName: name, Payload: payload({}) }));
    assert.equal(json(again.Payload).errorType, "OrderError");
  }));

test("a timeout kills the sandbox and reports Task timed out", () =>
  withFunction(`export const handler = async (e) => { if (e.sleep) await new Promise(r => setTimeout(r, 5000)); return "ok"; };`, { Timeout: 1 }, async (name) => {
    const res = await lambda.send(new InvokeCommand({ FunctionName: name, Payload: payload({ sleep: true }), LogType: "Tail" }));
    assert.equal(res.FunctionError, "Unhandled");
    const body = json(res.Payload);
    assert.equal(body.errorType, "Sandbox.Timedout");
    assert.match(body.errorMessage, /^RequestId: [0-9a-f-]{36} Error: Task timed out after 1\.00 seconds$/);
    const log = Buffer.from(res.LogResult, "base64").toString();
    assert.match(log, /Task timed out after 1\.00 seconds/);
    assert.match(log, /Status: timeout/);
    // A fresh sandbox serves the next invocation.
    const next = await lambda.send(new InvokeCommand({ FunctionName: name, Payload: payload({}) }));
    assert.equal(json(next.Payload), "ok");
  }));

test("a crashing runtime gives Runtime.ExitError", () =>
  withFunction(`export const handler = async () => { process.exit(3); };`, {}, async (name) => {
    const res = await lambda.send(new InvokeCommand({ FunctionName: name, Payload: payload({}) }));
    assert.equal(res.FunctionError, "Unhandled");
    const body = json(res.Payload);
    assert.equal(body.errorType, "Runtime.ExitError");
    assert.match(body.errorMessage, /Runtime exited with error: exit status 3/);
  }));

test("an init failure reports the runtime's init error, as AWS's Node runtime does", () =>
  withFunction(`throw new Error("boom at import");\nexport const handler = async () => "never";`, {}, async (name) => {
    const res = await lambda.send(new InvokeCommand({ FunctionName: name, Payload: payload({}) }));
    assert.equal(res.FunctionError, "Unhandled");
    const body = json(res.Payload);
    // AWS's Node runtime posts a module that throws while loading to /runtime/init/error as the error itself.
    assert.equal(body.errorType, "Error");
    assert.match(body.errorMessage, /boom at import/);
  }));

test("a missing handler export is Runtime.HandlerNotFound", () =>
  withFunction(`export const other = async () => 1;`, {}, async (name) => {
    const res = await lambda.send(new InvokeCommand({ FunctionName: name, Payload: payload({}) }));
    assert.equal(res.FunctionError, "Unhandled");
    assert.equal(json(res.Payload).errorType, "Runtime.HandlerNotFound");
  }));

test("memory over the limit kills the sandbox", () =>
  withFunction(`export const handler = async () => { const keep = []; for (let i = 0; i < 400; i++) keep.push(Buffer.alloc(1024 * 1024, 1)); await new Promise(r => setTimeout(r, 3000)); return keep.length; };`, { MemorySize: 128, Timeout: 20 }, async (name) => {
    const res = await lambda.send(new InvokeCommand({ FunctionName: name, Payload: payload({}) }));
    assert.equal(res.FunctionError, "Unhandled");
    assert.equal(json(res.Payload).errorType, "Runtime.OutOfMemory");
  }));
