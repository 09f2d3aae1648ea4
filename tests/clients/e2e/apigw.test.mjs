// API Gateway end to end: HTTP APIs (@aws-sdk/client-apigatewayv2) and REST APIs (@aws-sdk/client-api-gateway)
// in front of real Lambda functions (@aws-sdk/client-lambda), called through their invoke URLs with fetch.
import { test, before, after, describe } from "node:test";
import assert from "node:assert/strict";
import http from "node:http";
import {
  ApiGatewayV2Client, CreateApiCommand, GetApiCommand, GetApisCommand, UpdateApiCommand, DeleteApiCommand,
  CreateRouteCommand, GetRoutesCommand, GetRouteCommand, UpdateRouteCommand, DeleteRouteCommand,
  CreateIntegrationCommand, GetIntegrationCommand, GetIntegrationsCommand, DeleteIntegrationCommand,
  CreateStageCommand, GetStageCommand, GetStagesCommand, UpdateStageCommand, DeleteStageCommand,
  CreateDeploymentCommand, GetDeploymentsCommand, ImportApiCommand, ReimportApiCommand,
  TagResourceCommand, UntagResourceCommand, GetTagsCommand,
} from "@aws-sdk/client-apigatewayv2";
import {
  APIGatewayClient, CreateRestApiCommand, GetRestApiCommand, GetRestApisCommand, UpdateRestApiCommand, DeleteRestApiCommand,
  GetResourcesCommand, CreateResourceCommand, DeleteResourceCommand, PutMethodCommand, GetMethodCommand, PutMethodResponseCommand,
  PutIntegrationCommand, PutIntegrationResponseCommand, CreateDeploymentCommand as CreateRestDeploymentCommand,
  DeleteDeploymentCommand, CreateStageCommand as CreateRestStageCommand, GetStageCommand as GetRestStageCommand,
  GetStagesCommand as GetRestStagesCommand, UpdateStageCommand as UpdateRestStageCommand,
  TagResourceCommand as TagRestCommand, GetTagsCommand as GetRestTagsCommand, UntagResourceCommand as UntagRestCommand,
} from "@aws-sdk/client-api-gateway";
import { CreateFunctionCommand, DeleteFunctionCommand } from "@aws-sdk/client-lambda";
import { lambda, zip, unique, role, endpoint, rejectsWith } from "./helpers.mjs";

const config = { endpoint, region: "us-east-1", credentials: { accessKeyId: "test", secretAccessKey: "test" }, maxAttempts: 1 };
export const apigw2 = new ApiGatewayV2Client(config);
export const apigw1 = new APIGatewayClient(config);

const fns = {
  echo: unique("gw-echo"),
  plain: unique("gw-plain"),
  fail: unique("gw-fail"),
  fancy: unique("gw-fancy"),
};
const arn = (name) => `arn:aws:lambda:us-east-1:000000000000:function:${name}`;
const code = {
  echo: `export const handler = async (event) => ({ statusCode: 200, headers: { "Content-Type": "application/json", "x-echo": "yes" }, body: JSON.stringify(event) });`,
  plain: `export const handler = async (event) => ({ hello: "world", path: event.rawPath });`,
  fail: `export const handler = async () => { throw new Error("boom"); };`,
  fancy: `export const handler = async () => ({ statusCode: 201, cookies: ["a=1; Path=/", "b=2"], headers: { myheader: "v" }, body: Buffer.from("binary!").toString("base64"), isBase64Encoded: true });`,
};

/** The path form of an invoke URL: /_api/{apiId}/{stage?}/{path}. */
const invokeUrl = (apiId, rest) => `${endpoint}/_api/${apiId}${rest}`;

before(async () => {
  await Promise.all(Object.entries(fns).map(async ([kind, name]) => lambda.send(new CreateFunctionCommand({
    FunctionName: name, Runtime: "nodejs20.x", Handler: "index.handler", Role: role,
    Code: { ZipFile: await zip({ "index.mjs": code[kind] }) },
  }))));
});

after(async () => {
  await Promise.all(Object.values(fns).map((name) => lambda.send(new DeleteFunctionCommand({ FunctionName: name }))));
});

describe("HTTP APIs", () => {
  test("quick create: Lambda target, $default route and auto-deployed $default stage", async () => {
    const api = await apigw2.send(new CreateApiCommand({ Name: unique("quick"), ProtocolType: "HTTP", Target: arn(fns.echo) }));
    assert.match(api.ApiId, /^[a-z0-9]{10}$/);
    assert.equal(api.ProtocolType, "HTTP");
    assert.equal(api.RouteSelectionExpression, "$request.method $request.path");
    assert.ok(api.CreatedDate instanceof Date);
    const routes = await apigw2.send(new GetRoutesCommand({ ApiId: api.ApiId }));
    assert.equal(routes.Items.length, 1);
    assert.equal(routes.Items[0].RouteKey, "$default");
    assert.equal(routes.Items[0].ApiGatewayManaged, true);
    const stage = await apigw2.send(new GetStageCommand({ ApiId: api.ApiId, StageName: "$default" }));
    assert.equal(stage.AutoDeploy, true);
    assert.ok(stage.DeploymentId);

    const res = await fetch(invokeUrl(api.ApiId, "/any/path/here?x=1&x=2&y=%20z"), {
      method: "POST", headers: { "content-type": "application/json", cookie: "s=1; t=2", "x-multi": "a" }, body: JSON.stringify({ n: 1 }),
    });
    assert.equal(res.status, 200);
    assert.equal(res.headers.get("x-echo"), "yes");
    assert.ok(res.headers.get("apigw-requestid"));
    const event = await res.json();
    assert.equal(event.version, "2.0");
    assert.equal(event.routeKey, "$default");
    assert.equal(event.rawPath, "/any/path/here");
    assert.equal(event.rawQueryString, "x=1&x=2&y=%20z");
    assert.deepEqual(event.queryStringParameters, { x: "1,2", y: " z" });
    assert.deepEqual(event.cookies, ["s=1", "t=2"]);
    assert.equal(event.headers["content-type"], "application/json");
    assert.equal(event.headers["x-multi"], "a");
    assert.equal(event.headers.cookie, undefined);
    assert.ok(event.headers["x-amzn-trace-id"].startsWith("Root=1-"));
    assert.equal(event.headers["x-forwarded-proto"], "http");
    assert.equal(event.body, JSON.stringify({ n: 1 }));
    assert.equal(event.isBase64Encoded, false);
    assert.equal(event.pathParameters, undefined);
    const rc = event.requestContext;
    assert.equal(rc.accountId, "000000000000");
    assert.equal(rc.apiId, api.ApiId);
    assert.equal(rc.domainName, `${api.ApiId}.execute-api.localhost`);
    assert.equal(rc.domainPrefix, api.ApiId);
    assert.equal(rc.http.method, "POST");
    assert.equal(rc.http.path, "/any/path/here");
    assert.equal(rc.http.protocol, "HTTP/1.1");
    assert.ok(rc.http.sourceIp);
    assert.equal(rc.stage, "$default");
    assert.equal(rc.routeKey, "$default");
    assert.match(rc.time, /^\d{2}\/[A-Z][a-z]{2}\/\d{4}:\d{2}:\d{2}:\d{2} \+0000$/);
    assert.ok(Math.abs(rc.timeEpoch - Date.now()) < 60000);
    assert.equal(rc.requestId, res.headers.get("apigw-requestid"));

    await apigw2.send(new DeleteApiCommand({ ApiId: api.ApiId }));
    await rejectsWith(apigw2.send(new GetApiCommand({ ApiId: api.ApiId })), "NotFoundException", 404);
    assert.equal((await fetch(invokeUrl(api.ApiId, "/x"))).status, 404);
  });

  test("routes: most specific wins, greedy proxy, ANY, path parameters, stage variables, named stage", async () => {
    const api = await apigw2.send(new CreateApiCommand({ Name: unique("routes"), ProtocolType: "HTTP" }));
    const id = api.ApiId;
    const v2 = await apigw2.send(new CreateIntegrationCommand({ ApiId: id, IntegrationType: "AWS_PROXY", IntegrationUri: arn(fns.echo), PayloadFormatVersion: "2.0" }));
    assert.equal(v2.IntegrationMethod, "POST");
    assert.equal(v2.TimeoutInMillis, 30000);
    const v1 = await apigw2.send(new CreateIntegrationCommand({
      ApiId: id, IntegrationType: "AWS_PROXY", PayloadFormatVersion: "1.0",
      IntegrationUri: `arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/arn:aws:lambda:us-east-1:000000000000:function:\${stageVariables.fn}/invocations`,
    }));
    const target = (i) => `integrations/${i.IntegrationId}`;
    for (const key of ["GET /items/{id}", "GET /items/special", "ANY /items/{proxy+}", "POST /items/{id}"]) {
      await apigw2.send(new CreateRouteCommand({ ApiId: id, RouteKey: key, Target: target(v2) }));
    }
    await apigw2.send(new CreateRouteCommand({ ApiId: id, RouteKey: "GET /v1/{name}", Target: target(v1) }));
    await rejectsWith(apigw2.send(new CreateRouteCommand({ ApiId: id, RouteKey: "GET /items/{id}", Target: target(v2) })), "ConflictException", 409);
    await rejectsWith(apigw2.send(new CreateRouteCommand({ ApiId: id, RouteKey: "FETCH /x" })), "BadRequestException", 400);
    await rejectsWith(apigw2.send(new CreateRouteCommand({ ApiId: id, RouteKey: "GET /{a+}/b" })), "BadRequestException", 400);
    await rejectsWith(apigw2.send(new CreateRouteCommand({ ApiId: id, RouteKey: "GET /z", Target: "integrations/nope" })), "BadRequestException", 400);
    await rejectsWith(apigw2.send(new DeleteIntegrationCommand({ ApiId: id, IntegrationId: v2.IntegrationId })), "ConflictException", 409);

    // Nothing is served before a deployment.
    await apigw2.send(new CreateStageCommand({ ApiId: id, StageName: "prod", StageVariables: { fn: fns.echo } }));
    assert.equal((await fetch(invokeUrl(id, "/prod/items/1"))).status, 404);
    const dep = await apigw2.send(new CreateDeploymentCommand({ ApiId: id, StageName: "prod", Description: "first" }));
    assert.equal(dep.DeploymentStatus, "DEPLOYED");
    assert.equal((await apigw2.send(new GetStageCommand({ ApiId: id, StageName: "prod" }))).DeploymentId, dep.DeploymentId);

    const call = async (method, path) => {
      const res = await fetch(invokeUrl(id, path), { method });
      return { status: res.status, event: res.status === 200 ? await res.json() : await res.text() };
    };
    let r = await call("GET", "/prod/items/42");
    assert.equal(r.event.routeKey, "GET /items/{id}");
    assert.deepEqual(r.event.pathParameters, { id: "42" });
    assert.equal(r.event.rawPath, "/prod/items/42");
    assert.equal(r.event.requestContext.stage, "prod");
    assert.deepEqual(r.event.stageVariables, { fn: fns.echo });
    r = await call("GET", "/prod/items/special");
    assert.equal(r.event.routeKey, "GET /items/special");
    r = await call("POST", "/prod/items/7");
    assert.equal(r.event.routeKey, "POST /items/{id}");
    r = await call("DELETE", "/prod/items/7");
    assert.equal(r.event.routeKey, "ANY /items/{proxy+}");
    assert.deepEqual(r.event.pathParameters, { proxy: "7" });
    r = await call("GET", "/prod/items/a/b%20c/d");
    assert.equal(r.event.routeKey, "ANY /items/{proxy+}");
    assert.deepEqual(r.event.pathParameters, { proxy: "a/b c/d" });
    r = await call("GET", "/prod/nothing");
    assert.equal(r.status, 404);
    assert.deepEqual(JSON.parse(r.event), { message: "Not Found" });

    // Payload 1.0 through the API Gateway integration ARN form with a stage variable.
    r = await call("GET", "/prod/v1/Ann?tag=a&tag=b");
    assert.equal(r.event.version, "1.0");
    assert.equal(r.event.resource, "/v1/{name}");
    assert.equal(r.event.httpMethod, "GET");
    assert.deepEqual(r.event.pathParameters, { name: "Ann" });
    assert.deepEqual(r.event.queryStringParameters, { tag: "b" });
    assert.deepEqual(r.event.multiValueQueryStringParameters, { tag: ["a", "b"] });
    assert.equal(r.event.requestContext.resourceId, "GET /v1/{name}");
    assert.equal(r.event.requestContext.stage, "prod");
    assert.ok(r.event.requestContext.identity.sourceIp);
    assert.equal(r.event.requestContext.requestId, r.event.requestContext.extendedRequestId);

    // Changes are not served until redeployed (no auto-deploy on "prod").
    await apigw2.send(new CreateRouteCommand({ ApiId: id, RouteKey: "GET /later", Target: target(v2) }));
    assert.equal((await call("GET", "/prod/later")).status, 404);
    await apigw2.send(new CreateDeploymentCommand({ ApiId: id, StageName: "prod" }));
    assert.equal((await call("GET", "/prod/later")).status, 200);
    assert.equal((await apigw2.send(new GetDeploymentsCommand({ ApiId: id }))).Items.length, 2);

    // An auto-deploying $default stage serves without a stage prefix and follows every change.
    await apigw2.send(new CreateStageCommand({ ApiId: id, StageName: "$default", AutoDeploy: true }));
    assert.equal((await call("GET", "/later")).event.requestContext.stage, "$default");
    const extra = await apigw2.send(new CreateRouteCommand({ ApiId: id, RouteKey: "GET /auto", Target: target(v2) }));
    assert.equal((await call("GET", "/auto")).status, 200);
    await apigw2.send(new UpdateRouteCommand({ ApiId: id, RouteId: extra.RouteId, RouteKey: "GET /auto2" }));
    assert.equal((await call("GET", "/auto")).status, 404);
    assert.equal((await call("GET", "/auto2")).status, 200);
    assert.equal((await apigw2.send(new GetRouteCommand({ ApiId: id, RouteId: extra.RouteId }))).RouteKey, "GET /auto2");
    await apigw2.send(new DeleteRouteCommand({ ApiId: id, RouteId: extra.RouteId }));
    assert.equal((await call("GET", "/auto2")).status, 404);

    const stages = await apigw2.send(new GetStagesCommand({ ApiId: id }));
    assert.deepEqual(stages.Items.map((s) => s.StageName).sort(), ["$default", "prod"]);
    await rejectsWith(apigw2.send(new CreateStageCommand({ ApiId: id, StageName: "prod" })), "ConflictException", 409);
    const updated = await apigw2.send(new UpdateStageCommand({ ApiId: id, StageName: "prod", StageVariables: { extra: "1" } }));
    assert.deepEqual(updated.StageVariables, { fn: fns.echo, extra: "1" });
    await apigw2.send(new DeleteStageCommand({ ApiId: id, StageName: "prod" }));
    await rejectsWith(apigw2.send(new GetStageCommand({ ApiId: id, StageName: "prod" })), "NotFoundException", 404);
    await apigw2.send(new DeleteApiCommand({ ApiId: id }));
  });

  test("responses: simplified JSON, cookies and base64, function errors", async () => {
    const api = await apigw2.send(new CreateApiCommand({ Name: unique("resp"), ProtocolType: "HTTP" }));
    const id = api.ApiId;
    for (const [key, fn] of [["GET /plain", fns.plain], ["GET /fancy", fns.fancy], ["GET /fail", fns.fail], ["GET /missing", "no-such-function-x"]]) {
      const i = await apigw2.send(new CreateIntegrationCommand({ ApiId: id, IntegrationType: "AWS_PROXY", IntegrationUri: arn(fn), PayloadFormatVersion: "2.0" }));
      await apigw2.send(new CreateRouteCommand({ ApiId: id, RouteKey: key, Target: `integrations/${i.IntegrationId}` }));
    }
    await apigw2.send(new CreateStageCommand({ ApiId: id, StageName: "$default", AutoDeploy: true }));

    let res = await fetch(invokeUrl(id, "/plain"));
    assert.equal(res.status, 200);
    assert.equal(res.headers.get("content-type"), "application/json");
    assert.deepEqual(await res.json(), { hello: "world", path: "/plain" });

    res = await fetch(invokeUrl(id, "/fancy"));
    assert.equal(res.status, 201);
    assert.deepEqual(res.headers.getSetCookie(), ["a=1; Path=/", "b=2"]);
    assert.equal(res.headers.get("myheader"), "v");
    assert.equal(res.headers.get("content-type"), "text/plain; charset=utf-8");
    assert.equal(await res.text(), "binary!");

    for (const path of ["/fail", "/missing"]) {
      res = await fetch(invokeUrl(id, path));
      assert.equal(res.status, 500, path);
      assert.deepEqual(await res.json(), { message: "Internal Server Error" });
    }
    await apigw2.send(new DeleteApiCommand({ ApiId: id }));
  });

  test("the Host form of the invoke URL and CORS preflights answered by the gateway", async () => {
    const api = await apigw2.send(new CreateApiCommand({
      Name: unique("cors"), ProtocolType: "HTTP", Target: arn(fns.echo),
      CorsConfiguration: { AllowOrigins: ["https://example.com"], AllowMethods: ["GET", "POST"], AllowHeaders: ["x-custom"], MaxAge: 300, ExposeHeaders: ["x-echo"] },
    }));
    assert.deepEqual(api.CorsConfiguration.AllowOrigins, ["https://example.com"]);
    const { port } = new URL(endpoint);
    const request = (method, path, headers) => new Promise((resolve, reject) => {
      const req = http.request({ host: "127.0.0.1", port, method, path, headers: { host: `${api.ApiId}.execute-api.localhost:${port}`, ...headers } }, (res) => {
        let body = "";
        res.on("data", (c) => (body += c));
        res.on("end", () => resolve({ status: res.statusCode, headers: res.headers, body }));
      });
      req.on("error", reject);
      req.end();
    });
    const pre = await request("OPTIONS", "/things", { origin: "https://example.com", "access-control-request-method": "POST" });
    assert.equal(pre.status, 204);
    assert.equal(pre.headers["access-control-allow-origin"], "https://example.com");
    assert.equal(pre.headers["access-control-allow-methods"], "GET,POST");
    assert.equal(pre.headers["access-control-allow-headers"], "x-custom");
    assert.equal(pre.headers["access-control-max-age"], "300");
    const denied = await request("OPTIONS", "/things", { origin: "https://evil.com", "access-control-request-method": "POST" });
    assert.equal(denied.headers["access-control-allow-origin"], undefined);

    const got = await request("GET", "/things?a=b", { origin: "https://example.com" });
    assert.equal(got.status, 200);
    assert.equal(got.headers["access-control-allow-origin"], "https://example.com");
    assert.equal(got.headers["access-control-expose-headers"], "x-echo");
    const event = JSON.parse(got.body);
    assert.equal(event.requestContext.domainName, `${api.ApiId}.execute-api.localhost`);
    assert.equal(event.rawPath, "/things");

    await apigw2.send(new UpdateApiCommand({ ApiId: api.ApiId, Name: "renamed", CorsConfiguration: { AllowOrigins: ["*"] } }));
    const after = await request("GET", "/things", { origin: "https://any.org" });
    assert.equal(after.headers["access-control-allow-origin"], "*");
    assert.equal((await apigw2.send(new GetApiCommand({ ApiId: api.ApiId }))).Name, "renamed");
    await apigw2.send(new DeleteApiCommand({ ApiId: api.ApiId }));
  });

  test("management errors and listing", async () => {
    await rejectsWith(apigw2.send(new CreateApiCommand({ Name: "x", ProtocolType: "WEBSOCKET" })), "BadRequestException", 400);
    await rejectsWith(apigw2.send(new GetApiCommand({ ApiId: "nonexisten" })), "NotFoundException", 404);
    const api = await apigw2.send(new CreateApiCommand({ Name: unique("errs"), ProtocolType: "HTTP" }));
    await rejectsWith(apigw2.send(new CreateIntegrationCommand({ ApiId: api.ApiId, IntegrationType: "AWS_PROXY" })), "BadRequestException", 400);
    await rejectsWith(apigw2.send(new CreateIntegrationCommand({ ApiId: api.ApiId, IntegrationType: "HTTP_PROXY", IntegrationUri: "not a url" })), "BadRequestException", 400);
    await rejectsWith(apigw2.send(new GetIntegrationCommand({ ApiId: api.ApiId, IntegrationId: "nope" })), "NotFoundException", 404);
    await rejectsWith(apigw2.send(new GetRouteCommand({ ApiId: api.ApiId, RouteId: "nope" })), "NotFoundException", 404);
    await rejectsWith(apigw2.send(new CreateDeploymentCommand({ ApiId: api.ApiId, StageName: "nope" })), "NotFoundException", 404);
    const integrations = await apigw2.send(new GetIntegrationsCommand({ ApiId: api.ApiId }));
    assert.deepEqual(integrations.Items, []);
    const all = await apigw2.send(new GetApisCommand({}));
    assert.ok(all.Items.some((a) => a.ApiId === api.ApiId));
    const page = await apigw2.send(new GetApisCommand({ MaxResults: "1" }));
    assert.equal(page.Items.length, 1);
    await apigw2.send(new DeleteApiCommand({ ApiId: api.ApiId }));
  });
});

describe("REST APIs", () => {
  test("resources, proxy and MOCK integrations, deployments, stages with variables, and the v1 event", async () => {
    const api = await apigw1.send(new CreateRestApiCommand({ name: unique("rest"), binaryMediaTypes: ["application/octet-stream"] }));
    assert.match(api.id, /^[a-z0-9]{10}$/);
    assert.ok(api.createdDate instanceof Date);
    const id = api.id;
    const resources = await apigw1.send(new GetResourcesCommand({ restApiId: id }));
    assert.equal(resources.items.length, 1);
    assert.equal(resources.items[0].path, "/");
    const root = api.rootResourceId;
    assert.equal(resources.items[0].id, root);

    const users = await apigw1.send(new CreateResourceCommand({ restApiId: id, parentId: root, pathPart: "users" }));
    assert.equal(users.path, "/users");
    const user = await apigw1.send(new CreateResourceCommand({ restApiId: id, parentId: users.id, pathPart: "{userId}" }));
    assert.equal(user.path, "/users/{userId}");
    const proxy = await apigw1.send(new CreateResourceCommand({ restApiId: id, parentId: root, pathPart: "{proxy+}" }));
    const health = await apigw1.send(new CreateResourceCommand({ restApiId: id, parentId: root, pathPart: "health" }));
    await rejectsWith(apigw1.send(new CreateResourceCommand({ restApiId: id, parentId: root, pathPart: "users" })), "ConflictException", 409);
    await rejectsWith(apigw1.send(new CreateResourceCommand({ restApiId: id, parentId: "nope", pathPart: "x" })), "NotFoundException", 404);

    const lambdaUri = (fn) => `arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/${arn(fn)}/invocations`;
    for (const [resource, verb] of [[user, "POST"], [proxy, "ANY"]]) {
      const m = await apigw1.send(new PutMethodCommand({ restApiId: id, resourceId: resource.id, httpMethod: verb, authorizationType: "NONE" }));
      assert.equal(m.httpMethod, verb);
      const i = await apigw1.send(new PutIntegrationCommand({
        restApiId: id, resourceId: resource.id, httpMethod: verb, type: "AWS_PROXY", integrationHttpMethod: "POST", uri: lambdaUri("${stageVariables.fn}"),
      }));
      assert.equal(i.type, "AWS_PROXY");
      assert.equal(i.httpMethod, "POST");
    }
    await rejectsWith(apigw1.send(new PutIntegrationCommand({ restApiId: id, resourceId: health.id, httpMethod: "GET", type: "MOCK" })), "NotFoundException", 404);
    await apigw1.send(new PutMethodCommand({ restApiId: id, resourceId: health.id, httpMethod: "GET", authorizationType: "NONE" }));
    await rejectsWith(apigw1.send(new CreateRestDeploymentCommand({ restApiId: id, stageName: "test" })), "BadRequestException", 400);
    await apigw1.send(new PutIntegrationCommand({ restApiId: id, resourceId: health.id, httpMethod: "GET", type: "MOCK", requestTemplates: { "application/json": '{"statusCode": 200}' } }));
    await apigw1.send(new PutMethodResponseCommand({ restApiId: id, resourceId: health.id, httpMethod: "GET", statusCode: "200", responseParameters: { "method.response.header.X-Mock": true } }));
    await apigw1.send(new PutIntegrationResponseCommand({
      restApiId: id, resourceId: health.id, httpMethod: "GET", statusCode: "200",
      responseTemplates: { "application/json": '{"status": "ok"}' }, responseParameters: { "method.response.header.X-Mock": "'yes'" },
    }));
    const got = await apigw1.send(new GetMethodCommand({ restApiId: id, resourceId: health.id, httpMethod: "GET" }));
    assert.equal(got.methodIntegration.type, "MOCK");
    assert.equal(got.methodIntegration.integrationResponses["200"].responseTemplates["application/json"], '{"status": "ok"}');
    assert.ok(got.methodResponses["200"]);

    const dep = await apigw1.send(new CreateRestDeploymentCommand({ restApiId: id, stageName: "test", variables: { fn: fns.echo }, description: "v1" }));
    assert.ok(dep.id);
    const stage = await apigw1.send(new GetRestStageCommand({ restApiId: id, stageName: "test" }));
    assert.equal(stage.deploymentId, dep.id);
    assert.deepEqual(stage.variables, { fn: fns.echo });

    let res = await fetch(invokeUrl(id, "/test/users/a%20b?tag=x&tag=y"), { method: "POST", headers: { "content-type": "application/json", "user-agent": "ua-test" }, body: '{"k":1}' });
    assert.equal(res.status, 200);
    assert.ok(res.headers.get("x-amzn-requestid"));
    assert.ok(res.headers.get("x-amz-apigw-id"));
    const event = await res.json();
    assert.equal(event.resource, "/users/{userId}");
    assert.equal(event.path, "/users/a%20b");
    assert.equal(event.httpMethod, "POST");
    assert.deepEqual(event.pathParameters, { userId: "a%20b" });
    assert.deepEqual(event.queryStringParameters, { tag: "y" });
    assert.deepEqual(event.multiValueQueryStringParameters, { tag: ["x", "y"] });
    assert.deepEqual(event.stageVariables, { fn: fns.echo });
    assert.equal(event.body, '{"k":1}');
    assert.equal(event.isBase64Encoded, false);
    assert.equal(event.headers["content-length"] ?? event.headers["Content-Length"], undefined);
    assert.ok(Array.isArray(Object.values(event.multiValueHeaders)[0]));
    const rc = event.requestContext;
    assert.equal(rc.resourceId, user.id);
    assert.equal(rc.resourcePath, "/users/{userId}");
    assert.equal(rc.httpMethod, "POST");
    assert.equal(rc.path, "/test/users/a%20b");
    assert.equal(rc.stage, "test");
    assert.equal(rc.accountId, "000000000000");
    assert.equal(rc.apiId, id);
    assert.equal(rc.protocol, "HTTP/1.1");
    assert.equal(rc.domainPrefix, id);
    assert.match(rc.requestId, /^[0-9a-f-]{36}$/);
    assert.ok(rc.extendedRequestId);
    assert.match(rc.requestTime, /^\d{2}\/[A-Z][a-z]{2}\/\d{4}:\d{2}:\d{2}:\d{2} \+0000$/);
    assert.equal(typeof rc.requestTimeEpoch, "number");
    assert.equal(rc.identity.userAgent, "ua-test");
    assert.ok(rc.identity.sourceIp);

    res = await fetch(invokeUrl(id, "/test/upload"), { method: "PUT", headers: { "content-type": "application/octet-stream" }, body: new Uint8Array([1, 2, 3]) });
    const binary = await res.json();
    assert.equal(binary.resource, "/{proxy+}");
    assert.deepEqual(binary.pathParameters, { proxy: "upload" });
    assert.equal(binary.isBase64Encoded, true);
    assert.equal(binary.body, "AQID");

    res = await fetch(invokeUrl(id, "/test/health"));
    assert.equal(res.status, 200);
    assert.equal(res.headers.get("x-mock"), "yes");
    assert.deepEqual(await res.json(), { status: "ok" });

    // Misses: unknown stage, and a method with no resource (the root has no methods).
    for (const [method, path] of [["GET", "/nostage/users/1"], ["GET", "/test"], ["GET", "/test/users/1"]]) {
      res = await fetch(invokeUrl(id, path), { method });
      assert.equal(res.status, 403, path);
      assert.deepEqual(await res.json(), { message: "Missing Authentication Token" });
    }

    // A stage variable switches the function; a function error is a 502.
    await apigw1.send(new UpdateRestStageCommand({ restApiId: id, stageName: "test", patchOperations: [{ op: "replace", path: "/variables/fn", value: fns.fail }] }));
    res = await fetch(invokeUrl(id, "/test/anything"));
    assert.equal(res.status, 502);
    assert.deepEqual(await res.json(), { message: "Internal server error" });

    const second = await apigw1.send(new CreateRestStageCommand({ restApiId: id, stageName: "prod", deploymentId: dep.id, variables: { fn: fns.echo } }));
    assert.equal(second.stageName, "prod");
    assert.equal((await fetch(invokeUrl(id, "/prod/x"))).status, 200);
    await rejectsWith(apigw1.send(new CreateRestStageCommand({ restApiId: id, stageName: "prod", deploymentId: dep.id })), "ConflictException", 409);
    const stages = await apigw1.send(new GetRestStagesCommand({ restApiId: id }));
    assert.deepEqual(stages.item.map((s) => s.stageName).sort(), ["prod", "test"]);
    await rejectsWith(apigw1.send(new DeleteDeploymentCommand({ restApiId: id, deploymentId: dep.id })), "BadRequestException", 400);

    const renamed = await apigw1.send(new UpdateRestApiCommand({ restApiId: id, patchOperations: [{ op: "replace", path: "/name", value: "renamed" }, { op: "add", path: "/binaryMediaTypes/image~1png" }] }));
    assert.equal(renamed.name, "renamed");
    assert.deepEqual(renamed.binaryMediaTypes, ["application/octet-stream", "image/png"]);
    assert.ok((await apigw1.send(new GetRestApisCommand({}))).items.some((a) => a.id === id));
    await apigw1.send(new DeleteResourceCommand({ restApiId: id, resourceId: users.id }));
    assert.equal((await apigw1.send(new GetResourcesCommand({ restApiId: id }))).items.length, 3);
    await apigw1.send(new DeleteRestApiCommand({ restApiId: id }));
    await rejectsWith(apigw1.send(new GetRestApiCommand({ restApiId: id })), "NotFoundException", 404);
  });
});

describe("OpenAPI import (HTTP APIs)", () => {
  test("ImportApi builds routes and integrations from x-amazon-apigateway-integration; ReimportApi replaces them", async () => {
    const integration = (fn, version = "2.0") => ({ type: "aws_proxy", httpMethod: "POST", uri: arn(fn), payloadFormatVersion: version });
    const definition = {
      openapi: "3.0.1",
      info: { title: unique("imported"), version: "1.0", description: "from OpenAPI" },
      paths: {
        "/pets/{petId}": { get: { operationId: "getPet", "x-amazon-apigateway-integration": integration(fns.echo) } },
        "/legacy": { "x-amazon-apigateway-any-method": { "x-amazon-apigateway-integration": integration(fns.echo, "1.0") } },
        "/nothing": { get: {} },
      },
      "x-amazon-apigateway-cors": { allowOrigins: ["*"] },
    };
    const api = await apigw2.send(new ImportApiCommand({ Body: JSON.stringify(definition) }));
    assert.equal(api.Name, definition.info.title);
    assert.equal(api.Description, "from OpenAPI");
    assert.equal(api.Version, "1.0");
    assert.deepEqual(api.CorsConfiguration.AllowOrigins, ["*"]);
    assert.ok(api.Warnings.some((w) => w.includes("GET /nothing")));
    const routes = await apigw2.send(new GetRoutesCommand({ ApiId: api.ApiId }));
    assert.deepEqual(routes.Items.map((r) => r.RouteKey).sort(), ["ANY /legacy", "GET /nothing", "GET /pets/{petId}"]);
    assert.equal(routes.Items.find((r) => r.RouteKey === "GET /pets/{petId}").OperationName, "getPet");
    const integrations = await apigw2.send(new GetIntegrationsCommand({ ApiId: api.ApiId }));
    assert.deepEqual(integrations.Items.map((i) => i.PayloadFormatVersion).sort(), ["1.0", "2.0"]);

    await apigw2.send(new CreateStageCommand({ ApiId: api.ApiId, StageName: "$default", AutoDeploy: true }));
    let res = await fetch(invokeUrl(api.ApiId, "/pets/7"));
    assert.equal(res.status, 200);
    assert.deepEqual((await res.json()).pathParameters, { petId: "7" });
    res = await fetch(invokeUrl(api.ApiId, "/legacy"), { method: "PUT" });
    assert.equal((await res.json()).version, "1.0");

    definition.paths = { "/v2/{proxy+}": { "x-amazon-apigateway-any-method": { "x-amazon-apigateway-integration": integration(fns.echo) } } };
    await apigw2.send(new ReimportApiCommand({ ApiId: api.ApiId, Body: JSON.stringify(definition) }));
    assert.equal((await fetch(invokeUrl(api.ApiId, "/pets/7"))).status, 404);
    res = await fetch(invokeUrl(api.ApiId, "/v2/a/b"));
    assert.deepEqual((await res.json()).pathParameters, { proxy: "a/b" });

    await rejectsWith(apigw2.send(new ImportApiCommand({ Body: "openapi: 3.0.1" })), "BadRequestException", 400);
    await rejectsWith(apigw2.send(new ImportApiCommand({ Body: JSON.stringify({ swagger: "2.0", info: { title: "x" } }) })), "BadRequestException", 400);
    await rejectsWith(apigw2.send(new ImportApiCommand({ Body: JSON.stringify({ ...definition, paths: { "/a": { get: {} } } }), FailOnWarnings: true })), "BadRequestException", 400);
    await apigw2.send(new DeleteApiCommand({ ApiId: api.ApiId }));
  });
});

describe("Tags", () => {
  test("HTTP API and REST API tags by ARN", async () => {
    const http = await apigw2.send(new CreateApiCommand({ Name: unique("tags"), ProtocolType: "HTTP", Tags: { a: "1" } }));
    const httpArn = `arn:aws:apigateway:us-east-1::/apis/${http.ApiId}`;
    await apigw2.send(new TagResourceCommand({ ResourceArn: httpArn, Tags: { b: "2" } }));
    assert.deepEqual((await apigw2.send(new GetTagsCommand({ ResourceArn: httpArn }))).Tags, { a: "1", b: "2" });
    await apigw2.send(new UntagResourceCommand({ ResourceArn: httpArn, TagKeys: ["a"] }));
    assert.deepEqual((await apigw2.send(new GetApiCommand({ ApiId: http.ApiId }))).Tags, { b: "2" });
    await apigw2.send(new DeleteApiCommand({ ApiId: http.ApiId }));

    const rest = await apigw1.send(new CreateRestApiCommand({ name: unique("tags") }));
    const restArn = `arn:aws:apigateway:us-east-1::/restapis/${rest.id}`;
    await apigw1.send(new TagRestCommand({ resourceArn: restArn, tags: { team: "x" } }));
    assert.deepEqual((await apigw1.send(new GetRestTagsCommand({ resourceArn: restArn }))).tags, { team: "x" });
    await apigw1.send(new UntagRestCommand({ resourceArn: restArn, tagKeys: ["team"] }));
    assert.deepEqual((await apigw1.send(new GetRestTagsCommand({ resourceArn: restArn }))).tags, {});
    await rejectsWith(apigw1.send(new GetRestTagsCommand({ resourceArn: "arn:aws:apigateway:us-east-1::/restapis/nope12345" })), "NotFoundException", 404);
    await apigw1.send(new DeleteRestApiCommand({ restApiId: rest.id }));
  });
});
