// Control plane of the Lambda API through @aws-sdk/client-lambda.
import { test } from "node:test";
import assert from "node:assert/strict";
import {
  CreateFunctionCommand, GetFunctionCommand, GetFunctionConfigurationCommand, ListFunctionsCommand,
  UpdateFunctionConfigurationCommand, UpdateFunctionCodeCommand, DeleteFunctionCommand, GetAccountSettingsCommand,
  TagResourceCommand, UntagResourceCommand, ListTagsCommand, waitUntilFunctionActiveV2, waitUntilFunctionUpdatedV2,
} from "@aws-sdk/client-lambda";
import { lambda, zip, unique, role, nodeEcho, rejectsWith } from "./helpers.mjs";

test("create, get, update and delete a function", async () => {
  const name = unique("api");
  const created = await lambda.send(new CreateFunctionCommand({
    FunctionName: name, Runtime: "nodejs20.x", Handler: "index.handler", Role: role,
    Code: { ZipFile: await zip({ "index.mjs": nodeEcho }) }, MemorySize: 256, Timeout: 5,
    Environment: { Variables: { GREETING: "hi" } }, Tags: { team: "nimbus" },
  }));
  assert.equal(created.FunctionName, name);
  assert.equal(created.FunctionArn, `arn:aws:lambda:us-east-1:000000000000:function:${name}`);
  assert.equal(created.State, "Pending");
  assert.equal(created.MemorySize, 256);
  assert.match(created.CodeSha256, /^[A-Za-z0-9+/]{43}=$/);
  assert.match(created.LastModified, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+0000$/);

  await waitUntilFunctionActiveV2({ client: lambda, maxWaitTime: 20 }, { FunctionName: name });
  const got = await lambda.send(new GetFunctionCommand({ FunctionName: name }));
  assert.equal(got.Configuration.State, "Active");
  assert.equal(got.Configuration.Environment.Variables.GREETING, "hi");
  assert.deepEqual(got.Tags, { team: "nimbus" });
  assert.equal(got.Code.RepositoryType, "S3");
  const download = await fetch(got.Code.Location);
  assert.equal(download.status, 200);
  assert.equal((await download.arrayBuffer()).byteLength, created.CodeSize);

  const updated = await lambda.send(new UpdateFunctionConfigurationCommand({ FunctionName: name, Timeout: 10, Description: "updated" }));
  assert.equal(updated.Timeout, 10);
  assert.notEqual(updated.RevisionId, created.RevisionId);
  await waitUntilFunctionUpdatedV2({ client: lambda, maxWaitTime: 20 }, { FunctionName: name });
  const config = await lambda.send(new GetFunctionConfigurationCommand({ FunctionName: name }));
  assert.equal(config.Description, "updated");
  assert.equal(config.LastUpdateStatus, "Successful");

  const code = await lambda.send(new UpdateFunctionCodeCommand({ FunctionName: name, ZipFile: await zip({ "index.mjs": nodeEcho + "\n// v2" }) }));
  assert.notEqual(code.CodeSha256, created.CodeSha256);

  await rejectsWith(lambda.send(new UpdateFunctionConfigurationCommand({ FunctionName: name, Timeout: 3, RevisionId: created.RevisionId })), "PreconditionFailedException", 412);

  await lambda.send(new DeleteFunctionCommand({ FunctionName: name }));
  const gone = await rejectsWith(lambda.send(new GetFunctionCommand({ FunctionName: name })), "ResourceNotFoundException", 404);
  assert.match(gone.message, new RegExp(`Function not found: arn:aws:lambda:us-east-1:000000000000:function:${name}`));
});

test("errors are AWS-shaped", async () => {
  const name = unique("err");
  const base = { FunctionName: name, Runtime: "nodejs20.x", Handler: "index.handler", Role: role, Code: { ZipFile: await zip({ "index.mjs": nodeEcho }) } };
  const invalid = await rejectsWith(lambda.send(new CreateFunctionCommand({ ...base, MemorySize: 20000, Timeout: 901 })), "ValidationException", 400);
  assert.match(invalid.message, /2 validation errors detected/);
  assert.match(invalid.message, /memorySize.*less than or equal to 10240/);
  await rejectsWith(lambda.send(new CreateFunctionCommand({ ...base, Environment: { Variables: { AWS_REGION: "x" } } })), "InvalidParameterValueException", 400);
  await rejectsWith(lambda.send(new CreateFunctionCommand({ ...base, Environment: { Variables: { BIG: "x".repeat(5000) } } })), "InvalidParameterValueException", 400);
  await rejectsWith(lambda.send(new CreateFunctionCommand({ ...base, Code: { ZipFile: new TextEncoder().encode("not a zip") } })), "InvalidParameterValueException", 400);
  await lambda.send(new CreateFunctionCommand(base));
  await rejectsWith(lambda.send(new CreateFunctionCommand(base)), "ResourceConflictException", 409);
  await rejectsWith(lambda.send(new GetFunctionCommand({ FunctionName: "no-such-function" })), "ResourceNotFoundException", 404);
  await rejectsWith(lambda.send(new GetFunctionCommand({ FunctionName: "bad name!" })), "ValidationException", 400);
  await lambda.send(new DeleteFunctionCommand({ FunctionName: name }));
});

test("list functions pages with Marker and MaxItems", async () => {
  const prefix = unique("page");
  const names = [];
  for (let i = 0; i < 5; i++) {
    names.push(`${prefix}-${i}`);
    await lambda.send(new CreateFunctionCommand({ FunctionName: `${prefix}-${i}`, Runtime: "python3.12", Handler: "app.handler", Role: role, Code: { ZipFile: await zip({ "app.py": "def handler(e, c):\n    return e\n" }) } }));
  }
  const seen = [];
  let marker;
  let pages = 0;
  do {
    const page = await lambda.send(new ListFunctionsCommand({ MaxItems: 2, Marker: marker }));
    assert.ok(page.Functions.length <= 2);
    seen.push(...page.Functions.map((f) => f.FunctionName));
    marker = page.NextMarker;
    pages++;
  } while (marker && pages < 1000);
  for (const n of names) assert.ok(seen.includes(n), `${n} listed`);
  assert.equal(new Set(seen).size, seen.length, "no duplicates across pages");
  for (const n of names) await lambda.send(new DeleteFunctionCommand({ FunctionName: n }));
});

test("tags and account settings", async () => {
  const name = unique("tags");
  const { FunctionArn } = await lambda.send(new CreateFunctionCommand({ FunctionName: name, Runtime: "nodejs20.x", Handler: "index.handler", Role: role, Code: { ZipFile: await zip({ "index.mjs": nodeEcho }) } }));
  await lambda.send(new TagResourceCommand({ Resource: FunctionArn, Tags: { a: "1", b: "2" } }));
  await lambda.send(new UntagResourceCommand({ Resource: FunctionArn, TagKeys: ["a"] }));
  const { Tags } = await lambda.send(new ListTagsCommand({ Resource: FunctionArn }));
  assert.deepEqual(Tags, { b: "2" });
  const settings = await lambda.send(new GetAccountSettingsCommand({}));
  assert.equal(settings.AccountLimit.ConcurrentExecutions, 1000);
  assert.equal(settings.AccountLimit.CodeSizeUnzipped, 262144000);
  assert.ok(settings.AccountUsage.FunctionCount >= 1);
  await lambda.send(new DeleteFunctionCommand({ FunctionName: name }));
});
