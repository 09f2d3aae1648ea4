// Sandbox isolation under bubblewrap: a function sees only its own code, read-only, and never Nimbus's state.
import { test } from "node:test";
import assert from "node:assert/strict";
import { CreateFunctionCommand, GetFunctionCommand, InvokeCommand, DeleteFunctionCommand } from "@aws-sdk/client-lambda";
import { lambda, zip, unique, role, json, payload, stateDir, hasBubblewrap } from "./helpers.mjs";

test("a function cannot read another function's code or the state directory", { skip: hasBubblewrap && stateDir ? false : "needs bubblewrap and NIMBUS_STATE_DIR" }, async () => {
  const victim = unique("victim");
  const spy = unique("spy");
  await lambda.send(new CreateFunctionCommand({
    FunctionName: victim, Runtime: "nodejs20.x", Handler: "index.handler", Role: role,
    Code: { ZipFile: await zip({ "index.mjs": "export const handler = async () => 'victim';", "secret.txt": "TOP-SECRET" }) },
  }));
  await lambda.send(new CreateFunctionCommand({
    FunctionName: spy, Runtime: "nodejs20.x", Handler: "index.handler", Role: role,
    Code: { ZipFile: await zip({ "index.mjs": `import fs from "node:fs";
const attempt = (f) => { try { return { ok: true, value: f() }; } catch (e) { return { ok: false, code: e.code }; } };
export const handler = async (e) => ({
  db: attempt(() => fs.readFileSync(e.stateDir + "/nimbus.db").length),
  codeDirs: attempt(() => fs.readdirSync(e.stateDir + "/code")),
  stateDir: attempt(() => fs.readdirSync(e.stateDir)),
  own: attempt(() => fs.readdirSync("/var/task")),
  writeTask: attempt(() => fs.writeFileSync("/var/task/x", "x")),
  writeTmp: attempt(() => { fs.writeFileSync("/tmp/x", "x"); return fs.readFileSync("/tmp/x", "utf8"); }),
  pid1: attempt(() => fs.readFileSync("/proc/1/cmdline", "utf8").includes("dotnet")),
});` }) },
  }));
  await lambda.send(new InvokeCommand({ FunctionName: victim, Payload: payload({}) }));
  const sha = (await lambda.send(new GetFunctionCommand({ FunctionName: victim }))).Configuration.CodeSha256;
  const res = await lambda.send(new InvokeCommand({ FunctionName: spy, Payload: payload({ stateDir, sha }) }));
  const r = json(res.Payload);
  assert.deepEqual(r.db, { ok: false, code: "ENOENT" });
  assert.deepEqual(r.codeDirs, { ok: false, code: "ENOENT" });
  assert.deepEqual(r.stateDir, { ok: false, code: "ENOENT" });
  assert.deepEqual(r.own, { ok: true, value: ["index.mjs"] });
  assert.equal(r.writeTask.ok, false);
  assert.equal(r.writeTask.code, "EROFS");
  assert.deepEqual(r.writeTmp, { ok: true, value: "x" });
  assert.deepEqual(r.pid1, { ok: true, value: false }, "a private PID namespace hides Nimbus");
  await lambda.send(new DeleteFunctionCommand({ FunctionName: victim }));
  await lambda.send(new DeleteFunctionCommand({ FunctionName: spy }));
});

test("the Lambda environment variables are set", async () => {
  const name = unique("env");
  await lambda.send(new CreateFunctionCommand({
    FunctionName: name, Runtime: "nodejs20.x", Handler: "index.handler", Role: role, MemorySize: 256,
    Environment: { Variables: { MY_SETTING: "on" } },
    Code: { ZipFile: await zip({ "index.mjs": "export const handler = async () => ({ ...process.env });" }) },
  }));
  const env = json((await lambda.send(new InvokeCommand({ FunctionName: name, Payload: payload({}) }))).Payload);
  assert.equal(env.AWS_LAMBDA_FUNCTION_NAME, name);
  assert.equal(env.AWS_LAMBDA_FUNCTION_VERSION, "$LATEST");
  assert.equal(env.AWS_LAMBDA_FUNCTION_MEMORY_SIZE, "256");
  assert.equal(env.AWS_REGION, "us-east-1");
  assert.equal(env._HANDLER, "index.handler");
  assert.equal(env.AWS_LAMBDA_LOG_GROUP_NAME, `/aws/lambda/${name}`);
  assert.match(env.AWS_LAMBDA_LOG_STREAM_NAME, /^\d{4}\/\d\d\/\d\d\/\[\$LATEST\][0-9a-f]{32}$/);
  assert.equal(env.AWS_EXECUTION_ENV, "AWS_Lambda_nodejs20.x");
  assert.equal(env.TZ, ":UTC");
  assert.match(env.AWS_LAMBDA_RUNTIME_API, /^127\.0\.0\.1:\d+$/);
  assert.equal(env.MY_SETTING, "on");
  assert.ok(env.AWS_ACCESS_KEY_ID && env.AWS_SECRET_ACCESS_KEY && env.AWS_SESSION_TOKEN);
  if (process.env.NIMBUS_SANDBOX === "bubblewrap") assert.equal(env.LAMBDA_TASK_ROOT, "/var/task");
  await lambda.send(new DeleteFunctionCommand({ FunctionName: name }));
});
