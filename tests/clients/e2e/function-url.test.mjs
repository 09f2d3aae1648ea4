// Lambda function URLs: the URL config API through @aws-sdk/client-lambda, and calls to the URL with fetch.
import { test, before, after, describe } from "node:test";
import assert from "node:assert/strict";
import http from "node:http";
import { createHash, createHmac } from "node:crypto";
import { SignatureV4 } from "@smithy/signature-v4";
import {
  CreateFunctionCommand, DeleteFunctionCommand, PublishVersionCommand, CreateAliasCommand, DeleteAliasCommand,
  CreateFunctionUrlConfigCommand, GetFunctionUrlConfigCommand, UpdateFunctionUrlConfigCommand,
  DeleteFunctionUrlConfigCommand, ListFunctionUrlConfigsCommand,
} from "@aws-sdk/client-lambda";
import { CloudFormationClient, CreateStackCommand, UpdateStackCommand, DeleteStackCommand, DescribeStacksCommand } from "@aws-sdk/client-cloudformation";
import { lambda, zip, unique, role, rejectsWith, endpoint, waitFor } from "./helpers.mjs";

const name = unique("fnurl");

// Echoes the event (a plain value: 200 application/json), or answers in the structured shape, binary, or fails.
const code = `export const handler = async (event) => {
  const path = event.rawPath;
  if (path === "/structured") {
    return { statusCode: 201, headers: { "x-custom": "yes", "content-type": "text/plain" }, cookies: ["a=1; Path=/", "b=2"], body: "created" };
  }
  if (path === "/binary") {
    return { statusCode: 200, headers: { "content-type": "application/octet-stream" }, isBase64Encoded: true, body: Buffer.from([0, 1, 2, 253, 254, 255]).toString("base64") };
  }
  if (path === "/fail") {
    throw new Error("boom");
  }
  return { event };
};`;

/** node:crypto in the shape @smithy/signature-v4 wants. */
class Sha256 {
  constructor(secret) { this.hash = secret ? createHmac("sha256", secret) : createHash("sha256"); }
  update(data) { this.hash.update(typeof data === "string" ? Buffer.from(data) : Buffer.from(data.buffer ?? data, data.byteOffset, data.byteLength)); }
  async digest() { return new Uint8Array(this.hash.digest()); }
}
const signer = new SignatureV4({ credentials: { accessKeyId: "111122223333", secretAccessKey: "test" }, region: "us-east-1", service: "lambda", sha256: Sha256 });

let url;

before(async () => {
  await lambda.send(new CreateFunctionCommand({
    FunctionName: name, Runtime: "nodejs20.x", Handler: "index.handler", Role: role, Code: { ZipFile: await zip({ "index.mjs": code }) },
  }));
  const created = await lambda.send(new CreateFunctionUrlConfigCommand({
    FunctionName: name, AuthType: "NONE",
    Cors: { AllowOrigins: ["https://app.example.com"], AllowMethods: ["GET", "POST"], AllowHeaders: ["x-custom"], ExposeHeaders: ["x-custom"], MaxAge: 300, AllowCredentials: true },
  }));
  url = created.FunctionUrl;
});

after(async () => lambda.send(new DeleteFunctionCommand({ FunctionName: name })));

const call = async (path, init) => {
  const res = await fetch(new URL(path, url), init);
  const bytes = Buffer.from(await res.arrayBuffer());
  return { status: res.status, headers: res.headers, bytes, text: bytes.toString("utf8"), json: () => JSON.parse(bytes.toString("utf8")) };
};

describe("the URL config API", () => {
  test("Create returns the URL, a second Create conflicts, Get/Update/List read it back", async () => {
    assert.match(url, /^http:\/\/127\.0\.0\.1:\d+\/_lambda-url\/[a-z0-9]{32}\/$/);
    await rejectsWith(lambda.send(new CreateFunctionUrlConfigCommand({ FunctionName: name, AuthType: "NONE" })), "ResourceConflictException", 409);

    const got = await lambda.send(new GetFunctionUrlConfigCommand({ FunctionName: name }));
    assert.equal(got.FunctionUrl, url);
    assert.equal(got.FunctionArn, `arn:aws:lambda:us-east-1:000000000000:function:${name}`);
    assert.equal(got.AuthType, "NONE");
    assert.equal(got.InvokeMode, "BUFFERED");
    assert.deepEqual(got.Cors.AllowOrigins, ["https://app.example.com"]);
    assert.equal(got.Cors.MaxAge, 300);
    assert.match(got.CreationTime, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/);
    assert.ok(got.LastModifiedTime);

    const updated = await lambda.send(new UpdateFunctionUrlConfigCommand({ FunctionName: name, InvokeMode: "RESPONSE_STREAM" }));
    assert.equal(updated.InvokeMode, "RESPONSE_STREAM");
    assert.equal(updated.FunctionUrl, url, "the URL never changes");
    assert.deepEqual(updated.Cors.AllowMethods, ["GET", "POST"], "Cors is kept when not given");
    await lambda.send(new UpdateFunctionUrlConfigCommand({ FunctionName: name, InvokeMode: "BUFFERED" }));

    const list = await lambda.send(new ListFunctionUrlConfigsCommand({ FunctionName: name }));
    assert.deepEqual(list.FunctionUrlConfigs.map((c) => c.FunctionUrl), [url]);
  });

  test("validation: versions are not allowed, AuthType and InvokeMode are enums, MaxAge is bounded", async () => {
    let e = await rejectsWith(lambda.send(new CreateFunctionUrlConfigCommand({ FunctionName: name, Qualifier: "1", AuthType: "NONE" })), "ValidationException", 400);
    assert.match(e.message, /Value '1' at 'qualifier' failed to satisfy constraint/);
    e = await rejectsWith(lambda.send(new CreateFunctionUrlConfigCommand({ FunctionName: name, Qualifier: "nope", AuthType: "BOGUS", InvokeMode: "X" })), "ValidationException", 400);
    assert.match(e.message, /^2 validation errors detected: Value 'BOGUS' at 'authType' failed to satisfy constraint: Member must satisfy enum value set: \[NONE, AWS_IAM\]; Value 'X' at 'invokeMode'/);
    e = await rejectsWith(lambda.send(new UpdateFunctionUrlConfigCommand({ FunctionName: name, Cors: { MaxAge: 90000 } })), "ValidationException", 400);
    assert.match(e.message, /'cors.maxAge' failed to satisfy constraint: Member must have value less than or equal to 86400/);
    await rejectsWith(lambda.send(new CreateFunctionUrlConfigCommand({ FunctionName: name, Qualifier: "missing-alias", AuthType: "NONE" })), "ResourceNotFoundException", 404);
    await rejectsWith(lambda.send(new GetFunctionUrlConfigCommand({ FunctionName: "no-such-function-x" })), "ResourceNotFoundException", 404);
  });

  test("an alias has its own URL; deleting the alias or the config removes it", async () => {
    const v = await lambda.send(new PublishVersionCommand({ FunctionName: name }));
    await lambda.send(new CreateAliasCommand({ FunctionName: name, Name: "live", FunctionVersion: v.Version }));
    const alias = await lambda.send(new CreateFunctionUrlConfigCommand({ FunctionName: name, Qualifier: "live", AuthType: "NONE" }));
    assert.equal(alias.FunctionArn, `arn:aws:lambda:us-east-1:000000000000:function:${name}:live`);
    assert.notEqual(alias.FunctionUrl, url);
    const res = await fetch(alias.FunctionUrl);
    assert.equal(res.status, 200);
    assert.equal((await lambda.send(new ListFunctionUrlConfigsCommand({ FunctionName: name }))).FunctionUrlConfigs.length, 2);

    await lambda.send(new DeleteAliasCommand({ FunctionName: name, Name: "live" }));
    await rejectsWith(lambda.send(new GetFunctionUrlConfigCommand({ FunctionName: name, Qualifier: "live" })), "ResourceNotFoundException", 404);
    const gone = await fetch(alias.FunctionUrl);
    assert.equal(gone.status, 403);
    assert.deepEqual(await gone.json(), { Message: "Forbidden" });
  });
});

describe("calling the URL", () => {
  test("GET with a query and cookies: the payload 2.0 event as function URLs send it", async () => {
    const res = await call("items/a%20b?x=1&x=2&y=z", { headers: { cookie: "c1=v1; c2=v2", "user-agent": "fnurl-test", "x-multi": "one" } });
    assert.equal(res.status, 200);
    assert.equal(res.headers.get("content-type"), "application/json");
    const { event } = res.json();
    assert.equal(event.version, "2.0");
    assert.equal(event.routeKey, "$default");
    assert.equal(event.rawPath, "/items/a b");
    assert.equal(event.rawQueryString, "x=1&x=2&y=z");
    assert.deepEqual(event.queryStringParameters, { x: "1,2", y: "z" });
    assert.deepEqual(event.cookies, ["c1=v1", "c2=v2"]);
    assert.equal(event.headers["user-agent"], "fnurl-test");
    assert.equal(event.headers.cookie, undefined);
    assert.equal(event.isBase64Encoded, false);
    assert.equal(event.body, undefined);
    assert.equal(event.pathParameters, null);
    assert.equal(event.stageVariables, null);
    const id = new URL(url).pathname.split("/")[2];
    const rc = event.requestContext;
    assert.equal(rc.accountId, "anonymous");
    assert.equal(rc.apiId, id);
    assert.equal(rc.domainPrefix, id);
    assert.equal(rc.domainName, `${id}.lambda-url.us-east-1.localhost`);
    assert.equal(rc.routeKey, "$default");
    assert.equal(rc.stage, "$default");
    assert.equal(rc.authentication, null);
    assert.equal(rc.authorizer, undefined);
    assert.deepEqual({ ...rc.http, sourceIp: undefined }, { method: "GET", path: "/items/a b", protocol: "HTTP/1.1", sourceIp: undefined, userAgent: "fnurl-test" });
    assert.match(rc.http.sourceIp, /127\.0\.0\.1/);
    assert.match(rc.requestId, /^[0-9a-f-]{36}$/);
    assert.match(rc.time, /^\d\d\/\w{3}\/\d{4}:\d\d:\d\d:\d\d \+0000$/);
    assert.equal(typeof rc.timeEpoch, "number");
  });

  test("POST with a JSON body; a structured response sets status, headers and cookies", async () => {
    const posted = await call("echo", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ hello: "world" }) });
    const { event } = posted.json();
    assert.equal(event.requestContext.http.method, "POST");
    assert.equal(event.isBase64Encoded, false);
    assert.deepEqual(JSON.parse(event.body), { hello: "world" });

    const res = await call("structured", { method: "POST", body: "x" });
    assert.equal(res.status, 201);
    assert.equal(res.text, "created");
    assert.equal(res.headers.get("x-custom"), "yes");
    assert.deepEqual(res.headers.getSetCookie(), ["a=1; Path=/", "b=2"]);
    assert.ok(res.headers.get("x-amzn-requestid"));
  });

  test("binary bodies travel base64-encoded both ways", async () => {
    const bytes = Uint8Array.from([0, 159, 146, 150, 255]);
    const res = await call("upload", { method: "POST", headers: { "content-type": "application/octet-stream" }, body: bytes });
    const { event } = res.json();
    assert.equal(event.isBase64Encoded, true);
    assert.deepEqual([...Buffer.from(event.body, "base64")], [...bytes]);

    const bin = await call("binary");
    assert.equal(bin.status, 200);
    assert.equal(bin.headers.get("content-type"), "application/octet-stream");
    assert.deepEqual([...bin.bytes], [0, 1, 2, 253, 254, 255]);
  });

  test("the Host form {url-id}.lambda-url.{region}.localhost reaches the same function", async () => {
    const u = new URL(url);
    const id = u.pathname.split("/")[2];
    const body = await new Promise((resolve, reject) => {
      const req = http.request({ host: u.hostname, port: u.port, path: "/by-host?q=1", headers: { host: `${id}.lambda-url.us-east-1.localhost:${u.port}` } }, (res) => {
        let text = "";
        res.on("data", (c) => { text += c; });
        res.on("end", () => resolve({ status: res.statusCode, text }));
      });
      req.on("error", reject);
      req.end();
    });
    assert.equal(body.status, 200);
    const { event } = JSON.parse(body.text);
    assert.equal(event.rawPath, "/by-host");
    assert.equal(event.requestContext.domainName, `${id}.lambda-url.us-east-1.localhost`);
  });

  test("CORS: the URL answers preflights itself and decorates responses for allowed origins", async () => {
    const pre = await call("anything", { method: "OPTIONS", headers: { origin: "https://app.example.com", "access-control-request-method": "POST", "access-control-request-headers": "x-custom" } });
    assert.equal(pre.status, 204);
    assert.equal(pre.headers.get("access-control-allow-origin"), "https://app.example.com");
    assert.equal(pre.headers.get("access-control-allow-methods"), "GET,POST");
    assert.equal(pre.headers.get("access-control-allow-headers"), "x-custom");
    assert.equal(pre.headers.get("access-control-allow-credentials"), "true");
    assert.equal(pre.headers.get("access-control-max-age"), "300");

    const other = await call("anything", { method: "OPTIONS", headers: { origin: "https://evil.example.com", "access-control-request-method": "POST" } });
    assert.equal(other.headers.get("access-control-allow-origin"), null);

    const res = await call("anything", { headers: { origin: "https://app.example.com" } });
    assert.equal(res.headers.get("access-control-allow-origin"), "https://app.example.com");
    assert.equal(res.headers.get("access-control-expose-headers"), "x-custom");
  });

  test("a function error is 502", async () => {
    const res = await call("fail");
    assert.equal(res.status, 502);
  });

  test("AWS_IAM: unsigned calls get 403 Forbidden, SigV4-signed ones reach the function with authorizer.iam", async () => {
    await lambda.send(new UpdateFunctionUrlConfigCommand({ FunctionName: name, AuthType: "AWS_IAM" }));
    try {
      const unsigned = await call("secure");
      assert.equal(unsigned.status, 403);
      assert.deepEqual(unsigned.json(), { Message: "Forbidden" });

      const target = new URL("secure?k=v", url);
      const signed = await signer.sign({
        method: "GET", protocol: target.protocol, hostname: target.hostname, port: Number(target.port), path: target.pathname,
        query: Object.fromEntries(target.searchParams), headers: { host: target.host },
      });
      const { host, ...headers } = signed.headers;
      const ok = await fetch(target, { headers });
      assert.equal(ok.status, 200);
      const { event } = await ok.json();
      assert.equal(event.requestContext.accountId, "111122223333");
      assert.equal(event.requestContext.authorizer.iam.accountId, "111122223333");
      assert.equal(event.requestContext.authorizer.iam.accessKey, "111122223333");

      const tampered = await fetch(new URL("secure?k=other", url), { headers });
      assert.equal(tampered.status, 403);
    } finally {
      await lambda.send(new UpdateFunctionUrlConfigCommand({ FunctionName: name, AuthType: "NONE" }));
    }
  });
});

test("deleting the config, or the function, takes the URL away", async () => {
  const other = unique("fnurl-del");
  await lambda.send(new CreateFunctionCommand({
    FunctionName: other, Runtime: "nodejs20.x", Handler: "index.handler", Role: role, Code: { ZipFile: await zip({ "index.mjs": code }) },
  }));
  let { FunctionUrl } = await lambda.send(new CreateFunctionUrlConfigCommand({ FunctionName: other, AuthType: "NONE" }));
  assert.equal((await fetch(FunctionUrl)).status, 200);
  await lambda.send(new DeleteFunctionUrlConfigCommand({ FunctionName: other }));
  assert.equal((await fetch(FunctionUrl)).status, 403);
  await rejectsWith(lambda.send(new DeleteFunctionUrlConfigCommand({ FunctionName: other })), "ResourceNotFoundException", 404);

  ({ FunctionUrl } = await lambda.send(new CreateFunctionUrlConfigCommand({ FunctionName: other, AuthType: "NONE" })));
  await lambda.send(new DeleteFunctionCommand({ FunctionName: other }));
  assert.equal((await fetch(FunctionUrl)).status, 403);
});

describe("CloudFormation", () => {
  const cfn = new CloudFormationClient({ endpoint, region: "us-east-1", credentials: { accessKeyId: "test", secretAccessKey: "test" }, maxAttempts: 1 });
  const settled = (stackName) => waitFor(async () => {
    const s = (await cfn.send(new DescribeStacksCommand({ StackName: stackName }))).Stacks[0];
    return /(_COMPLETE|_FAILED)$/.test(s.StackStatus) ? s : null;
  }, 60000, `stack ${stackName} to settle`);
  const outputs = (stack) => Object.fromEntries((stack.Outputs ?? []).map((o) => [o.OutputKey, o.OutputValue]));
  const template = (origin) => `
Transform: AWS::Serverless-2016-10-31
Resources:
  Site:
    Type: AWS::Serverless::Function
    Properties:
      Runtime: nodejs20.x
      Handler: index.handler
      AutoPublishAlias: live
      InlineCode: |
        exports.handler = async (event) => ({ statusCode: 200, headers: { "content-type": "text/plain" }, body: "hello " + event.rawPath });
      FunctionUrlConfig:
        AuthType: NONE
        Cors:
          AllowOrigins: ["${origin}"]
Outputs:
  Url:
    Value: !GetAtt SiteUrl.FunctionUrl
  Arn:
    Value: !GetAtt SiteUrl.FunctionArn
  Ref:
    Value: !Ref SiteUrl
`;

  test("a SAM FunctionUrlConfig deploys as AWS::Lambda::Url on the alias; update keeps the URL, delete removes it", async () => {
    const stackName = unique("fnurl-stack");
    await cfn.send(new CreateStackCommand({ StackName: stackName, TemplateBody: template("https://one.example.com"), Capabilities: ["CAPABILITY_IAM", "CAPABILITY_AUTO_EXPAND"] }));
    const created = await settled(stackName);
    assert.equal(created.StackStatus, "CREATE_COMPLETE", created.StackStatusReason);
    const out = outputs(created);
    assert.match(out.Url, /\/_lambda-url\/[a-z0-9]{32}\/$/);
    assert.match(out.Arn, new RegExp(`^arn:aws:lambda:us-east-1:000000000000:function:${stackName}-Site-[A-Za-z0-9]+:live$`));
    assert.equal(out.Ref, out.Arn);

    const res = await fetch(new URL("path", out.Url), { headers: { origin: "https://one.example.com" } });
    assert.equal(res.status, 200);
    assert.equal(await res.text(), "hello /path");
    assert.equal(res.headers.get("access-control-allow-origin"), "https://one.example.com");

    await cfn.send(new UpdateStackCommand({ StackName: stackName, TemplateBody: template("https://two.example.com"), Capabilities: ["CAPABILITY_IAM", "CAPABILITY_AUTO_EXPAND"] }));
    const updated = await settled(stackName);
    assert.equal(updated.StackStatus, "UPDATE_COMPLETE", updated.StackStatusReason);
    assert.equal(outputs(updated).Url, out.Url, "an update in place keeps the URL");
    const again = await fetch(new URL("x", out.Url), { headers: { origin: "https://two.example.com" } });
    assert.equal(again.headers.get("access-control-allow-origin"), "https://two.example.com");

    await cfn.send(new DeleteStackCommand({ StackName: stackName }));
    await waitFor(async () => {
      const r = await cfn.send(new DescribeStacksCommand({ StackName: stackName })).catch((e) => e);
      return r instanceof Error || r.Stacks[0].StackStatus === "DELETE_COMPLETE";
    }, 60000, "stack delete");
    assert.equal((await fetch(out.Url)).status, 403);
  });
});
