// API Gateway WebSocket APIs end to end: @aws-sdk/client-apigatewayv2 creates the API (routes, integrations, route
// responses, stage, deployment), a real Node function (@aws-sdk/client-lambda) serves $connect/$disconnect/messages,
// the `ws` package is the client, and the @connections management API is called with SigV4-signed fetch
// (@aws-sdk/client-apigatewaymanagementapi is not installed in tests/clients).
import { test, before, after, describe } from "node:test";
import assert from "node:assert/strict";
import { createHash, createHmac } from "node:crypto";
import WebSocket from "ws";
import { SignatureV4 } from "@smithy/signature-v4";
import {
  ApiGatewayV2Client, CreateApiCommand, GetApiCommand, DeleteApiCommand, CreateRouteCommand, GetRoutesCommand,
  CreateIntegrationCommand, CreateStageCommand, CreateDeploymentCommand, CreateRouteResponseCommand,
  GetRouteResponsesCommand, GetRouteResponseCommand, DeleteRouteResponseCommand, CreateIntegrationResponseCommand,
  GetIntegrationResponsesCommand, UpdateRouteCommand,
} from "@aws-sdk/client-apigatewayv2";
import { CreateFunctionCommand, DeleteFunctionCommand } from "@aws-sdk/client-lambda";
import { lambda, zip, unique, role, endpoint, rejectsWith, waitForLog } from "./helpers.mjs";

const config = { endpoint, region: "us-east-1", credentials: { accessKeyId: "test", secretAccessKey: "test" }, maxAttempts: 1 };
const apigw2 = new ApiGatewayV2Client(config);
const fn = unique("ws-handler");
const arn = `arn:aws:lambda:us-east-1:000000000000:function:${fn}`;
const port = new URL(endpoint).port;

const handler = `
export const handler = async (event) => {
  const rc = event.requestContext;
  console.log("WSEVENT " + rc.eventType + " " + rc.connectionId + " " + JSON.stringify(event));
  if (rc.eventType === "CONNECT") {
    if (event.queryStringParameters?.deny) return { statusCode: 403, body: "denied" };
    const proto = event.headers["Sec-WebSocket-Protocol"];
    return { statusCode: 200, headers: proto ? { "Sec-WebSocket-Protocol": proto.split(",")[0].trim() } : {} };
  }
  if (rc.eventType === "DISCONNECT") return { statusCode: 200 };
  let message;
  try { message = JSON.parse(event.body); } catch {}
  if (message?.action === "boom") throw new Error("boom");
  return { statusCode: 200, body: JSON.stringify(event) };
};`;

class Sha256 {
  constructor(secret) { this.h = secret ? createHmac("sha256", secret) : createHash("sha256"); }
  update(data) { this.h.update(data); }
  async digest() { return new Uint8Array(this.h.digest()); }
}
const signer = new SignatureV4({ service: "execute-api", region: "us-east-1", credentials: config.credentials, sha256: Sha256 });

/** Calls the @connections API of a stage (path form) with a SigV4-signed request, as the management SDK would. */
async function connections(method, apiId, stage, connectionId, body) {
  const url = new URL(`${endpoint}/_api/${apiId}/${stage}/@connections/${encodeURIComponent(connectionId)}`);
  const signed = await signer.sign({
    method, protocol: "http:", hostname: url.hostname, port: Number(url.port), path: url.pathname,
    headers: { host: url.host, ...(body ? { "content-type": "application/octet-stream" } : {}) }, body,
  });
  return fetch(url, { method, headers: signed.headers, body });
}

/** Opens a client; resolves once open (or rejects with the HTTP status of a refused upgrade). */
function open(url, options = {}) {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, options.protocols ?? [], { headers: options.headers ?? {} });
    const inbox = [];
    const waiters = [];
    ws.on("message", (data, isBinary) => {
      const text = isBinary ? data : data.toString();
      const w = waiters.shift();
      if (w) w(text); else inbox.push(text);
    });
    ws.next = (timeoutMs = 10000) => inbox.length ? Promise.resolve(inbox.shift()) : new Promise((res, rej) => {
      const t = setTimeout(() => rej(new Error("no message within " + timeoutMs + " ms")), timeoutMs);
      waiters.push((m) => { clearTimeout(t); res(m); });
    });
    ws.closed = new Promise((res) => ws.on("close", (code, reason) => res({ code, reason: reason.toString() })));
    ws.on("open", () => resolve(ws));
    ws.on("unexpected-response", (req, res) => { req.destroy(); res.destroy(); reject(Object.assign(new Error(`upgrade refused ${res.statusCode}`), { status: res.statusCode })); });
    ws.on("error", reject);
  });
}

let apiId;
const stage = "prod";
const wsUrl = (query = "") => `ws://127.0.0.1:${port}/_api/${apiId}/${stage}${query}`;

before(async () => {
  await lambda.send(new CreateFunctionCommand({
    FunctionName: fn, Runtime: "nodejs20.x", Handler: "index.handler", Role: role, Code: { ZipFile: await zip({ "index.mjs": handler }) },
  }));
});

after(async () => {
  await lambda.send(new DeleteFunctionCommand({ FunctionName: fn }));
  if (apiId) await apigw2.send(new DeleteApiCommand({ ApiId: apiId }));
});

describe("WebSocket APIs", () => {
  test("management: API, routes, integration, route and integration responses, stage, deployment", async () => {
    await rejectsWith(apigw2.send(new CreateApiCommand({ Name: unique("ws"), ProtocolType: "WEBSOCKET" })), "BadRequestException", 400);
    await rejectsWith(apigw2.send(new CreateApiCommand({ Name: unique("ws"), ProtocolType: "WEBSOCKET", RouteSelectionExpression: "$request.body.action", Target: arn })), "BadRequestException", 400);
    const api = await apigw2.send(new CreateApiCommand({ Name: unique("ws"), ProtocolType: "WEBSOCKET", RouteSelectionExpression: "$request.body.action" }));
    apiId = api.ApiId;
    assert.equal(api.ProtocolType, "WEBSOCKET");
    assert.equal(api.RouteSelectionExpression, "$request.body.action");
    assert.equal(api.ApiEndpoint, `ws://${apiId}.execute-api.localhost:${port}`);
    assert.equal((await apigw2.send(new GetApiCommand({ ApiId: apiId }))).ProtocolType, "WEBSOCKET");

    const integration = await apigw2.send(new CreateIntegrationCommand({
      ApiId: apiId, IntegrationType: "AWS_PROXY", IntegrationUri: `arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/${arn}/invocations`,
    }));
    assert.equal(integration.TimeoutInMillis, 29000);
    assert.equal(integration.IntegrationMethod, "POST");
    const target = `integrations/${integration.IntegrationId}`;
    const routes = {};
    for (const key of ["$connect", "$disconnect", "$default", "echo", "silent", "boom"]) {
      routes[key] = await apigw2.send(new CreateRouteCommand({ ApiId: apiId, RouteKey: key, Target: target }));
    }
    await rejectsWith(apigw2.send(new CreateRouteCommand({ ApiId: apiId, RouteKey: "$reserved", Target: target })), "BadRequestException", 400);
    await rejectsWith(apigw2.send(new CreateRouteCommand({ ApiId: apiId, RouteKey: "echo", Target: target })), "ConflictException", 409);
    assert.equal((await apigw2.send(new GetRoutesCommand({ ApiId: apiId }))).Items.length, 6);

    // Two-way routes: a route response selection expression and a $default route response.
    for (const key of ["$default", "echo"]) {
      await apigw2.send(new UpdateRouteCommand({ ApiId: apiId, RouteId: routes[key].RouteId, RouteResponseSelectionExpression: "$default" }));
      const rr = await apigw2.send(new CreateRouteResponseCommand({ ApiId: apiId, RouteId: routes[key].RouteId, RouteResponseKey: "$default" }));
      assert.equal(rr.RouteResponseKey, "$default");
      assert.ok(rr.RouteResponseId);
      assert.equal((await apigw2.send(new GetRouteResponseCommand({ ApiId: apiId, RouteId: routes[key].RouteId, RouteResponseId: rr.RouteResponseId }))).RouteResponseKey, "$default");
    }
    await rejectsWith(apigw2.send(new CreateRouteResponseCommand({ ApiId: apiId, RouteId: routes.echo.RouteId, RouteResponseKey: "$default" })), "ConflictException", 409);
    await rejectsWith(apigw2.send(new GetRouteResponsesCommand({ ApiId: apiId, RouteId: "nope" })), "NotFoundException", 404);
    const extra = await apigw2.send(new CreateRouteResponseCommand({ ApiId: apiId, RouteId: routes.silent.RouteId, RouteResponseKey: "$default" }));
    assert.equal((await apigw2.send(new GetRouteResponsesCommand({ ApiId: apiId, RouteId: routes.silent.RouteId }))).Items.length, 1);
    await apigw2.send(new DeleteRouteResponseCommand({ ApiId: apiId, RouteId: routes.silent.RouteId, RouteResponseId: extra.RouteResponseId }));
    assert.equal((await apigw2.send(new GetRouteResponsesCommand({ ApiId: apiId, RouteId: routes.silent.RouteId }))).Items.length, 0);
    const ir = await apigw2.send(new CreateIntegrationResponseCommand({ ApiId: apiId, IntegrationId: integration.IntegrationId, IntegrationResponseKey: "$default" }));
    assert.equal(ir.IntegrationResponseKey, "$default");
    assert.equal((await apigw2.send(new GetIntegrationResponsesCommand({ ApiId: apiId, IntegrationId: integration.IntegrationId }))).Items.length, 1);

    await apigw2.send(new CreateStageCommand({ ApiId: apiId, StageName: stage, StageVariables: { color: "blue" } }));
    // Nothing is served before a deployment.
    await assert.rejects(open(wsUrl()), (e) => e.status === 403);
    const dep = await apigw2.send(new CreateDeploymentCommand({ ApiId: apiId, StageName: stage }));
    assert.equal(dep.DeploymentStatus, "DEPLOYED");
  });

  test("round trip: $connect event, route selection, two-way replies, $default, errors and $disconnect", async () => {
    const tag = unique("tag");
    const ws = await open(wsUrl(`?tag=${tag}&multi=1&multi=2`), { headers: { "User-Agent": "nimbus-e2e", "X-Custom": "c1" } });
    ws.send(JSON.stringify({ action: "echo", n: 1 }));
    const event = JSON.parse(await ws.next());
    const rc = event.requestContext;
    assert.equal(rc.routeKey, "echo");
    assert.equal(rc.eventType, "MESSAGE");
    assert.equal(rc.messageDirection, "IN");
    assert.equal(rc.apiId, apiId);
    assert.equal(rc.stage, stage);
    assert.equal(rc.domainName, `${apiId}.execute-api.localhost`);
    assert.match(rc.connectionId, /^[A-Za-z0-9_=-]{16}$/);
    assert.ok(rc.messageId);
    assert.equal(rc.requestId, rc.extendedRequestId);
    assert.match(rc.requestTime, /^\d{2}\/[A-Z][a-z]{2}\/\d{4}:\d{2}:\d{2}:\d{2} \+0000$/);
    assert.ok(rc.connectedAt <= rc.requestTimeEpoch && Math.abs(rc.requestTimeEpoch - Date.now()) < 60000);
    assert.equal(rc.identity.userAgent, "nimbus-e2e");
    assert.ok(rc.identity.sourceIp);
    assert.equal(event.body, JSON.stringify({ action: "echo", n: 1 }));
    assert.equal(event.isBase64Encoded, false);
    assert.deepEqual(event.stageVariables, { color: "blue" });
    assert.equal(event.headers, undefined);
    const connectionId = rc.connectionId;

    // Unknown action and non-JSON messages go to $default; "silent" is one-way (no reply); a failing function
    // gets API Gateway's error frame.
    ws.send(JSON.stringify({ action: "silent" }));
    ws.send(JSON.stringify({ action: "nope" }));
    let reply = JSON.parse(await ws.next());
    assert.equal(reply.requestContext.routeKey, "$default");
    assert.equal(reply.requestContext.connectionId, connectionId);
    ws.send("not json");
    reply = JSON.parse(await ws.next());
    assert.equal(reply.requestContext.routeKey, "$default");
    assert.equal(reply.body, "not json");
    ws.send(JSON.stringify({ action: "boom" }));
    const error = JSON.parse(await ws.next());
    assert.equal(error.message, "Internal server error");
    assert.equal(error.connectionId, connectionId);
    assert.ok(error.requestId);

    // The $connect event, as the function logged it.
    const [connectLog] = await waitForLog(fn, `WSEVENT CONNECT ${connectionId}`);
    const connect = JSON.parse(connectLog.message.slice(connectLog.message.indexOf("{")));
    assert.equal(connect.requestContext.eventType, "CONNECT");
    assert.equal(connect.requestContext.routeKey, "$connect");
    assert.equal(connect.requestContext.connectedAt, rc.connectedAt);
    assert.equal(connect.headers["X-Custom"], "c1");
    assert.ok(connect.headers["Sec-WebSocket-Key"]);
    assert.equal(connect.headers["Sec-WebSocket-Version"], "13");
    assert.equal(connect.headers.Upgrade, undefined);
    assert.ok(connect.headers["X-Amzn-Trace-Id"].startsWith("Root=1-"));
    assert.deepEqual(connect.multiValueHeaders["X-Custom"], ["c1"]);
    assert.deepEqual(connect.queryStringParameters, { tag, multi: "2" });
    assert.deepEqual(connect.multiValueQueryStringParameters, { tag: [tag], multi: ["1", "2"] });
    assert.equal(connect.isBase64Encoded, false);
    assert.equal(connect.body, undefined);

    ws.close(4000, "bye");
    assert.equal((await ws.closed).code, 4000);
    const [disconnectLog] = await waitForLog(fn, `WSEVENT DISCONNECT ${connectionId}`);
    const disconnect = JSON.parse(disconnectLog.message.slice(disconnectLog.message.indexOf("{")));
    assert.equal(disconnect.requestContext.routeKey, "$disconnect");
    assert.equal(disconnect.requestContext.disconnectStatusCode, 4000);
    assert.equal(disconnect.requestContext.disconnectReason, "bye");
    assert.equal(disconnect.headers.Host, `${apiId}.execute-api.localhost`);
  });

  test("@connections: post, get, delete; 410 GoneException for unknown or closed connections", async () => {
    const ws = await open(wsUrl(), { headers: { "User-Agent": "conn-test" } });
    ws.send(JSON.stringify({ action: "echo" }));
    const connectionId = JSON.parse(await ws.next()).requestContext.connectionId;

    let res = await connections("POST", apiId, stage, connectionId, "pushed from the backend");
    assert.equal(res.status, 200);
    assert.equal(await ws.next(), "pushed from the backend");

    res = await connections("GET", apiId, stage, connectionId);
    assert.equal(res.status, 200);
    const info = await res.json();
    assert.ok(!Number.isNaN(Date.parse(info.connectedAt)));
    assert.ok(Date.parse(info.lastActiveAt) >= Date.parse(info.connectedAt));
    assert.equal(info.identity.userAgent, "conn-test");
    assert.ok(info.identity.sourceIp);

    res = await connections("POST", apiId, stage, "AAAAAAAAAAAAAAA=", "x");
    assert.equal(res.status, 410);
    assert.equal(res.headers.get("x-amzn-errortype")?.split(":")[0], "GoneException");
    res = await connections("POST", apiId, stage, connectionId, "x".repeat(128 * 1024 + 1));
    assert.equal(res.status, 413);

    res = await connections("DELETE", apiId, stage, connectionId);
    assert.equal(res.status, 204);
    const closed = await ws.closed;
    assert.equal(closed.code, 1000);
    assert.equal((await connections("GET", apiId, stage, connectionId)).status, 410);
    await waitForLog(fn, `WSEVENT DISCONNECT ${connectionId}`);
  });

  test("$connect refusal, subprotocols, the Host form, binary and oversized messages", async () => {
    await assert.rejects(open(wsUrl("?deny=1")), (e) => e.status === 403);

    const host = await open(`ws://127.0.0.1:${port}/${stage}`, { headers: { Host: `${apiId}.execute-api.localhost:${port}` }, protocols: ["chat.v1", "chat.v2"] });
    assert.equal(host.protocol, "chat.v1");
    host.send(JSON.stringify({ action: "echo" }));
    const event = JSON.parse(await host.next());
    assert.equal(event.requestContext.domainName, `${apiId}.execute-api.localhost`);

    host.send(Buffer.from([1, 2, 3]), { binary: true });
    assert.equal((await host.closed).code, 1003);

    const big = await open(wsUrl());
    big.send("x".repeat(128 * 1024 + 10));
    assert.equal((await big.closed).code, 1009);

    // Unknown stage and plain HTTP requests are refused.
    await assert.rejects(open(`ws://127.0.0.1:${port}/_api/${apiId}/nostage`), (e) => e.status === 403);
    assert.equal((await fetch(`${endpoint}/_api/${apiId}/${stage}`)).status, 426);
  });
});
