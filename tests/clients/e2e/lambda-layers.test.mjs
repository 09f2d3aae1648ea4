// Layers: published, listed, merged in order at /opt.
import { test } from "node:test";
import assert from "node:assert/strict";
import {
  PublishLayerVersionCommand, GetLayerVersionCommand, ListLayersCommand, ListLayerVersionsCommand, DeleteLayerVersionCommand,
  CreateFunctionCommand, InvokeCommand, DeleteFunctionCommand, GetLayerVersionByArnCommand,
} from "@aws-sdk/client-lambda";
import { lambda, zip, unique, role, json, payload, rejectsWith } from "./helpers.mjs";

test("a function sees its layers' files at /opt, later layers winning", async () => {
  const base = unique("base");
  const over = unique("over");
  const l1 = await lambda.send(new PublishLayerVersionCommand({
    LayerName: base, Description: "base layer", CompatibleRuntimes: ["nodejs20.x"],
    Content: { ZipFile: await zip({ "data/who.txt": "base", "data/base-only.txt": "kept", "nodejs/node_modules/greet/index.js": "module.exports = (n) => `hello ${n}`;" }) },
  }));
  assert.equal(l1.Version, 1);
  assert.equal(l1.LayerVersionArn, `arn:aws:lambda:us-east-1:000000000000:layer:${base}:1`);
  assert.match(l1.Content.CodeSha256, /=$/);
  const l2 = await lambda.send(new PublishLayerVersionCommand({ LayerName: over, Content: { ZipFile: await zip({ "data/who.txt": "override" }) } }));

  const name = unique("layered");
  await lambda.send(new CreateFunctionCommand({
    FunctionName: name, Runtime: "nodejs20.x", Handler: "index.handler", Role: role, Layers: [l1.LayerVersionArn, l2.LayerVersionArn],
    Code: { ZipFile: await zip({ "index.mjs": `import fs from "node:fs"; import { createRequire } from "node:module";
const require = createRequire(import.meta.url);
export const handler = async () => ({ who: fs.readFileSync("/opt/data/who.txt", "utf8"), base: fs.readFileSync("/opt/data/base-only.txt", "utf8"), greet: require("greet")("nimbus") });` }) },
  }));
  const res = await lambda.send(new InvokeCommand({ FunctionName: name, Payload: payload({}) }));
  assert.equal(res.FunctionError, undefined, new TextDecoder().decode(res.Payload));
  assert.deepEqual(json(res.Payload), { who: "override", base: "kept", greet: "hello nimbus" });

  const got = await lambda.send(new GetLayerVersionCommand({ LayerName: base, VersionNumber: 1 }));
  assert.equal(got.Description, "base layer");
  const byArn = await lambda.send(new GetLayerVersionByArnCommand({ Arn: l1.LayerVersionArn }));
  assert.equal(byArn.Version, 1);
  const layers = await lambda.send(new ListLayersCommand({}));
  assert.ok(layers.Layers.some((l) => l.LayerName === base && l.LatestMatchingVersion.Version === 1));
  const versions = await lambda.send(new ListLayerVersionsCommand({ LayerName: base }));
  assert.deepEqual(versions.LayerVersions.map((v) => v.Version), [1]);

  await rejectsWith(lambda.send(new CreateFunctionCommand({
    FunctionName: unique("nolayer"), Runtime: "nodejs20.x", Handler: "index.handler", Role: role,
    Layers: [`arn:aws:lambda:us-east-1:000000000000:layer:${base}:99`], Code: { ZipFile: await zip({ "index.mjs": "export const handler = async () => 1;" }) },
  })), "InvalidParameterValueException", 400);

  await lambda.send(new DeleteFunctionCommand({ FunctionName: name }));
  await lambda.send(new DeleteLayerVersionCommand({ LayerName: base, VersionNumber: 1 }));
  await rejectsWith(lambda.send(new GetLayerVersionCommand({ LayerName: base, VersionNumber: 1 })), "ResourceNotFoundException", 404);
});
