// API Gateway mapping end to end: non-proxy integrations (Lambda AWS, DynamoDB action, HTTP, MOCK) with Velocity
// mapping templates, models and request validators, gateway responses, and HTTP API parameter mapping — all defined
// with @aws-sdk/client-api-gateway / -apigatewayv2 and exercised through the invoke URLs with fetch.
import { test, before, after, describe } from "node:test";
import assert from "node:assert/strict";
import http from "node:http";
import {
  APIGatewayClient, CreateRestApiCommand, DeleteRestApiCommand, CreateResourceCommand, PutMethodCommand, PutMethodResponseCommand,
  PutIntegrationCommand, PutIntegrationResponseCommand, GetIntegrationResponseCommand, UpdateIntegrationResponseCommand,
  UpdateMethodResponseCommand, GetMethodResponseCommand, CreateDeploymentCommand, GetStageCommand, UpdateStageCommand,
  CreateModelCommand, GetModelsCommand, GetModelCommand, UpdateModelCommand, DeleteModelCommand,
  CreateRequestValidatorCommand, GetRequestValidatorsCommand, GetRequestValidatorCommand, UpdateRequestValidatorCommand, DeleteRequestValidatorCommand,
  PutGatewayResponseCommand, GetGatewayResponseCommand, GetGatewayResponsesCommand, UpdateGatewayResponseCommand, DeleteGatewayResponseCommand,
} from "@aws-sdk/client-api-gateway";
import {
  ApiGatewayV2Client, CreateApiCommand, CreateIntegrationCommand, CreateRouteCommand, CreateStageCommand, DeleteApiCommand,
} from "@aws-sdk/client-apigatewayv2";
import { DynamoDBClient, CreateTableCommand, GetItemCommand, DeleteTableCommand } from "@aws-sdk/client-dynamodb";
import { CreateFunctionCommand, DeleteFunctionCommand } from "@aws-sdk/client-lambda";
import { lambda, zip, unique, role, endpoint, rejectsWith } from "./helpers.mjs";

const config = { endpoint, region: "us-east-1", credentials: { accessKeyId: "test", secretAccessKey: "test" }, maxAttempts: 1 };
const apigw = new APIGatewayClient(config);
const apigw2 = new ApiGatewayV2Client(config);
const ddb = new DynamoDBClient(config);

const calc = unique("gw-calc");
const calcCode = `export const handler = async (event) => {
  if (event.op === "add") return { result: event.a + event.b, items: [event.a, event.b], id: event.id };
  throw new Error("Invalid op: " + event.op);
};`;
const lambdaUri = (fn) => `arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/arn:aws:lambda:us-east-1:000000000000:function:${fn}/invocations`;
const invokeUrl = (apiId, rest) => `${endpoint}/_api/${apiId}${rest}`;
const apis = [];
const httpApis = [];

// A plain HTTP backend for HTTP / HTTP_PROXY integrations: echoes what it received.
let backend;
let backendUrl;

before(async () => {
  await lambda.send(new CreateFunctionCommand({
    FunctionName: calc, Runtime: "nodejs20.x", Handler: "index.handler", Role: role, Code: { ZipFile: await zip({ "index.mjs": calcCode }) },
  }));
  backend = http.createServer((req, res) => {
    let body = "";
    req.on("data", (c) => { body += c; });
    req.on("end", () => {
      const status = req.url.includes("teapot") ? 418 : 200;
      res.writeHead(status, { "content-type": "application/json", "x-backend": "node" });
      res.end(JSON.stringify({ method: req.method, url: req.url, headers: req.headers, body }));
    });
  });
  await new Promise((r) => backend.listen(0, "127.0.0.1", r));
  backendUrl = `http://127.0.0.1:${backend.address().port}`;
});

after(async () => {
  await lambda.send(new DeleteFunctionCommand({ FunctionName: calc }));
  await Promise.all(apis.map((restApiId) => apigw.send(new DeleteRestApiCommand({ restApiId })).catch(() => {})));
  await Promise.all(httpApis.map((ApiId) => apigw2.send(new DeleteApiCommand({ ApiId })).catch(() => {})));
  backend.close();
});

/** A REST API with one resource path (created under the root), returned with its ids. */
async function restApi(pathPart, child) {
  const api = await apigw.send(new CreateRestApiCommand({ name: unique("map") }));
  apis.push(api.id);
  const r = await apigw.send(new CreateResourceCommand({ restApiId: api.id, parentId: api.rootResourceId, pathPart }));
  const c = child ? await apigw.send(new CreateResourceCommand({ restApiId: api.id, parentId: r.id, pathPart: child })) : r;
  return { id: api.id, resourceId: c.id };
}

const deploy = (restApiId) => apigw.send(new CreateDeploymentCommand({ restApiId, stageName: "test" }));

describe("REST non-proxy integrations with mapping templates", () => {
  test("Lambda (AWS) integration: request template, default and selectionPattern responses, header mapping", async () => {
    const { id, resourceId } = await restApi("calc", "{id}");
    await apigw.send(new PutMethodCommand({ restApiId: id, resourceId, httpMethod: "POST", authorizationType: "NONE" }));
    await apigw.send(new PutIntegrationCommand({
      restApiId: id, resourceId, httpMethod: "POST", type: "AWS", integrationHttpMethod: "POST", uri: lambdaUri(calc),
      passthroughBehavior: "WHEN_NO_TEMPLATES",
      requestTemplates: {
        "application/json": `#set($body = $input.path('$'))
{
  "a": $body.a,
  "b": $input.json('$.b'),
  "op": "$input.params('op')",
  "id": "$input.params('id')",
  "stage": "$context.stage"
}`,
      },
    }));
    await apigw.send(new PutMethodResponseCommand({ restApiId: id, resourceId, httpMethod: "POST", statusCode: "200", responseParameters: { "method.response.header.X-Id": false } }));
    await apigw.send(new PutMethodResponseCommand({ restApiId: id, resourceId, httpMethod: "POST", statusCode: "400" }));
    await apigw.send(new PutIntegrationResponseCommand({
      restApiId: id, resourceId, httpMethod: "POST", statusCode: "200",
      responseParameters: { "method.response.header.X-Id": "integration.response.body.id" },
      responseTemplates: { "application/json": `#set($r = $input.path('$'))
{"sum": $r.result, "count": $r.items.size(), "items": [#foreach($i in $r.items)"n$i"#if($foreach.hasNext),#end#end]}` },
    }));
    const ir = await apigw.send(new PutIntegrationResponseCommand({
      restApiId: id, resourceId, httpMethod: "POST", statusCode: "400", selectionPattern: "Invalid op.*",
      responseTemplates: { "application/json": `{"error": "$util.escapeJavaScript($input.path('$.errorMessage'))"}` },
    }));
    assert.equal(ir.selectionPattern, "Invalid op.*");
    const got = await apigw.send(new GetIntegrationResponseCommand({ restApiId: id, resourceId, httpMethod: "POST", statusCode: "400" }));
    assert.equal(got.statusCode, "400");
    await deploy(id);

    const ok = await fetch(invokeUrl(id, "/test/calc/77?op=add"), { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ a: 2, b: 5 }) });
    assert.equal(ok.status, 200);
    assert.equal(ok.headers.get("x-id"), "77");
    assert.deepEqual(await ok.json(), { sum: 7, count: 2, items: ["n2", "n5"] });

    const bad = await fetch(invokeUrl(id, "/test/calc/77?op=mul"), { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ a: 2, b: 5 }) });
    assert.equal(bad.status, 400);
    assert.deepEqual(await bad.json(), { error: "Invalid op: mul" });

    // No template for text/plain and WHEN_NO_TEMPLATES: 415.
    const unsupported = await fetch(invokeUrl(id, "/test/calc/77?op=add"), { method: "POST", headers: { "content-type": "text/plain" }, body: "hi" });
    assert.equal(unsupported.status, 415);
    assert.deepEqual(await unsupported.json(), { message: "Unsupported Media Type" });

    // A body that is not JSON cannot be read by $input.path.
    const unparsable = await fetch(invokeUrl(id, "/test/calc/1?op=add"), { method: "POST", headers: { "content-type": "application/json" }, body: "{oops" });
    assert.equal(unparsable.status, 400);
    assert.match((await unparsable.json()).message, /^Could not parse request body into json/);

    // PATCH of the integration response changes the mapping after a redeployment.
    await apigw.send(new UpdateIntegrationResponseCommand({
      restApiId: id, resourceId, httpMethod: "POST", statusCode: "400",
      patchOperations: [{ op: "replace", path: "/responseTemplates/application~1json", value: `{"failed": true}` }],
    }));
    await apigw.send(new UpdateMethodResponseCommand({
      restApiId: id, resourceId, httpMethod: "POST", statusCode: "400",
      patchOperations: [{ op: "add", path: "/responseParameters/method.response.header.X-Err", value: "false" }],
    }));
    const mr = await apigw.send(new GetMethodResponseCommand({ restApiId: id, resourceId, httpMethod: "POST", statusCode: "400" }));
    assert.equal(mr.responseParameters["method.response.header.X-Err"], false);
    await deploy(id);
    const bad2 = await fetch(invokeUrl(id, "/test/calc/77?op=x"), { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ a: 1, b: 2 }) });
    assert.equal(bad2.status, 400);
    assert.deepEqual(await bad2.json(), { failed: true });
  });

  test("MOCK integration: status from the request template, VTL response with context, responseOverride and static headers", async () => {
    const { id, resourceId } = await restApi("mock");
    await apigw.send(new PutMethodCommand({ restApiId: id, resourceId, httpMethod: "GET", authorizationType: "NONE" }));
    await apigw.send(new PutIntegrationCommand({
      restApiId: id, resourceId, httpMethod: "GET", type: "MOCK",
      requestTemplates: { "application/json": `#if($input.params('fail') == "yes"){"statusCode": 503}#else{"statusCode": 200}#end` },
    }));
    await apigw.send(new PutIntegrationResponseCommand({
      restApiId: id, resourceId, httpMethod: "GET", statusCode: "200",
      responseParameters: { "method.response.header.Access-Control-Allow-Origin": "'*'" },
      responseTemplates: { "application/json": `#set($names = $input.params('names').split(','))
{"stage": "$context.stage", "method": "$context.httpMethod", "path": "$context.resourcePath", "names": [#foreach($n in $names)"$n.toUpperCase()"#if($foreach.hasNext), #end#end]}
#if($input.params('teapot') == 'yes')#set($context.responseOverride.status = 418)#set($context.responseOverride.header.X-Brew = 'tea')#end` },
    }));
    await apigw.send(new PutIntegrationResponseCommand({
      restApiId: id, resourceId, httpMethod: "GET", statusCode: "503", selectionPattern: "5\\d{2}",
      responseTemplates: { "application/json": `{"down": true}` },
    }));
    await deploy(id);

    const ok = await fetch(invokeUrl(id, "/test/mock?names=ann,bob"));
    assert.equal(ok.status, 200);
    assert.equal(ok.headers.get("access-control-allow-origin"), "*");
    assert.deepEqual(JSON.parse(await ok.text()), { stage: "test", method: "GET", path: "/mock", names: ["ANN", "BOB"] });

    const teapot = await fetch(invokeUrl(id, "/test/mock?names=x&teapot=yes"));
    assert.equal(teapot.status, 418);
    assert.equal(teapot.headers.get("x-brew"), "tea");

    const down = await fetch(invokeUrl(id, "/test/mock?fail=yes"));
    assert.equal(down.status, 503);
    assert.deepEqual(await down.json(), { down: true });
  });

  test("HTTP integration: mapped path, query and headers, response selected by backend status", async () => {
    const { id, resourceId } = await restApi("things", "{thing}");
    await apigw.send(new PutMethodCommand({
      restApiId: id, resourceId, httpMethod: "POST", authorizationType: "NONE",
      requestParameters: { "method.request.path.thing": true, "method.request.header.X-Client": false },
    }));
    await apigw.send(new PutIntegrationCommand({
      restApiId: id, resourceId, httpMethod: "POST", type: "HTTP", integrationHttpMethod: "PUT", uri: `${backendUrl}/backend/{name}`,
      requestParameters: {
        "integration.request.path.name": "method.request.path.thing",
        "integration.request.querystring.source": "'gateway'",
        "integration.request.header.X-Forwarded-Client": "method.request.header.X-Client",
      },
      requestTemplates: { "application/json": `{"wrapped": $input.json('$'), "thing": "$input.params('thing')"}` },
    }));
    await apigw.send(new PutIntegrationResponseCommand({
      restApiId: id, resourceId, httpMethod: "POST", statusCode: "200",
      responseParameters: { "method.response.header.X-Backend": "integration.response.header.x-backend" },
      responseTemplates: { "application/json": `#set($b = $input.path('$'))
{"method": "$b.method", "url": "$b.url", "client": "$b.headers.get('x-forwarded-client')", "body": $b.body}` },
    }));
    await apigw.send(new PutIntegrationResponseCommand({
      restApiId: id, resourceId, httpMethod: "POST", statusCode: "502", selectionPattern: "4\\d{2}",
      responseTemplates: { "application/json": `{"backendFailed": true}` },
    }));
    await deploy(id);

    const res = await fetch(invokeUrl(id, "/test/things/widget"), {
      method: "POST", headers: { "content-type": "application/json", "x-client": "c-9" }, body: JSON.stringify({ n: 1 }),
    });
    assert.equal(res.status, 200);
    assert.equal(res.headers.get("x-backend"), "node");
    assert.deepEqual(await res.json(), {
      method: "PUT", url: "/backend/widget?source=gateway", client: "c-9", body: { wrapped: { n: 1 }, thing: "widget" },
    });

    const teapot = await fetch(invokeUrl(id, "/test/things/teapot"), { method: "POST", headers: { "content-type": "application/json" }, body: "{}" });
    assert.equal(teapot.status, 502);
    assert.deepEqual(await teapot.json(), { backendFailed: true });
  });

  test("AWS service integration: DynamoDB PutItem through action/PutItem", async () => {
    const table = unique("gw-items");
    await ddb.send(new CreateTableCommand({
      TableName: table, BillingMode: "PAY_PER_REQUEST",
      AttributeDefinitions: [{ AttributeName: "pk", AttributeType: "S" }], KeySchema: [{ AttributeName: "pk", KeyType: "HASH" }],
    }));
    try {
      const { id, resourceId } = await restApi("items");
      await apigw.send(new PutMethodCommand({ restApiId: id, resourceId, httpMethod: "POST", authorizationType: "NONE" }));
      await apigw.send(new PutIntegrationCommand({
        restApiId: id, resourceId, httpMethod: "POST", type: "AWS", integrationHttpMethod: "POST",
        uri: "arn:aws:apigateway:us-east-1:dynamodb:action/PutItem", credentials: role,
        requestTemplates: { "application/json": `{"TableName": "${table}", "Item": {"pk": {"S": "$input.path('$.id')"}, "name": {"S": "$util.escapeJavaScript($input.path('$.name'))"}, "requestId": {"S": "$context.requestId"}}}` },
      }));
      await apigw.send(new PutIntegrationResponseCommand({
        restApiId: id, resourceId, httpMethod: "POST", statusCode: "200", responseTemplates: { "application/json": `{"stored": "$input.params('x')ok"}` },
      }));
      await apigw.send(new PutIntegrationResponseCommand({
        restApiId: id, resourceId, httpMethod: "POST", statusCode: "400", selectionPattern: "4\\d{2}",
        responseTemplates: { "application/json": `{"type": "$input.path('$.__type')"}` },
      }));
      await deploy(id);

      const res = await fetch(invokeUrl(id, "/test/items"), { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ id: "k1", name: "Widget \"W\"" }) });
      assert.equal(res.status, 200);
      assert.deepEqual(await res.json(), { stored: "ok" });
      const item = await ddb.send(new GetItemCommand({ TableName: table, Key: { pk: { S: "k1" } } }));
      assert.equal(item.Item.name.S, "Widget \"W\"");
      assert.ok(item.Item.requestId.S.length > 0);

      // A DynamoDB error (empty key) comes back as a 4xx the selection pattern catches.
      const bad = await fetch(invokeUrl(id, "/test/items"), { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ id: "", name: "x" }) });
      assert.equal(bad.status, 400);
      assert.match((await bad.json()).type, /ValidationException/);
    } finally {
      await ddb.send(new DeleteTableCommand({ TableName: table }));
    }
  });
});

describe("Models, request validators and gateway responses", () => {
  test("management: default models, CRUD, validation errors", async () => {
    const { id } = await restApi("x");
    const initial = await apigw.send(new GetModelsCommand({ restApiId: id }));
    assert.deepEqual(initial.items.map((m) => m.name), ["Empty", "Error"]);
    const schema = JSON.stringify({ $schema: "http://json-schema.org/draft-04/schema#", type: "object", required: ["name"], properties: { name: { type: "string" } } });
    const model = await apigw.send(new CreateModelCommand({ restApiId: id, name: "Pet", contentType: "application/json", schema, description: "a pet" }));
    assert.equal(model.name, "Pet");
    assert.ok(model.id);
    await rejectsWith(apigw.send(new CreateModelCommand({ restApiId: id, name: "Pet", contentType: "application/json", schema })), "ConflictException", 409);
    await rejectsWith(apigw.send(new CreateModelCommand({ restApiId: id, name: "Bad", contentType: "application/json", schema: "{not json" })), "BadRequestException", 400);
    const updated = await apigw.send(new UpdateModelCommand({ restApiId: id, modelName: "Pet", patchOperations: [{ op: "replace", path: "/description", value: "cat" }] }));
    assert.equal(updated.description, "cat");
    assert.equal((await apigw.send(new GetModelCommand({ restApiId: id, modelName: "Pet" }))).schema, schema);
    await apigw.send(new DeleteModelCommand({ restApiId: id, modelName: "Pet" }));
    await rejectsWith(apigw.send(new GetModelCommand({ restApiId: id, modelName: "Pet" })), "NotFoundException", 404);

    const v = await apigw.send(new CreateRequestValidatorCommand({ restApiId: id, name: "body-only", validateRequestBody: true }));
    assert.equal(v.validateRequestBody, true);
    assert.equal(v.validateRequestParameters, false);
    const v2 = await apigw.send(new UpdateRequestValidatorCommand({ restApiId: id, requestValidatorId: v.id, patchOperations: [{ op: "replace", path: "/validateRequestParameters", value: "true" }] }));
    assert.equal(v2.validateRequestParameters, true);
    assert.equal((await apigw.send(new GetRequestValidatorsCommand({ restApiId: id }))).items.length, 1);
    assert.equal((await apigw.send(new GetRequestValidatorCommand({ restApiId: id, requestValidatorId: v.id }))).name, "body-only");
    await apigw.send(new DeleteRequestValidatorCommand({ restApiId: id, requestValidatorId: v.id }));
    await rejectsWith(apigw.send(new GetRequestValidatorCommand({ restApiId: id, requestValidatorId: v.id })), "NotFoundException", 404);

    const all = await apigw.send(new GetGatewayResponsesCommand({ restApiId: id }));
    assert.equal(all.items.length, 21);
    const missing = all.items.find((r) => r.responseType === "MISSING_AUTHENTICATION_TOKEN");
    assert.equal(missing.statusCode, "403");
    assert.equal(missing.defaultResponse, true);
    assert.equal(missing.responseTemplates["application/json"], '{"message":$context.error.messageString}');
    await rejectsWith(apigw.send(new PutGatewayResponseCommand({ restApiId: id, responseType: "NOPE" })), "BadRequestException", 400);
  });

  test("validators reject bad parameters and bodies with AWS's messages; customised gateway responses apply after deployment", async () => {
    const { id, resourceId } = await restApi("pets");
    await apigw.send(new CreateModelCommand({
      restApiId: id, name: "NewPet", contentType: "application/json",
      schema: JSON.stringify({
        $schema: "http://json-schema.org/draft-04/schema#", type: "object", required: ["name", "price"],
        properties: { name: { type: "string", minLength: 1 }, price: { type: "number", minimum: 0 }, tags: { type: "array", items: { type: "string" } } },
      }),
    }));
    const validator = await apigw.send(new CreateRequestValidatorCommand({ restApiId: id, name: "all", validateRequestBody: true, validateRequestParameters: true }));
    await apigw.send(new PutMethodCommand({
      restApiId: id, resourceId, httpMethod: "POST", authorizationType: "NONE", requestValidatorId: validator.id,
      requestParameters: { "method.request.querystring.store": true, "method.request.header.X-Api-Version": true },
      requestModels: { "application/json": "NewPet" },
    }));
    await apigw.send(new PutIntegrationCommand({ restApiId: id, resourceId, httpMethod: "POST", type: "MOCK", requestTemplates: { "application/json": '{"statusCode": 200}' } }));
    await apigw.send(new PutIntegrationResponseCommand({ restApiId: id, resourceId, httpMethod: "POST", statusCode: "200", responseTemplates: { "application/json": '{"created": true}' } }));
    await deploy(id);
    const url = invokeUrl(id, "/test/pets");
    const headers = { "content-type": "application/json", "x-api-version": "1" };

    const noParams = await fetch(url, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ name: "x", price: 1 }) });
    assert.equal(noParams.status, 400);
    assert.deepEqual(await noParams.json(), { message: "Missing required request parameters: [store, X-Api-Version]" });

    const badBody = await fetch(`${url}?store=1`, { method: "POST", headers, body: JSON.stringify({ price: -3 }) });
    assert.equal(badBody.status, 400);
    assert.deepEqual(await badBody.json(), { message: "Invalid request body" });

    const good = await fetch(`${url}?store=1`, { method: "POST", headers, body: JSON.stringify({ name: "Rex", price: 10, tags: ["dog"] }) });
    assert.equal(good.status, 200);
    assert.deepEqual(await good.json(), { created: true });

    // Customise BAD_REQUEST_BODY and DEFAULT_4XX; nothing changes until the API is redeployed.
    const put = await apigw.send(new PutGatewayResponseCommand({
      restApiId: id, responseType: "BAD_REQUEST_BODY", statusCode: "422",
      responseParameters: { "gatewayresponse.header.X-Validation": "'failed'" },
      responseTemplates: { "application/json": '{"error": $context.error.messageString, "type": "$context.error.responseType", "details": "$context.error.validationErrorString"}' },
    }));
    assert.equal(put.defaultResponse, false);
    assert.equal(put.statusCode, "422");
    await apigw.send(new PutGatewayResponseCommand({
      restApiId: id, responseType: "DEFAULT_4XX",
      responseParameters: { "gatewayresponse.header.Access-Control-Allow-Origin": "'*'" },
    }));
    const before = await fetch(`${url}?store=1`, { method: "POST", headers, body: "{}" });
    assert.equal(before.status, 400);
    await deploy(id);

    const custom = await fetch(`${url}?store=1`, { method: "POST", headers, body: JSON.stringify({ price: "free" }) });
    assert.equal(custom.status, 422);
    assert.equal(custom.headers.get("x-validation"), "failed");
    const body = await custom.json();
    assert.equal(body.error, "Invalid request body");
    assert.equal(body.type, "BAD_REQUEST_BODY");
    assert.match(body.details, /object has missing required properties/);
    assert.match(body.details, /instance type \(string\) does not match any allowed primitive type/);

    const missingToken = await fetch(invokeUrl(id, "/test/nowhere"));
    assert.equal(missingToken.status, 403);
    assert.equal(missingToken.headers.get("access-control-allow-origin"), "*");
    assert.deepEqual(await missingToken.json(), { message: "Missing Authentication Token" });

    const patched = await apigw.send(new UpdateGatewayResponseCommand({
      restApiId: id, responseType: "MISSING_AUTHENTICATION_TOKEN", patchOperations: [{ op: "replace", path: "/statusCode", value: "404" }],
    }));
    assert.equal(patched.statusCode, "404");
    await deploy(id);
    const notFound = await fetch(invokeUrl(id, "/test/nowhere"));
    assert.equal(notFound.status, 404);
    assert.equal((await apigw.send(new GetGatewayResponseCommand({ restApiId: id, responseType: "MISSING_AUTHENTICATION_TOKEN" }))).defaultResponse, false);

    await apigw.send(new DeleteGatewayResponseCommand({ restApiId: id, responseType: "MISSING_AUTHENTICATION_TOKEN" }));
    const reset = await apigw.send(new GetGatewayResponseCommand({ restApiId: id, responseType: "MISSING_AUTHENTICATION_TOKEN" }));
    assert.equal(reset.defaultResponse, true);
    assert.equal(reset.statusCode, "403");
  });
});

describe("HTTP API parameter mapping", () => {
  test("HTTP_PROXY with request (header, querystring, path) and response (header, status) mappings", async () => {
    const api = await apigw2.send(new CreateApiCommand({ Name: unique("pm"), ProtocolType: "HTTP" }));
    httpApis.push(api.ApiId);
    const integration = await apigw2.send(new CreateIntegrationCommand({
      ApiId: api.ApiId, IntegrationType: "HTTP_PROXY", IntegrationMethod: "GET", IntegrationUri: `${backendUrl}/ignored`, PayloadFormatVersion: "1.0",
      RequestParameters: {
        "append:header.x-user": "user-$request.path.id",
        "overwrite:querystring.page": "$request.querystring.p",
        "remove:querystring.p": "''",
        "overwrite:path": "/v2/users/$request.path.id",
      },
      ResponseParameters: { "200": { "append:header.x-stage": "$context.stage", "overwrite:statuscode": "203" } },
    }));
    await apigw2.send(new CreateRouteCommand({ ApiId: api.ApiId, RouteKey: "GET /users/{id}", Target: `integrations/${integration.IntegrationId}` }));
    await apigw2.send(new CreateStageCommand({ ApiId: api.ApiId, StageName: "$default", AutoDeploy: true }));

    const res = await fetch(invokeUrl(api.ApiId, "/users/5?p=2"));
    assert.equal(res.status, 203);
    assert.equal(res.headers.get("x-stage"), "$default");
    const seen = await res.json();
    assert.equal(seen.url, "/v2/users/5?page=2");
    assert.equal(seen.headers["x-user"], "user-5");
  });
});

describe("Stage canaries", () => {
  test("a canary deployment takes percentTraffic of the stage with its variable overrides, and is promoted by UpdateStage", async () => {
    const { id, resourceId } = await restApi("version");
    await apigw.send(new PutMethodCommand({ restApiId: id, resourceId, httpMethod: "GET", authorizationType: "NONE" }));
    // The integration first, then its response: PutIntegration replaces the integration (and its responses), so the two
    // must not race.
    const mock = async (answer) => {
      await apigw.send(new PutIntegrationCommand({ restApiId: id, resourceId, httpMethod: "GET", type: "MOCK", requestTemplates: { "application/json": '{"statusCode": 200}' } }));
      await apigw.send(new PutIntegrationResponseCommand({ restApiId: id, resourceId, httpMethod: "GET", statusCode: "200", responseTemplates: { "application/json": `{"v": "${answer}", "color": "$stageVariables.color"}` } }));
    };
    await mock("v1");
    const stable = await apigw.send(new CreateDeploymentCommand({ restApiId: id, stageName: "live", variables: { color: "blue" } }));
    await mock("v2");
    const canary = await apigw.send(new CreateDeploymentCommand({
      restApiId: id, stageName: "live", canarySettings: { percentTraffic: 100, stageVariableOverrides: { color: "green" } },
    }));
    const stage = await apigw.send(new GetStageCommand({ restApiId: id, stageName: "live" }));
    assert.equal(stage.deploymentId, stable.id);
    assert.equal(stage.canarySettings.deploymentId, canary.id);
    assert.equal(stage.canarySettings.percentTraffic, 100);
    const url = invokeUrl(id, "/live/version");
    assert.deepEqual(await (await fetch(url)).json(), { v: "v2", color: "green" });

    await apigw.send(new UpdateStageCommand({ restApiId: id, stageName: "live", patchOperations: [{ op: "replace", path: "/canarySettings/percentTraffic", value: "0.0" }] }));
    assert.deepEqual(await (await fetch(url)).json(), { v: "v1", color: "blue" });

    await apigw.send(new UpdateStageCommand({ restApiId: id, stageName: "live", patchOperations: [{ op: "replace", path: "/canarySettings/percentTraffic", value: "50" }] }));
    const seen = new Set();
    for (let i = 0; i < 40; i++) seen.add((await (await fetch(url)).json()).v);
    assert.deepEqual([...seen].sort(), ["v1", "v2"]);

    // Promotion: the stage takes the canary's deployment and the canary is removed.
    const promoted = await apigw.send(new UpdateStageCommand({
      restApiId: id, stageName: "live",
      patchOperations: [{ op: "replace", path: "/deploymentId", value: canary.id }, { op: "remove", path: "/canarySettings" }],
    }));
    assert.equal(promoted.deploymentId, canary.id);
    assert.equal(promoted.canarySettings, undefined);
    assert.deepEqual(await (await fetch(url)).json(), { v: "v2", color: "blue" });
  });
});
