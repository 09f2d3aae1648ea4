// A real Node handler built on @aws-lambda-powertools/event-handler (its HTTP Router checks the event shape with
// isAPIGatewayProxyEventV1/V2 and throws on anything else) behind a REST API (proxy event 1.0), an HTTP API with
// payload 2.0 and one with payload 1.0. The function's zip carries the package files from tests/clients/node_modules.
import { test, before, after, describe } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import {
  ApiGatewayV2Client, CreateApiCommand, DeleteApiCommand, CreateIntegrationCommand, CreateRouteCommand, CreateStageCommand,
} from "@aws-sdk/client-apigatewayv2";
import {
  APIGatewayClient, CreateRestApiCommand, DeleteRestApiCommand, GetResourcesCommand, CreateResourceCommand, PutMethodCommand,
  PutIntegrationCommand, CreateDeploymentCommand,
} from "@aws-sdk/client-api-gateway";
import { CreateFunctionCommand, DeleteFunctionCommand } from "@aws-sdk/client-lambda";
import { lambda, zip, unique, role, endpoint } from "./helpers.mjs";

const config = { endpoint, region: "us-east-1", credentials: { accessKeyId: "test", secretAccessKey: "test" }, maxAttempts: 1 };
const apigw2 = new ApiGatewayV2Client(config);
const apigw1 = new APIGatewayClient(config);
const here = path.dirname(fileURLToPath(import.meta.url));
const modules = path.resolve(here, "../node_modules");
const fn = unique("powertools");
const arn = `arn:aws:lambda:us-east-1:000000000000:function:${fn}`;
const lambdaUri = `arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/${arn}/invocations`;

const handler = `
import { Router, BadRequestError } from "@aws-lambda-powertools/event-handler/http";

const app = new Router();
app.get("/items/:id", async ({ params, req, event }) => {
  const url = new URL(req.url);
  return {
    id: params.id,
    q: url.searchParams.get("q"),
    tags: url.searchParams.getAll("tag"),
    agent: req.headers.get("user-agent"),
    cookie: req.headers.get("cookie"),
    path: url.pathname,
    format: event.version ?? "rest",
  };
});
app.post("/items", async ({ req }) => {
  const body = await req.json();
  // The extended proxy result: powertools appends "cookies" (a Response's repeated Set-Cookie would be collapsed by
  // its header merge) and converts the result back to the event's own response format.
  return { statusCode: 201, headers: { "content-type": "application/json", "x-created": "yes" }, cookies: ["a=1; Path=/", "b=2; Path=/"], body: JSON.stringify({ created: body }) };
});
app.get("/bad", async () => { throw new BadRequestError("bad thing"); });
export const handler = async (event, context) => app.resolve(event, context);
`;

/** The files of a package below node_modules (JavaScript and package.json only). */
function packageFiles(name, sub = ["lib/esm"]) {
  const root = path.join(modules, name);
  const files = { [`node_modules/${name}/package.json`]: fs.readFileSync(path.join(root, "package.json"), "utf8") };
  const walk = (dir) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (/\.(m?js|json)$/.test(entry.name)) files[`node_modules/${name}/${path.relative(root, full)}`] = fs.readFileSync(full, "utf8");
    }
  };
  for (const s of sub) if (fs.existsSync(path.join(root, s))) walk(path.join(root, s));
  return files;
}

const apis = {};

before(async () => {
  await lambda.send(new CreateFunctionCommand({
    FunctionName: fn, Runtime: "nodejs20.x", Handler: "index.handler", Role: role, Timeout: 30,
    Code: { ZipFile: await zip({
      "index.mjs": handler,
      ...packageFiles("@aws-lambda-powertools/event-handler"),
      ...packageFiles("@aws-lambda-powertools/commons"),
      ...packageFiles("@aws/lambda-invoke-store", ["dist-es", "dist-cjs", "dist"]),
    }) },
  }));

  // HTTP API, payload 2.0 (quick create: $default route and stage).
  apis.v2 = (await apigw2.send(new CreateApiCommand({ Name: unique("pt-v2"), ProtocolType: "HTTP", Target: arn }))).ApiId;

  // HTTP API, payload 1.0.
  apis.v1 = (await apigw2.send(new CreateApiCommand({ Name: unique("pt-v1"), ProtocolType: "HTTP" }))).ApiId;
  const integration = await apigw2.send(new CreateIntegrationCommand({ ApiId: apis.v1, IntegrationType: "AWS_PROXY", IntegrationUri: arn, PayloadFormatVersion: "1.0" }));
  await apigw2.send(new CreateRouteCommand({ ApiId: apis.v1, RouteKey: "ANY /{proxy+}", Target: `integrations/${integration.IntegrationId}` }));
  await apigw2.send(new CreateStageCommand({ ApiId: apis.v1, StageName: "$default", AutoDeploy: true }));

  // REST API: ANY /{proxy+} → AWS_PROXY, deployed to "prod".
  const rest = await apigw1.send(new CreateRestApiCommand({ name: unique("pt-rest") }));
  apis.rest = rest.id;
  const root = (await apigw1.send(new GetResourcesCommand({ restApiId: rest.id }))).items.find((r) => r.path === "/");
  const proxy = await apigw1.send(new CreateResourceCommand({ restApiId: rest.id, parentId: root.id, pathPart: "{proxy+}" }));
  await apigw1.send(new PutMethodCommand({ restApiId: rest.id, resourceId: proxy.id, httpMethod: "ANY", authorizationType: "NONE" }));
  await apigw1.send(new PutIntegrationCommand({
    restApiId: rest.id, resourceId: proxy.id, httpMethod: "ANY", type: "AWS_PROXY", integrationHttpMethod: "POST", uri: lambdaUri,
  }));
  await apigw1.send(new CreateDeploymentCommand({ restApiId: rest.id, stageName: "prod" }));
});

after(async () => {
  await lambda.send(new DeleteFunctionCommand({ FunctionName: fn }));
  await apigw2.send(new DeleteApiCommand({ ApiId: apis.v2 }));
  await apigw2.send(new DeleteApiCommand({ ApiId: apis.v1 }));
  await apigw1.send(new DeleteRestApiCommand({ restApiId: apis.rest }));
});

const cases = [
  { name: "HTTP API, payload 2.0", base: () => `${endpoint}/_api/${apis.v2}`, format: "2.0" },
  { name: "HTTP API, payload 1.0", base: () => `${endpoint}/_api/${apis.v1}`, format: "1.0" },
  { name: "REST API (proxy event)", base: () => `${endpoint}/_api/${apis.rest}/prod`, format: "rest" },
];

describe("powertools event-handler Router behind API Gateway", () => {
  for (const c of cases) {
    test(c.name, async () => {
      let res = await fetch(`${c.base()}/items/42?q=hello%20world&tag=a&tag=b`, { headers: { "user-agent": "pt-e2e", cookie: "s=1; t=2" } });
      assert.equal(res.status, 200, await res.clone().text());
      assert.match(res.headers.get("content-type"), /^application\/json/);
      const got = await res.json();
      assert.equal(got.id, "42");
      assert.equal(got.q, "hello world");
      assert.deepEqual(got.tags, ["a", "b"]);
      assert.equal(got.agent, "pt-e2e");
      assert.equal(got.cookie, "s=1; t=2");
      assert.equal(got.format, c.format === "rest" ? "rest" : c.format);
      assert.equal(got.path, "/items/42");

      res = await fetch(`${c.base()}/items`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ name: "n" }) });
      assert.equal(res.status, 201);
      assert.equal(res.headers.get("x-created"), "yes");
      assert.deepEqual(res.headers.getSetCookie().sort(), ["a=1; Path=/", "b=2; Path=/"]);
      assert.deepEqual(await res.json(), { created: { name: "n" } });

      res = await fetch(`${c.base()}/bad`);
      assert.equal(res.status, 400);
      assert.match(JSON.stringify(await res.json()), /bad thing/);

      res = await fetch(`${c.base()}/nowhere`);
      assert.equal(res.status, 404);
    });
  }
});
