// Versions and aliases, including weighted routing.
import { test } from "node:test";
import assert from "node:assert/strict";
import {
  CreateFunctionCommand, UpdateFunctionCodeCommand, PublishVersionCommand, ListVersionsByFunctionCommand, CreateAliasCommand,
  GetAliasCommand, UpdateAliasCommand, ListAliasesCommand, DeleteAliasCommand, InvokeCommand, DeleteFunctionCommand, GetFunctionCommand,
} from "@aws-sdk/client-lambda";
import { lambda, zip, unique, role, json, payload, rejectsWith } from "./helpers.mjs";

const code = (v) => zip({ "index.mjs": `export const handler = async (e, c) => ({ v: ${v}, version: c.functionVersion, arn: c.invokedFunctionArn });` });

test("versions are immutable snapshots and aliases route by weight", async () => {
  const name = unique("ver");
  await lambda.send(new CreateFunctionCommand({ FunctionName: name, Runtime: "nodejs20.x", Handler: "index.handler", Role: role, Code: { ZipFile: await code(1) }, Publish: true }));
  await lambda.send(new UpdateFunctionCodeCommand({ FunctionName: name, ZipFile: await code(2) }));
  const v2 = await lambda.send(new PublishVersionCommand({ FunctionName: name, Description: "second" }));
  assert.equal(v2.Version, "2");
  assert.equal(v2.FunctionArn.endsWith(`:${name}:2`), true);
  const again = await lambda.send(new PublishVersionCommand({ FunctionName: name }));
  assert.equal(again.Version, "2", "publishing an unchanged $LATEST returns the last version");

  const versions = await lambda.send(new ListVersionsByFunctionCommand({ FunctionName: name }));
  assert.deepEqual(versions.Versions.map((v) => v.Version), ["$LATEST", "1", "2"]);

  const v1 = await lambda.send(new InvokeCommand({ FunctionName: name, Qualifier: "1", Payload: payload({}) }));
  assert.equal(json(v1.Payload).v, 1);
  assert.equal(v1.ExecutedVersion, "1");
  const latest = await lambda.send(new InvokeCommand({ FunctionName: `${name}:$LATEST`, Payload: payload({}) }));
  assert.equal(json(latest.Payload).v, 2);

  const alias = await lambda.send(new CreateAliasCommand({ FunctionName: name, Name: "live", FunctionVersion: "1", RoutingConfig: { AdditionalVersionWeights: { "2": 0.3 } } }));
  assert.equal(alias.AliasArn, `arn:aws:lambda:us-east-1:000000000000:function:${name}:live`);
  await rejectsWith(lambda.send(new CreateAliasCommand({ FunctionName: name, Name: "live", FunctionVersion: "1" })), "ResourceConflictException", 409);
  await rejectsWith(lambda.send(new CreateAliasCommand({ FunctionName: name, Name: "bad", FunctionVersion: "9" })), "ResourceNotFoundException", 404);

  const n = 400;
  let second = 0;
  for (let i = 0; i < n; i++) {
    const res = await lambda.send(new InvokeCommand({ FunctionName: name, Qualifier: "live", Payload: payload({}) }));
    const body = json(res.Payload);
    assert.equal(body.version, res.ExecutedVersion);
    assert.equal(body.arn.endsWith(":live"), true);
    if (res.ExecutedVersion === "2") second++;
  }
  // Binomial(400, 0.3): mean 120, sd ~9.2; ±5 sd keeps a false failure below one in a million.
  assert.ok(second > 74 && second < 166, `version 2 served ${second} of ${n}`);

  const moved = await lambda.send(new UpdateAliasCommand({ FunctionName: name, Name: "live", FunctionVersion: "2", RoutingConfig: { AdditionalVersionWeights: {} } }));
  assert.equal(moved.FunctionVersion, "2");
  const got = await lambda.send(new GetAliasCommand({ FunctionName: name, Name: "live" }));
  assert.equal(got.RoutingConfig?.AdditionalVersionWeights?.["2"], undefined);
  const list = await lambda.send(new ListAliasesCommand({ FunctionName: name }));
  assert.deepEqual(list.Aliases.map((a) => a.Name), ["live"]);
  const viaAlias = await lambda.send(new GetFunctionCommand({ FunctionName: name, Qualifier: "live" }));
  assert.equal(viaAlias.Configuration.Version, "2");

  await rejectsWith(lambda.send(new DeleteFunctionCommand({ FunctionName: name, Qualifier: "2" })), "ResourceConflictException", 409);
  await lambda.send(new DeleteAliasCommand({ FunctionName: name, Name: "live" }));
  await lambda.send(new DeleteFunctionCommand({ FunctionName: name, Qualifier: "2" }));
  await rejectsWith(lambda.send(new InvokeCommand({ FunctionName: name, Qualifier: "2", Payload: payload({}) })), "ResourceNotFoundException", 404);
  await lambda.send(new DeleteFunctionCommand({ FunctionName: name }));
});
