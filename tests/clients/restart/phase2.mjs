// Restart test, after the crash: everything from phase 1 is still there and the queued event runs.
import assert from "node:assert/strict";
import {
  GetFunctionCommand, ListVersionsByFunctionCommand, GetAliasCommand, GetLayerVersionCommand,
  DeleteFunctionConcurrencyCommand, InvokeCommand,
} from "@aws-sdk/client-lambda";
import { lambda, json, payload, waitForLog } from "../e2e/helpers.mjs";

const name = process.env.NIMBUS_RESTART_NAME;
const fn = await lambda.send(new GetFunctionCommand({ FunctionName: name }));
assert.equal(fn.Configuration.State, "Active");
assert.equal(fn.Concurrency.ReservedConcurrentExecutions, 0);
const versions = await lambda.send(new ListVersionsByFunctionCommand({ FunctionName: name }));
assert.deepEqual(versions.Versions.map((v) => v.Version), ["$LATEST", "1"]);
const alias = await lambda.send(new GetAliasCommand({ FunctionName: name, Name: "prod" }));
assert.equal(alias.FunctionVersion, "1");
const layer = await lambda.send(new GetLayerVersionCommand({ LayerName: `${name}-layer`, VersionNumber: 1 }));
assert.equal(layer.Version, 1);

await lambda.send(new DeleteFunctionConcurrencyCommand({ FunctionName: name }));
await waitForLog(name, `processed ${name}-survivor`, 30000);
const res = await lambda.send(new InvokeCommand({ FunctionName: name, Qualifier: "prod", Payload: payload({ marker: "after" }) }));
assert.deepEqual(json(res.Payload), { layer: "from the layer", marker: "after" });
console.log("phase 2 done");
