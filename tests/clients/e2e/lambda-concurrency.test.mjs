// Reserved concurrency and throttling.
import { test } from "node:test";
import assert from "node:assert/strict";
import {
  CreateFunctionCommand, PutFunctionConcurrencyCommand, GetFunctionConcurrencyCommand, DeleteFunctionConcurrencyCommand,
  InvokeCommand, DeleteFunctionCommand,
} from "@aws-sdk/client-lambda";
import { lambda, zip, unique, role, json, payload, rejectsWith } from "./helpers.mjs";

test("reserved concurrency throttles with TooManyRequestsException (429) and its Reason", async () => {
  const name = unique("conc");
  await lambda.send(new CreateFunctionCommand({
    FunctionName: name, Runtime: "nodejs20.x", Handler: "index.handler", Role: role, Timeout: 10,
    Code: { ZipFile: await zip({ "index.mjs": "export const handler = async (e) => { await new Promise(r => setTimeout(r, e.ms ?? 0)); return 'done'; };" }) },
  }));

  await lambda.send(new PutFunctionConcurrencyCommand({ FunctionName: name, ReservedConcurrentExecutions: 0 }));
  const zero = await rejectsWith(lambda.send(new InvokeCommand({ FunctionName: name, Payload: payload({}) })), "TooManyRequestsException", 429);
  assert.equal(zero.Reason, "ReservedFunctionConcurrentInvocationLimitExceeded");

  await lambda.send(new PutFunctionConcurrencyCommand({ FunctionName: name, ReservedConcurrentExecutions: 1 }));
  assert.equal((await lambda.send(new GetFunctionConcurrencyCommand({ FunctionName: name }))).ReservedConcurrentExecutions, 1);
  const slow = lambda.send(new InvokeCommand({ FunctionName: name, Payload: payload({ ms: 1500 }) }));
  await new Promise((r) => setTimeout(r, 300));
  await rejectsWith(lambda.send(new InvokeCommand({ FunctionName: name, Payload: payload({}) })), "TooManyRequestsException", 429);
  assert.equal(json((await slow).Payload), "done");

  await rejectsWith(lambda.send(new PutFunctionConcurrencyCommand({ FunctionName: name, ReservedConcurrentExecutions: 950 })), "InvalidParameterValueException", 400);
  await lambda.send(new DeleteFunctionConcurrencyCommand({ FunctionName: name }));
  const ok = await lambda.send(new InvokeCommand({ FunctionName: name, Payload: payload({}) }));
  assert.equal(json(ok.Payload), "done");
  await lambda.send(new DeleteFunctionCommand({ FunctionName: name }));
});

test("concurrent invokes scale out to several sandboxes", async () => {
  const name = unique("scale");
  await lambda.send(new CreateFunctionCommand({
    FunctionName: name, Runtime: "nodejs20.x", Handler: "index.handler", Role: role,
    Code: { ZipFile: await zip({ "index.mjs": "const id = Math.random(); export const handler = async () => { await new Promise(r => setTimeout(r, 1500)); return id; };" }) },
  }));
  const results = await Promise.all(Array.from({ length: 4 }, () => lambda.send(new InvokeCommand({ FunctionName: name, Payload: payload({}) }))));
  const sandboxes = new Set(results.map((r) => json(r.Payload)));
  assert.equal(sandboxes.size, 4, "four overlapping invocations ran in four sandboxes");
  await lambda.send(new DeleteFunctionCommand({ FunctionName: name }));
});
