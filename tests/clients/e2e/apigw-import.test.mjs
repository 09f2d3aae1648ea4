// REST API import end to end: ImportRestApi of an OpenAPI 3.0 document (Lambda proxy route, MOCK route, API key,
// request validator, models, gateway responses), CreateDeployment and calls through the gateway, PutRestApi
// overwrite and merge, GetExport round trip through ImportRestApi, Swagger 2.0 YAML import, and import errors.
import { test, before, after, describe } from "node:test";
import assert from "node:assert/strict";
import {
  APIGatewayClient, ImportRestApiCommand, PutRestApiCommand, DeleteRestApiCommand, GetResourcesCommand, GetMethodCommand,
  CreateDeploymentCommand, GetExportCommand, GetModelsCommand, GetRequestValidatorsCommand, GetGatewayResponseCommand,
  GetAuthorizersCommand,
} from "@aws-sdk/client-api-gateway";
import { CreateFunctionCommand, DeleteFunctionCommand } from "@aws-sdk/client-lambda";
import { CloudFormationClient, CreateStackCommand, DeleteStackCommand, DescribeStacksCommand } from "@aws-sdk/client-cloudformation";
import { lambda, role, zip, unique, endpoint, rejectsWith, waitFor } from "./helpers.mjs";

const config = { endpoint, region: "us-east-1", credentials: { accessKeyId: "test", secretAccessKey: "test" }, maxAttempts: 1 };
const apigw = new APIGatewayClient(config);
const cfn = new CloudFormationClient(config);
const enc = (value) => new TextEncoder().encode(typeof value === "string" ? value : JSON.stringify(value));
const text = (bytes) => new TextDecoder().decode(bytes);
const invokeUrl = (apiId, rest) => `${endpoint}/_api/${apiId}${rest}`;
const fn = unique("import-echo");
const lambdaUri = `arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/arn:aws:lambda:us-east-1:000000000000:function:${fn}/invocations`;
const cleanup = [];

before(async () => {
  await lambda.send(new CreateFunctionCommand({
    FunctionName: fn, Runtime: "nodejs20.x", Handler: "index.handler", Role: role,
    Code: { ZipFile: await zip({ "index.mjs": `export const handler = async (e) => ({ statusCode: 200, body: JSON.stringify({ resource: e.resource, path: e.path, id: e.pathParameters?.id ?? null, q: e.queryStringParameters }) });` }) },
  }));
});
after(async () => {
  for (const f of cleanup) await f();
  await lambda.send(new DeleteFunctionCommand({ FunctionName: fn }));
});

const openapi = (title) => ({
  openapi: "3.0.1",
  info: { title, version: "1.2", description: "imported" },
  paths: {
    "/items/{id}": {
      get: {
        operationId: "getItem",
        parameters: [{ name: "id", in: "path", required: true, schema: { type: "string" } }, { name: "verbose", in: "query", schema: { type: "string" } }],
        responses: { 200: { description: "ok" } },
        "x-amazon-apigateway-integration": { type: "aws_proxy", httpMethod: "POST", uri: lambdaUri, passthroughBehavior: "when_no_match" },
      },
    },
    "/health": {
      get: {
        security: [{ api_key: [] }],
        responses: {
          200: { description: "ok", headers: { "X-Mock": { schema: { type: "string" } } }, content: { "application/json": { schema: { $ref: "#/components/schemas/Health" } } } },
        },
        "x-amazon-apigateway-integration": {
          type: "mock",
          requestTemplates: { "application/json": '{"statusCode": 200}' },
          responses: { default: { statusCode: "200", responseParameters: { "method.response.header.X-Mock": "'yes'" }, responseTemplates: { "application/json": '{"status": "ok"}' } } },
        },
      },
    },
  },
  components: {
    schemas: { Health: { type: "object", properties: { status: { type: "string" } } } },
    securitySchemes: { api_key: { type: "apiKey", name: "x-api-key", in: "header" } },
  },
  "x-amazon-apigateway-request-validators": { params: { validateRequestParameters: true, validateRequestBody: false } },
  "x-amazon-apigateway-gateway-responses": { MISSING_AUTHENTICATION_TOKEN: { statusCode: 404, responseTemplates: { "application/json": '{"message":"no such route"}' } } },
  "x-amazon-apigateway-binary-media-types": ["image/png"],
});

describe("ImportRestApi / PutRestApi", () => {
  test("import OpenAPI 3.0, deploy, call the Lambda proxy and MOCK routes, overwrite, merge, export round trip", async () => {
    const title = unique("import");
    const api = await apigw.send(new ImportRestApiCommand({ body: enc(openapi(title)), parameters: { endpointConfigurationTypes: "REGIONAL" } }));
    cleanup.push(() => apigw.send(new DeleteRestApiCommand({ restApiId: api.id })));
    assert.equal(api.name, title);
    assert.equal(api.version, "1.2");
    assert.equal(api.description, "imported");
    assert.deepEqual(api.endpointConfiguration.types, ["REGIONAL"]);
    assert.deepEqual(api.binaryMediaTypes, ["image/png"]);

    const resources = (await apigw.send(new GetResourcesCommand({ restApiId: api.id }))).items;
    assert.deepEqual(resources.map((r) => r.path).sort(), ["/", "/health", "/items", "/items/{id}"]);
    const item = resources.find((r) => r.path === "/items/{id}");
    assert.equal(resources.find((r) => r.path === "/items").id, item.parentId);
    const get = await apigw.send(new GetMethodCommand({ restApiId: api.id, resourceId: item.id, httpMethod: "GET" }));
    assert.equal(get.operationName, "getItem");
    assert.deepEqual(get.requestParameters, { "method.request.path.id": true, "method.request.querystring.verbose": false });
    assert.equal(get.methodIntegration.type, "AWS_PROXY");
    assert.equal(get.methodIntegration.uri, lambdaUri);
    const health = resources.find((r) => r.path === "/health");
    const mock = await apigw.send(new GetMethodCommand({ restApiId: api.id, resourceId: health.id, httpMethod: "GET" }));
    assert.equal(mock.apiKeyRequired, true);
    assert.deepEqual(mock.methodResponses["200"].responseModels, { "application/json": "Health" });
    assert.equal(mock.methodIntegration.integrationResponses["200"].responseTemplates["application/json"], '{"status": "ok"}');
    const models = (await apigw.send(new GetModelsCommand({ restApiId: api.id }))).items.map((m) => m.name);
    assert.ok(models.includes("Health"));
    const validators = (await apigw.send(new GetRequestValidatorsCommand({ restApiId: api.id }))).items;
    assert.equal(validators[0].name, "params");
    assert.equal(validators[0].validateRequestParameters, true);
    const gr = await apigw.send(new GetGatewayResponseCommand({ restApiId: api.id, responseType: "MISSING_AUTHENTICATION_TOKEN" }));
    assert.equal(gr.statusCode, "404");

    await apigw.send(new CreateDeploymentCommand({ restApiId: api.id, stageName: "prod" }));
    let res = await fetch(invokeUrl(api.id, "/prod/items/42?verbose=1"));
    assert.equal(res.status, 200);
    assert.deepEqual(await res.json(), { resource: "/items/{id}", path: "/items/42", id: "42", q: { verbose: "1" } });
    res = await fetch(invokeUrl(api.id, "/prod/health"));
    assert.equal(res.status, 403); // API key required
    res = await fetch(invokeUrl(api.id, "/prod/nowhere"));
    assert.equal(res.status, 404);
    assert.deepEqual(await res.json(), { message: "no such route" });

    // Export (with integrations) and import the export: same resources and methods.
    const exported = JSON.parse(text((await apigw.send(new GetExportCommand({ restApiId: api.id, stageName: "prod", exportType: "oas30", parameters: { extensions: "integrations" } }))).body));
    const again = await apigw.send(new ImportRestApiCommand({ body: enc(exported), failOnWarnings: true }));
    cleanup.push(() => apigw.send(new DeleteRestApiCommand({ restApiId: again.id })));
    const againResources = (await apigw.send(new GetResourcesCommand({ restApiId: again.id }))).items;
    assert.deepEqual(againResources.map((r) => r.path).sort(), ["/", "/health", "/items", "/items/{id}"]);
    const reexported = JSON.parse(text((await apigw.send(new CreateDeploymentCommand({ restApiId: again.id, stageName: "prod" })),
      await apigw.send(new GetExportCommand({ restApiId: again.id, stageName: "prod", exportType: "oas30", parameters: { extensions: "integrations" } }))).body));
    assert.deepEqual(reexported.paths, exported.paths);
    res = await fetch(invokeUrl(again.id, "/prod/items/7"));
    assert.equal((await res.json()).id, "7");

    // PutRestApi overwrite: only the new document's routes remain; merge: added next to them.
    const replaced = await apigw.send(new PutRestApiCommand({
      restApiId: api.id, mode: "overwrite",
      body: enc({ openapi: "3.0.1", info: { title: `${title}-v2` }, paths: { "/ping": { get: { responses: { 200: { description: "ok" } }, "x-amazon-apigateway-integration": { type: "mock", requestTemplates: { "application/json": '{"statusCode": 200}' }, responses: { default: { statusCode: "200", responseTemplates: { "application/json": '{"pong": true}' } } } } } } } }),
    }));
    assert.equal(replaced.name, `${title}-v2`);
    assert.deepEqual((await apigw.send(new GetResourcesCommand({ restApiId: api.id }))).items.map((r) => r.path).sort(), ["/", "/ping"]);
    await apigw.send(new PutRestApiCommand({
      restApiId: api.id, mode: "merge",
      body: enc({ openapi: "3.0.1", info: { title: `${title}-v2` }, paths: { "/items/{id}": openapi(title).paths["/items/{id}"] } }),
    }));
    assert.deepEqual((await apigw.send(new GetResourcesCommand({ restApiId: api.id }))).items.map((r) => r.path).sort(), ["/", "/items", "/items/{id}", "/ping"]);
    await apigw.send(new CreateDeploymentCommand({ restApiId: api.id, stageName: "prod" }));
    res = await fetch(invokeUrl(api.id, "/prod/ping"));
    assert.deepEqual(await res.json(), { pong: true });
    res = await fetch(invokeUrl(api.id, "/prod/items/9"));
    assert.equal((await res.json()).id, "9");
  });

  test("Swagger 2.0 YAML with a TOKEN authorizer and ANY {proxy+}; errors and warnings", async () => {
    const yaml = `
swagger: "2.0"
info:
  title: ${unique("swagger")}
securityDefinitions:
  tokenAuth:
    type: apiKey
    name: Authorization
    in: header
    x-amazon-apigateway-authtype: custom
    x-amazon-apigateway-authorizer:
      type: token
      authorizerUri: ${lambdaUri}
      authorizerResultTtlInSeconds: 0
paths:
  /{proxy+}:
    x-amazon-apigateway-any-method:
      security:
        - tokenAuth: []
      x-amazon-apigateway-integration:
        type: aws_proxy
        httpMethod: POST
        uri: ${lambdaUri}
`;
    const api = await apigw.send(new ImportRestApiCommand({ body: enc(yaml) }));
    cleanup.push(() => apigw.send(new DeleteRestApiCommand({ restApiId: api.id })));
    const authorizers = (await apigw.send(new GetAuthorizersCommand({ restApiId: api.id }))).items;
    assert.equal(authorizers.length, 1);
    assert.equal(authorizers[0].type, "TOKEN");
    assert.equal(authorizers[0].identitySource, "method.request.header.Authorization");
    const proxy = (await apigw.send(new GetResourcesCommand({ restApiId: api.id }))).items.find((r) => r.path === "/{proxy+}");
    const method = await apigw.send(new GetMethodCommand({ restApiId: api.id, resourceId: proxy.id, httpMethod: "ANY" }));
    assert.equal(method.authorizationType, "CUSTOM");
    assert.equal(method.authorizerId, authorizers[0].id);

    await rejectsWith(apigw.send(new ImportRestApiCommand({ body: enc("not: [valid") })), "BadRequestException", 400);
    await rejectsWith(apigw.send(new ImportRestApiCommand({ body: enc({ info: { title: "x" }, paths: {} }) })), "BadRequestException", 400);
    const bad = await rejectsWith(apigw.send(new ImportRestApiCommand({
      body: enc({ openapi: "3.0.1", info: { title: "x" }, paths: { "/a": { get: { "x-amazon-apigateway-integration": { type: "aws_proxy", httpMethod: "POST" } } } } }),
    })), "BadRequestException", 400);
    assert.match(bad.message, /no uri/);
    const noIntegration = { openapi: "3.0.1", info: { title: unique("warn") }, paths: { "/a": { get: { responses: { default: { description: "x" } } } } } };
    await rejectsWith(apigw.send(new ImportRestApiCommand({ body: enc(noIntegration), failOnWarnings: true })), "BadRequestException", 400);
    const warned = await apigw.send(new ImportRestApiCommand({ body: enc(noIntegration) }));
    cleanup.push(() => apigw.send(new DeleteRestApiCommand({ restApiId: warned.id })));
    assert.ok(warned.warnings.length >= 1);
    await rejectsWith(apigw.send(new PutRestApiCommand({ restApiId: "nosuchapi0", body: enc(noIntegration) })), "NotFoundException", 404);
  });

  test("CloudFormation AWS::ApiGateway::RestApi with an inline Body imports it and the deployment serves it", async () => {
    const stackName = unique("restbody");
    const template = {
      Resources: {
        Api: {
          Type: "AWS::ApiGateway::RestApi",
          Properties: {
            Name: stackName,
            Body: {
              swagger: "2.0",
              info: { title: "from-body", version: "1.0" },
              paths: {
                "/hello/{name}": { get: { responses: {}, "x-amazon-apigateway-integration": { type: "aws_proxy", httpMethod: "POST", uri: lambdaUri } } },
                "/mock": { get: { responses: { 200: { description: "ok" } }, "x-amazon-apigateway-integration": { type: "mock", requestTemplates: { "application/json": '{"statusCode": 200}' }, responses: { default: { statusCode: "200", responseTemplates: { "application/json": '{"mocked": true}' } } } } } },
              },
            },
          },
        },
        Deployment: { Type: "AWS::ApiGateway::Deployment", Properties: { RestApiId: { Ref: "Api" }, StageName: "prod" } },
      },
      Outputs: { ApiId: { Value: { Ref: "Api" } } },
    };
    await cfn.send(new CreateStackCommand({ StackName: stackName, TemplateBody: JSON.stringify(template) }));
    cleanup.push(() => cfn.send(new DeleteStackCommand({ StackName: stackName })));
    const stack = await waitFor(async () => {
      const s = (await cfn.send(new DescribeStacksCommand({ StackName: stackName }))).Stacks[0];
      return /_(COMPLETE|FAILED)$/.test(s.StackStatus) ? s : null;
    }, 60000, "stack");
    assert.equal(stack.StackStatus, "CREATE_COMPLETE", stack.StackStatusReason);
    const apiId = stack.Outputs.find((o) => o.OutputKey === "ApiId").OutputValue;
    let res = await fetch(invokeUrl(apiId, "/prod/hello/ann"));
    assert.equal(res.status, 200);
    assert.equal((await res.json()).id, null);
    res = await fetch(invokeUrl(apiId, "/prod/mock"));
    assert.deepEqual(await res.json(), { mocked: true });
    const resources = (await apigw.send(new GetResourcesCommand({ restApiId: apiId }))).items.map((r) => r.path).sort();
    assert.deepEqual(resources, ["/", "/hello", "/hello/{name}", "/mock"]);
  });
});
