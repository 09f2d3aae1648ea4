// Each runtime kind: Python, a provided runtime whose bootstrap is a shell script, and the real aws-lambda-ric.
import { test } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { CreateFunctionCommand, InvokeCommand, DeleteFunctionCommand, PublishLayerVersionCommand, DeleteLayerVersionCommand } from "@aws-sdk/client-lambda";
import { lambda, zip, unique, role, json, payload } from "./helpers.mjs";

const here = path.dirname(fileURLToPath(import.meta.url));

test("a Python function runs with AWS's context and error shape", async () => {
  const name = unique("py");
  await lambda.send(new CreateFunctionCommand({
    FunctionName: name, Runtime: "python3.12", Handler: "app.handler", Role: role,
    Code: { ZipFile: await zip({ "app.py": `import os
def handler(event, context):
    print("python says", event)
    if event.get("fail"):
        raise ValueError("bad value")
    return {"sum": event["a"] + event["b"], "fn": context.function_name, "remaining": context.get_remaining_time_in_millis() > 0, "region": os.environ["AWS_REGION"]}
` }) },
  }));
  const res = await lambda.send(new InvokeCommand({ FunctionName: name, Payload: payload({ a: 2, b: 3 }), LogType: "Tail" }));
  assert.equal(res.FunctionError, undefined, new TextDecoder().decode(res.Payload));
  assert.deepEqual(json(res.Payload), { sum: 5, fn: name, remaining: true, region: "us-east-1" });
  assert.match(Buffer.from(res.LogResult, "base64").toString(), /python says \{'a': 2, 'b': 3\}/);
  const failed = await lambda.send(new InvokeCommand({ FunctionName: name, Payload: payload({ fail: true }) }));
  assert.equal(failed.FunctionError, "Unhandled");
  const body = json(failed.Payload);
  assert.equal(body.errorType, "ValueError");
  assert.equal(body.errorMessage, "bad value");
  assert.ok(Array.isArray(body.stackTrace));
  await lambda.send(new DeleteFunctionCommand({ FunctionName: name }));
});

test("a provided.al2023 function whose bootstrap is a shell script", async () => {
  const name = unique("sh");
  const bootstrap = `#!/bin/sh
set -eu
API="http://\${AWS_LAMBDA_RUNTIME_API}/2018-06-01/runtime/invocation"
while true; do
  HEADERS=$(mktemp)
  EVENT=$(curl -sS -D "$HEADERS" "$API/next")
  ID=$(grep -i '^Lambda-Runtime-Aws-Request-Id:' "$HEADERS" | cut -d: -f2 | tr -d '[:space:]')
  echo "shell handling $ID"
  curl -sS -X POST "$API/$ID/response" -d "{\\"shell\\":true,\\"handler\\":\\"$_HANDLER\\",\\"event\\":$EVENT}" > /dev/null
  rm -f "$HEADERS"
done
`;
  await lambda.send(new CreateFunctionCommand({
    FunctionName: name, Runtime: "provided.al2023", Handler: "my.handler", Role: role,
    Code: { ZipFile: await zip({ bootstrap: { text: bootstrap, mode: 0o755 } }) },
  }));
  for (let i = 0; i < 3; i++) {
    const res = await lambda.send(new InvokeCommand({ FunctionName: name, Payload: payload({ i }), LogType: "Tail" }));
    assert.equal(res.FunctionError, undefined, new TextDecoder().decode(res.Payload));
    assert.deepEqual(json(res.Payload), { shell: true, handler: "my.handler", event: { i } });
    assert.match(Buffer.from(res.LogResult, "base64").toString(), /shell handling [0-9a-f-]{36}/);
  }
  await lambda.send(new DeleteFunctionCommand({ FunctionName: name }));
});

const ric = path.resolve(here, "../node_modules/aws-lambda-ric");
const ricBuilt = fs.existsSync(path.join(ric, "dist/rapid-client.node"));

test("a Node function through the real aws-lambda-ric", { skip: ricBuilt ? false : "aws-lambda-ric is not built (npm ci needs autoconf automake libtool libcurl4-openssl-dev)" }, async () => {
  const files = {};
  for (const rel of ["package.json", "bin/index.mjs", "dist/index.mjs", "dist/rapid-client.node"]) {
    files[`nodejs/node_modules/aws-lambda-ric/${rel}`] = { text: fs.readFileSync(path.join(ric, rel)), mode: 0o755 };
  }
  const layerName = unique("ric");
  const layer = await lambda.send(new PublishLayerVersionCommand({ LayerName: layerName, Content: { ZipFile: await zip(files) } }));
  const name = unique("ric-fn");
  await lambda.send(new CreateFunctionCommand({
    FunctionName: name, Runtime: "provided.al2023", Handler: "index.handler", Role: role, Layers: [layer.LayerVersionArn],
    Code: { ZipFile: await zip({
      bootstrap: { text: `#!/bin/sh\ncd "$LAMBDA_TASK_ROOT"\nexec node /opt/nodejs/node_modules/aws-lambda-ric/bin/index.mjs "$_HANDLER"\n`, mode: 0o755 },
      "index.mjs": "export const handler = async (event, context) => ({ ric: true, event, name: context.functionName, id: context.awsRequestId });",
    }) },
  }));
  for (let i = 0; i < 3; i++) {
    const res = await lambda.send(new InvokeCommand({ FunctionName: name, Payload: payload({ i }) }));
    assert.equal(res.FunctionError, undefined, new TextDecoder().decode(res.Payload));
    const body = json(res.Payload);
    assert.equal(body.ric, true);
    assert.deepEqual(body.event, { i });
    assert.equal(body.name, name);
  }
  await lambda.send(new DeleteFunctionCommand({ FunctionName: name }));
  await lambda.send(new DeleteLayerVersionCommand({ LayerName: layerName, VersionNumber: layer.Version }));
});

test("a Node function gets node's flags as AWS's nodejs runtime sets them (gc exposed, heap sized from its memory)", async () => {
  const name = unique("nodeflags");
  await lambda.send(new CreateFunctionCommand({
    FunctionName: name, Runtime: "nodejs20.x", Handler: "index.handler", Role: role, MemorySize: 256,
    Code: { ZipFile: await zip({ "index.js": `const v8 = require("node:v8");
exports.handler = async () => {
  global.gc();
  return { execArgv: process.execArgv, heapLimitMb: Math.round(v8.getHeapStatistics().heap_size_limit / 1048576) };
};` }) },
  }));
  const res = await lambda.send(new InvokeCommand({ FunctionName: name, Payload: payload({}) }));
  assert.equal(res.FunctionError, undefined, new TextDecoder().decode(res.Payload));
  const body = json(res.Payload);
  // 256 MB: new space 25 MB (semi-spaces of 12), old space 231 MB.
  for (const flag of ["--expose-gc", "--max-semi-space-size=12", "--max-old-space-size=231"]) {
    assert.ok(body.execArgv.includes(flag), `${flag} in ${JSON.stringify(body.execArgv)}`);
  }
  assert.ok(body.heapLimitMb >= 231 && body.heapLimitMb < 512, `heap limit ${body.heapLimitMb} MB`);
  await lambda.send(new DeleteFunctionCommand({ FunctionName: name }));
});
