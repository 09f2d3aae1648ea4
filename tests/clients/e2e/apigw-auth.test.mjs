// API Gateway protection end to end: authorizers (REST TOKEN/REQUEST, HTTP Lambda simple responses, JWT, AWS_IAM),
// API keys and usage plans (quota, throttle), stage throttling and the REST stage cache — created with the real
// @aws-sdk/client-api-gateway / client-apigatewayv2 clients, Lambda authorizers created with client-lambda, and the
// invoke URLs called with fetch (IAM requests signed by @smithy/signature-v4).
import { test, before, after, describe } from "node:test";
import assert from "node:assert/strict";
import http from "node:http";
import { createHash, createHmac, createSign, generateKeyPairSync } from "node:crypto";
import { SignatureV4 } from "@smithy/signature-v4";
import {
  APIGatewayClient, CreateRestApiCommand, DeleteRestApiCommand, GetResourcesCommand, CreateResourceCommand, PutMethodCommand,
  PutIntegrationCommand, CreateDeploymentCommand, UpdateStageCommand, GetStageCommand, CreateAuthorizerCommand, GetAuthorizersCommand,
  GetAuthorizerCommand, UpdateAuthorizerCommand, DeleteAuthorizerCommand, TestInvokeAuthorizerCommand, FlushStageCacheCommand,
  FlushStageAuthorizersCacheCommand, CreateApiKeyCommand, GetApiKeyCommand, GetApiKeysCommand, UpdateApiKeyCommand, DeleteApiKeyCommand,
  CreateUsagePlanCommand, GetUsagePlanCommand, GetUsagePlansCommand, UpdateUsagePlanCommand, DeleteUsagePlanCommand,
  CreateUsagePlanKeyCommand, GetUsagePlanKeysCommand, DeleteUsagePlanKeyCommand, GetUsageCommand,
} from "@aws-sdk/client-api-gateway";
import {
  ApiGatewayV2Client, CreateApiCommand, DeleteApiCommand, CreateIntegrationCommand, CreateRouteCommand, CreateStageCommand,
  CreateAuthorizerCommand as CreateAuthorizerV2Command, GetAuthorizersCommand as GetAuthorizersV2Command,
  GetAuthorizerCommand as GetAuthorizerV2Command, UpdateAuthorizerCommand as UpdateAuthorizerV2Command,
  DeleteAuthorizerCommand as DeleteAuthorizerV2Command, UpdateStageCommand as UpdateStageV2Command,
} from "@aws-sdk/client-apigatewayv2";
import { CreateFunctionCommand, DeleteFunctionCommand } from "@aws-sdk/client-lambda";
import { CreateLogGroupCommand, DeleteLogGroupCommand, FilterLogEventsCommand } from "@aws-sdk/client-cloudwatch-logs";
import { lambda, logs, zip, unique, role, endpoint, rejectsWith, waitFor } from "./helpers.mjs";

const config = { endpoint, region: "us-east-1", credentials: { accessKeyId: "test", secretAccessKey: "test" }, maxAttempts: 1 };
const apigw1 = new APIGatewayClient(config);
const apigw2 = new ApiGatewayV2Client(config);

const fns = { echo: unique("auth-echo"), token: unique("auth-token"), request: unique("auth-request"), simple: unique("auth-simple") };
const arn = (name) => `arn:aws:lambda:us-east-1:000000000000:function:${name}`;
const lambdaUri = (name) => `arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/${arn(name)}/invocations`;
const policy = (effect, resource) => `({ Version: "2012-10-17", Statement: [{ Action: "execute-api:Invoke", Effect: "${effect}", Resource: ${resource} }] })`;
const code = {
  echo: `export const handler = async (event) => ({ statusCode: 200, headers: { "content-type": "application/json" }, body: JSON.stringify(event) });`,
  token: `export const handler = async (event) => {
    if (event.authorizationToken === "unauthorized") throw new Error("Unauthorized");
    if (event.authorizationToken === "broken") return { principalId: "x" };
    const effect = event.authorizationToken === "allow" ? "Allow" : "Deny";
    return { principalId: "alice", policyDocument: ${policy("${effect}", "event.methodArn")}, context: { tier: "gold", n: 7, ok: true } };
  };`.replace('"${effect}"', "effect"),
  request: `export const handler = async (event) => ({
    principalId: event.headers["X-User"], policyDocument: ${policy("Allow", `event.methodArn.replace(/\\/GET\\/.*$/, "/GET/*")`)},
    context: { tenant: event.queryStringParameters.tenant, type: event.type },
  });`,
  simple: `export const handler = async (event) => ({ isAuthorized: event.headers.authorization === "letmein", context: { who: "bob", route: event.routeArn } });`,
};

const invokeUrl = (apiId, rest) => `${endpoint}/_api/${apiId}${rest}`;
const call = async (url, headers = {}) => {
  const res = await fetch(url, { headers });
  const text = await res.text();
  return { status: res.status, headers: res.headers, text, json: (() => { try { return JSON.parse(text); } catch { return undefined; } })() };
};

/** node:crypto in the shape @smithy/signature-v4 wants (as @smithy/hash-node). */
class Sha256 {
  constructor(secret) { this.hash = secret ? createHmac("sha256", secret) : createHash("sha256"); }
  update(data) { this.hash.update(typeof data === "string" ? Buffer.from(data) : Buffer.from(data.buffer ?? data, data.byteOffset, data.byteLength)); }
  async digest() { return new Uint8Array(this.hash.digest()); }
}
const signer = new SignatureV4({ credentials: config.credentials, region: "us-east-1", service: "execute-api", sha256: Sha256 });
async function signedHeaders(url) {
  const u = new URL(url);
  const query = Object.fromEntries(u.searchParams);
  const signed = await signer.sign({ method: "GET", protocol: u.protocol, hostname: u.hostname, port: Number(u.port), path: u.pathname, query, headers: { host: u.host } });
  const { host, ...rest } = signed.headers;
  return rest;
}

before(async () => {
  await Promise.all(Object.entries(fns).map(async ([kind, name]) => lambda.send(new CreateFunctionCommand({
    FunctionName: name, Runtime: "nodejs20.x", Handler: "index.handler", Role: role, Code: { ZipFile: await zip({ "index.mjs": code[kind] }) },
  }))));
});

after(async () => {
  await Promise.all(Object.values(fns).map((name) => lambda.send(new DeleteFunctionCommand({ FunctionName: name }))));
});

/** A REST API with GET /items (and /items/{id}) → echo, methods built by method(resourceId). */
async function restApi(methodFields, { beforeDeploy } = {}) {
  const { id } = await apigw1.send(new CreateRestApiCommand({ name: unique("auth-rest") }));
  const root = (await apigw1.send(new GetResourcesCommand({ restApiId: id }))).items[0].id;
  const items = await apigw1.send(new CreateResourceCommand({ restApiId: id, parentId: root, pathPart: "items" }));
  const ctx = { id, items: items.id };
  if (beforeDeploy) Object.assign(ctx, await beforeDeploy(ctx));
  await apigw1.send(new PutMethodCommand({ restApiId: id, resourceId: items.id, httpMethod: "GET", ...methodFields(ctx) }));
  await apigw1.send(new PutIntegrationCommand({ restApiId: id, resourceId: items.id, httpMethod: "GET", type: "AWS_PROXY", integrationHttpMethod: "POST", uri: lambdaUri(fns.echo) }));
  await apigw1.send(new CreateDeploymentCommand({ restApiId: id, stageName: "prod" }));
  return ctx;
}

describe("REST API authorizers", () => {
  test("TOKEN authorizer: CRUD, 401/403/500, context and principal in the event, TestInvokeAuthorizer", async () => {
    let authorizerId;
    const { id } = await restApi(({ authorizerId: a }) => ({ authorizationType: "CUSTOM", authorizerId: a }), {
      beforeDeploy: async ({ id }) => {
        const a = await apigw1.send(new CreateAuthorizerCommand({
          restApiId: id, name: "tok", type: "TOKEN", authorizerUri: lambdaUri(fns.token),
          identitySource: "method.request.header.Authorization", identityValidationExpression: "^(allow|deny|unauthorized|broken)$",
        }));
        assert.equal(a.type, "TOKEN");
        assert.equal(a.authorizerResultTtlInSeconds, 300);
        authorizerId = a.id;
        return { authorizerId: a.id };
      },
    });
    const list = await apigw1.send(new GetAuthorizersCommand({ restApiId: id }));
    assert.deepEqual(list.items.map((a) => a.name), ["tok"]);
    await rejectsWith(apigw1.send(new CreateAuthorizerCommand({ restApiId: id, name: "bad", type: "TOKEN", authorizerUri: lambdaUri(fns.token), identitySource: "method.request.querystring.x" })), "BadRequestException", 400);

    const url = invokeUrl(id, "/prod/items");
    const missing = await call(url);
    assert.equal(missing.status, 401);
    assert.deepEqual(missing.json, { message: "Unauthorized" });
    assert.equal(missing.headers.get("x-amzn-errortype"), "UnauthorizedException");
    assert.equal((await call(url, { Authorization: "not-matching-the-expression" })).status, 401);
    assert.equal((await call(url, { Authorization: "unauthorized" })).status, 401);
    const broken = await call(url, { Authorization: "broken" });
    assert.equal(broken.status, 500);
    assert.equal(broken.headers.get("x-amzn-errortype"), "AuthorizerConfigurationException");
    const denied = await call(url, { Authorization: "deny" });
    assert.equal(denied.status, 403);
    assert.deepEqual(denied.json, { Message: "User is not authorized to access this resource with an explicit deny" });

    const ok = await call(url, { Authorization: "allow" });
    assert.equal(ok.status, 200);
    const authorizer = ok.json.requestContext.authorizer;
    assert.equal(authorizer.principalId, "alice");
    assert.equal(authorizer.tier, "gold");
    assert.equal(authorizer.n, 7);
    assert.equal(authorizer.ok, true);
    assert.equal(typeof authorizer.integrationLatency, "number");

    const updated = await apigw1.send(new UpdateAuthorizerCommand({ restApiId: id, authorizerId, patchOperations: [{ op: "replace", path: "/authorizerResultTtlInSeconds", value: "0" }] }));
    assert.equal(updated.authorizerResultTtlInSeconds, 0);
    assert.equal((await apigw1.send(new GetAuthorizerCommand({ restApiId: id, authorizerId }))).authorizerResultTtlInSeconds, 0);
    await apigw1.send(new FlushStageAuthorizersCacheCommand({ restApiId: id, stageName: "prod" }));

    const tested = await apigw1.send(new TestInvokeAuthorizerCommand({ restApiId: id, authorizerId, headers: { Authorization: "allow" }, pathWithQueryString: "/items" }));
    assert.equal(tested.clientStatus, 200);
    assert.equal(tested.principalId, "alice");
    assert.equal(JSON.parse(tested.policy).Statement[0].Effect, "Allow");
    assert.equal((await apigw1.send(new TestInvokeAuthorizerCommand({ restApiId: id, authorizerId, headers: { Authorization: "unauthorized" } }))).clientStatus, 401);

    await rejectsWith(apigw1.send(new DeleteAuthorizerCommand({ restApiId: id, authorizerId })), "ConflictException", 409);
    await apigw1.send(new DeleteRestApiCommand({ restApiId: id }));
  });

  test("REQUEST authorizer sees headers, query and path; AWS_IAM checks SigV4 signatures", async () => {
    const { id } = await restApi(({ authorizerId }) => ({ authorizationType: "CUSTOM", authorizerId }), {
      beforeDeploy: async ({ id }) => ({
        authorizerId: (await apigw1.send(new CreateAuthorizerCommand({
          restApiId: id, name: "req", type: "REQUEST", authorizerUri: lambdaUri(fns.request),
          identitySource: "method.request.header.X-User, method.request.querystring.tenant", authorizerResultTtlInSeconds: 60,
        }))).id,
      }),
    });
    assert.equal((await call(invokeUrl(id, "/prod/items"), { "X-User": "ann" })).status, 401);
    const ok = await call(invokeUrl(id, "/prod/items?tenant=t1"), { "X-User": "ann" });
    assert.equal(ok.status, 200);
    assert.deepEqual(
      { principalId: ok.json.requestContext.authorizer.principalId, tenant: ok.json.requestContext.authorizer.tenant, type: ok.json.requestContext.authorizer.type },
      { principalId: "ann", tenant: "t1", type: "REQUEST" });

    const iam = await restApi(() => ({ authorizationType: "AWS_IAM" }));
    const url = invokeUrl(iam.id, "/prod/items?q=1");
    const unsigned = await call(url);
    assert.equal(unsigned.status, 403);
    assert.deepEqual(unsigned.json, { message: "Missing Authentication Token" });
    const signed = await call(url, await signedHeaders(url));
    assert.equal(signed.status, 200, signed.text);
    assert.equal(signed.json.requestContext.identity.accessKey, "test");
    assert.equal(signed.json.requestContext.identity.accountId, "000000000000");
    const tampered = await call(invokeUrl(iam.id, "/prod/items?q=2"), await signedHeaders(url));
    assert.equal(tampered.status, 403);
    assert.match(tampered.json.message, /signature we calculated does not match/);
    await apigw1.send(new DeleteRestApiCommand({ restApiId: id }));
    await apigw1.send(new DeleteRestApiCommand({ restApiId: iam.id }));
  });
});

describe("REST API keys, usage plans, throttling and caching", () => {
  test("apiKeyRequired + usage plan: 403 Forbidden without a key, quota → 429 Limit Exceeded, GetUsage", async () => {
    const { id } = await restApi(() => ({ authorizationType: "NONE", apiKeyRequired: true }));
    const key = await apigw1.send(new CreateApiKeyCommand({ name: unique("key"), enabled: true }));
    assert.equal(key.value.length, 40);
    assert.equal(key.enabled, true);
    const plan = await apigw1.send(new CreateUsagePlanCommand({
      name: unique("plan"), apiStages: [{ apiId: id, stage: "prod" }], quota: { limit: 2, period: "DAY" }, throttle: { rateLimit: 100, burstLimit: 50 },
    }));
    assert.equal(plan.quota.limit, 2);
    await rejectsWith(apigw1.send(new CreateUsagePlanCommand({ name: "x", apiStages: [{ apiId: id, stage: "nope" }] })), "NotFoundException", 404);
    const planKey = await apigw1.send(new CreateUsagePlanKeyCommand({ usagePlanId: plan.id, keyId: key.id, keyType: "API_KEY" }));
    assert.equal(planKey.value, key.value);
    assert.deepEqual((await apigw1.send(new GetUsagePlanKeysCommand({ usagePlanId: plan.id }))).items.map((k) => k.id), [key.id]);
    assert.ok((await apigw1.send(new GetUsagePlansCommand({ keyId: key.id }))).items.some((p) => p.id === plan.id));
    assert.equal((await apigw1.send(new GetApiKeyCommand({ apiKey: key.id }))).value, undefined);
    assert.equal((await apigw1.send(new GetApiKeyCommand({ apiKey: key.id, includeValue: true }))).value, key.value);
    assert.ok((await apigw1.send(new GetApiKeysCommand({ includeValues: true }))).items.some((k) => k.value === key.value));

    const url = invokeUrl(id, "/prod/items");
    const none = await call(url);
    assert.equal(none.status, 403);
    assert.deepEqual(none.json, { message: "Forbidden" });
    const first = await call(url, { "x-api-key": key.value });
    assert.equal(first.status, 200);
    assert.equal(first.json.requestContext.identity.apiKey, key.value);
    assert.equal(first.json.requestContext.identity.apiKeyId, key.id);
    assert.equal((await call(url, { "x-api-key": key.value })).status, 200);
    const over = await call(url, { "x-api-key": key.value });
    assert.equal(over.status, 429);
    assert.deepEqual(over.json, { message: "Limit Exceeded" });

    const today = new Date().toISOString().slice(0, 10);
    const usage = await apigw1.send(new GetUsageCommand({ usagePlanId: plan.id, startDate: today, endDate: today }));
    assert.deepEqual(usage.items[key.id], [[2, 0]]);

    const raised = await apigw1.send(new UpdateUsagePlanCommand({ usagePlanId: plan.id, patchOperations: [{ op: "replace", path: "/quota/limit", value: "10" }] }));
    assert.equal(raised.quota.limit, 10);
    assert.equal((await apigw1.send(new GetUsagePlanCommand({ usagePlanId: plan.id }))).quota.limit, 10);
    assert.equal((await call(url, { "x-api-key": key.value })).status, 200);
    await apigw1.send(new UpdateApiKeyCommand({ apiKey: key.id, patchOperations: [{ op: "replace", path: "/enabled", value: "false" }] }));
    assert.equal((await call(url, { "x-api-key": key.value })).status, 403);

    await apigw1.send(new DeleteUsagePlanKeyCommand({ usagePlanId: plan.id, keyId: key.id }));
    await apigw1.send(new DeleteUsagePlanCommand({ usagePlanId: plan.id }));
    await apigw1.send(new DeleteApiKeyCommand({ apiKey: key.id }));
    await rejectsWith(apigw1.send(new GetApiKeyCommand({ apiKey: key.id })), "NotFoundException", 404);
    await apigw1.send(new DeleteRestApiCommand({ restApiId: id }));
  });

  test("stage method settings: throttling → 429 Too Many Requests; caching serves repeats until flushed", async () => {
    const { id } = await restApi(() => ({ authorizationType: "NONE" }));
    const url = invokeUrl(id, "/prod/items");
    const stage = await apigw1.send(new UpdateStageCommand({
      restApiId: id, stageName: "prod", patchOperations: [
        { op: "replace", path: "/cacheClusterEnabled", value: "true" },
        { op: "replace", path: "/*/*/caching/enabled", value: "true" },
        { op: "replace", path: "/*/*/caching/ttlInSeconds", value: "120" },
      ],
    }));
    assert.equal(stage.cacheClusterEnabled, true);
    assert.equal(stage.methodSettings["*/*"].cachingEnabled, true);
    assert.equal(stage.methodSettings["*/*"].cacheTtlInSeconds, 120);
    const a = await call(url);
    const b = await call(url);
    assert.equal(a.status, 200);
    assert.equal(b.json.requestContext.requestId, a.json.requestContext.requestId);
    await apigw1.send(new FlushStageCacheCommand({ restApiId: id, stageName: "prod" }));
    const c = await call(url);
    assert.notEqual(c.json.requestContext.requestId, a.json.requestContext.requestId);

    await apigw1.send(new UpdateStageCommand({
      restApiId: id, stageName: "prod", patchOperations: [
        { op: "replace", path: "/*/*/caching/enabled", value: "false" },
        { op: "replace", path: "/~1items/GET/throttling/rateLimit", value: "0.1" },
        { op: "replace", path: "/~1items/GET/throttling/burstLimit", value: "2" },
      ],
    }));
    const got = await apigw1.send(new GetStageCommand({ restApiId: id, stageName: "prod" }));
    assert.equal(got.methodSettings["~1items/GET"].throttlingBurstLimit, 2);
    const statuses = [];
    for (let i = 0; i < 3; i++) statuses.push(await call(url));
    assert.deepEqual(statuses.map((s) => s.status), [200, 200, 429]);
    assert.deepEqual(statuses[2].json, { message: "Too Many Requests" });
    await apigw1.send(new DeleteRestApiCommand({ restApiId: id }));
  });
});

describe("access logs", () => {
  test("a REST stage's accessLogSettings write $context lines to CloudWatch Logs", async () => {
    const { id } = await restApi(() => ({ authorizationType: "NONE" }));
    const group = unique("/apigw/access");
    await logs.send(new CreateLogGroupCommand({ logGroupName: group }));
    const format = '{"requestId":"$context.requestId","status":"$context.status","method":"$context.httpMethod","resource":"$context.resourcePath","stage":"$context.stage","missing":"$context.identity.apiKey"}';
    const stage = await apigw1.send(new UpdateStageCommand({
      restApiId: id, stageName: "prod", patchOperations: [
        { op: "replace", path: "/accessLogSettings/destinationArn", value: `arn:aws:logs:us-east-1:000000000000:log-group:${group}` },
        { op: "replace", path: "/accessLogSettings/format", value: format },
      ],
    }));
    assert.equal(stage.accessLogSettings.format, format);
    const res = await fetch(invokeUrl(id, "/prod/items"));
    assert.equal(res.status, 200);
    const requestId = res.headers.get("x-amzn-requestid");
    const events = await waitFor(async () => (await logs.send(new FilterLogEventsCommand({ logGroupName: group }))).events?.length ? (await logs.send(new FilterLogEventsCommand({ logGroupName: group }))).events : null, 10000, "access log line");
    assert.deepEqual(JSON.parse(events[0].message), { requestId, status: "200", method: "GET", resource: "/items", stage: "prod", missing: "-" });
    await logs.send(new DeleteLogGroupCommand({ logGroupName: group }));
    await apigw1.send(new DeleteRestApiCommand({ restApiId: id }));
  });
});

describe("HTTP API authorizers", () => {
  let issuerServer;
  let issuer;
  const { publicKey, privateKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
  const b64 = (v) => Buffer.from(typeof v === "string" ? v : JSON.stringify(v)).toString("base64url");
  const jwt = (claims) => {
    const head = b64({ alg: "RS256", typ: "JWT", kid: "k1" });
    const body = b64(claims);
    return `${head}.${body}.${createSign("RSA-SHA256").update(`${head}.${body}`).sign(privateKey).toString("base64url")}`;
  };

  before(async () => {
    issuerServer = http.createServer((req, res) => {
      res.setHeader("content-type", "application/json");
      if (req.url === "/.well-known/openid-configuration") return res.end(JSON.stringify({ issuer, jwks_uri: `${issuer}/jwks` }));
      if (req.url === "/jwks") return res.end(JSON.stringify({ keys: [{ ...publicKey.export({ format: "jwk" }), kid: "k1", alg: "RS256", use: "sig" }] }));
      res.statusCode = 404;
      res.end("{}");
    });
    await new Promise((r) => issuerServer.listen(0, "127.0.0.1", r));
    issuer = `http://127.0.0.1:${issuerServer.address().port}`;
  });
  after(() => issuerServer.close());

  test("Lambda (simple responses), JWT (issuer JWKS, audience, scopes) and AWS_IAM routes", async () => {
    const api = await apigw2.send(new CreateApiCommand({ Name: unique("auth-http"), ProtocolType: "HTTP" }));
    const ApiId = api.ApiId;
    const integration = await apigw2.send(new CreateIntegrationCommand({ ApiId, IntegrationType: "AWS_PROXY", IntegrationUri: arn(fns.echo), PayloadFormatVersion: "2.0" }));
    const simple = await apigw2.send(new CreateAuthorizerV2Command({
      ApiId, Name: "simple", AuthorizerType: "REQUEST", AuthorizerUri: lambdaUri(fns.simple), AuthorizerPayloadFormatVersion: "2.0",
      EnableSimpleResponses: true, IdentitySource: ["$request.header.Authorization"],
    }));
    assert.equal(simple.EnableSimpleResponses, true);
    assert.equal(simple.AuthorizerResultTtlInSeconds, 0);
    const jwtAuth = await apigw2.send(new CreateAuthorizerV2Command({
      ApiId, Name: "jwt", AuthorizerType: "JWT", IdentitySource: ["$request.header.Authorization"], JwtConfiguration: { Issuer: issuer, Audience: ["my-app"] },
    }));
    await rejectsWith(apigw2.send(new CreateAuthorizerV2Command({ ApiId, Name: "bad", AuthorizerType: "JWT", IdentitySource: ["$request.header.Authorization"] })), "BadRequestException", 400);
    assert.equal((await apigw2.send(new GetAuthorizersV2Command({ ApiId }))).Items.length, 2);
    assert.equal((await apigw2.send(new GetAuthorizerV2Command({ ApiId, AuthorizerId: jwtAuth.AuthorizerId }))).JwtConfiguration.Issuer, issuer);

    const Target = `integrations/${integration.IntegrationId}`;
    await apigw2.send(new CreateRouteCommand({ ApiId, RouteKey: "GET /simple", Target, AuthorizationType: "CUSTOM", AuthorizerId: simple.AuthorizerId }));
    await apigw2.send(new CreateRouteCommand({ ApiId, RouteKey: "GET /jwt", Target, AuthorizationType: "JWT", AuthorizerId: jwtAuth.AuthorizerId, AuthorizationScopes: ["read"] }));
    await apigw2.send(new CreateRouteCommand({ ApiId, RouteKey: "GET /iam", Target, AuthorizationType: "AWS_IAM" }));
    await apigw2.send(new CreateStageCommand({ ApiId, StageName: "$default", AutoDeploy: true }));

    const s = (h) => call(invokeUrl(ApiId, "/simple"), h);
    assert.equal((await s()).status, 401);
    const forbidden = await s({ Authorization: "nope" });
    assert.equal(forbidden.status, 403);
    assert.deepEqual(forbidden.json, { message: "Forbidden" });
    const allowed = await s({ Authorization: "letmein" });
    assert.equal(allowed.status, 200);
    assert.equal(allowed.json.requestContext.authorizer.lambda.who, "bob");
    assert.match(allowed.json.requestContext.authorizer.lambda.route, new RegExp(`:${ApiId}/\\$default/GET/simple$`));

    const now = Math.floor(Date.now() / 1000);
    const claims = { iss: issuer, sub: "carol", aud: "my-app", exp: now + 600, scope: "read write" };
    const j = (token) => call(invokeUrl(ApiId, "/jwt"), token ? { Authorization: `Bearer ${token}` } : {});
    const good = await j(jwt(claims));
    assert.equal(good.status, 200, good.text);
    assert.equal(good.json.requestContext.authorizer.jwt.claims.sub, "carol");
    assert.deepEqual(good.json.requestContext.authorizer.jwt.scopes, ["read", "write"]);
    assert.equal((await j()).status, 401);
    const expired = await j(jwt({ ...claims, exp: now - 60 }));
    assert.equal(expired.status, 401);
    assert.match(expired.headers.get("www-authenticate"), /invalid_token/);
    assert.equal((await j(jwt({ ...claims, aud: "someone-else" }))).status, 401);
    assert.equal((await j(jwt({ ...claims, iss: "https://evil.example" }))).status, 401);
    assert.equal((await j(jwt({ ...claims, scope: "write" }))).status, 403);

    const iamUrl = invokeUrl(ApiId, "/iam");
    assert.equal((await call(iamUrl)).status, 403);
    const signed = await call(iamUrl, await signedHeaders(iamUrl));
    assert.equal(signed.status, 200, signed.text);
    assert.equal(signed.json.requestContext.authorizer.iam.accessKey, "test");

    const renamed = await apigw2.send(new UpdateAuthorizerV2Command({ ApiId, AuthorizerId: simple.AuthorizerId, Name: "simple2" }));
    assert.equal(renamed.Name, "simple2");
    await rejectsWith(apigw2.send(new DeleteAuthorizerV2Command({ ApiId, AuthorizerId: simple.AuthorizerId })), "ConflictException", 409);

    await apigw2.send(new UpdateStageV2Command({ ApiId, StageName: "$default", RouteSettings: { "GET /iam": { ThrottlingBurstLimit: 1, ThrottlingRateLimit: 0.1 } } }));
    const h = await signedHeaders(iamUrl);
    assert.equal((await call(iamUrl, h)).status, 200);
    const throttled = await call(iamUrl, h);
    assert.equal(throttled.status, 429);
    assert.deepEqual(throttled.json, { message: "Too Many Requests" });
    await apigw2.send(new DeleteApiCommand({ ApiId }));
  });
});
