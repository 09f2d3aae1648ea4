// Restart test, before the crash: leaves functions, versions, aliases, layers and an accepted Event invoke behind.
import assert from "node:assert/strict";
import {
  CreateFunctionCommand, PublishVersionCommand, CreateAliasCommand, PublishLayerVersionCommand,
  PutFunctionConcurrencyCommand, InvokeCommand,
} from "@aws-sdk/client-lambda";
import { lambda, zip, role, payload } from "../e2e/helpers.mjs";

const name = process.env.NIMBUS_RESTART_NAME;
const layer = await lambda.send(new PublishLayerVersionCommand({ LayerName: `${name}-layer`, Content: { ZipFile: await zip({ "data/layer.txt": "from the layer" }) } }));
await lambda.send(new CreateFunctionCommand({
  FunctionName: name, Runtime: "nodejs20.x", Handler: "index.handler", Role: role, Layers: [layer.LayerVersionArn],
  Code: { ZipFile: await zip({ "index.mjs": `import fs from "node:fs";
export const handler = async (e) => { console.log("processed", e.marker); return { layer: fs.readFileSync("/opt/data/layer.txt", "utf8"), marker: e.marker }; };` }) },
}));
const v1 = await lambda.send(new PublishVersionCommand({ FunctionName: name }));
assert.equal(v1.Version, "1");
await lambda.send(new CreateAliasCommand({ FunctionName: name, Name: "prod", FunctionVersion: "1" }));
// Reserved concurrency 0 keeps the accepted event queued (throttled) until after the restart.
await lambda.send(new PutFunctionConcurrencyCommand({ FunctionName: name, ReservedConcurrentExecutions: 0 }));
const accepted = await lambda.send(new InvokeCommand({ FunctionName: name, InvocationType: "Event", Payload: payload({ marker: `${name}-survivor` }) }));
assert.equal(accepted.StatusCode, 202);
console.log("phase 1 done");
