// API Gateway export and YAML import end to end: ImportApi/ReimportApi with a YAML OpenAPI definition, ExportApi
// (OAS 3.0, JSON and YAML, with and without extensions) round-tripped through ImportApi, and the REST API GetExport
// (oas30 and swagger, JSON and YAML, extensions integrations / apigateway / postman).
import { test, after, describe } from "node:test";
import assert from "node:assert/strict";
import {
  ApiGatewayV2Client, ImportApiCommand, ReimportApiCommand, ExportApiCommand, GetRoutesCommand, GetIntegrationsCommand,
  CreateStageCommand, CreateDeploymentCommand, DeleteApiCommand, CreateRouteCommand,
} from "@aws-sdk/client-apigatewayv2";
import {
  APIGatewayClient, CreateRestApiCommand, DeleteRestApiCommand, GetResourcesCommand, CreateResourceCommand, PutMethodCommand,
  PutMethodResponseCommand, PutIntegrationCommand, PutIntegrationResponseCommand, CreateDeploymentCommand as CreateRestDeploymentCommand,
  GetExportCommand,
} from "@aws-sdk/client-api-gateway";
import { unique, endpoint, rejectsWith } from "./helpers.mjs";

const config = { endpoint, region: "us-east-1", credentials: { accessKeyId: "test", secretAccessKey: "test" }, maxAttempts: 1 };
const apigw2 = new ApiGatewayV2Client(config);
const apigw1 = new APIGatewayClient(config);
const text = (bytes) => new TextDecoder().decode(bytes);
const arn = "arn:aws:lambda:us-east-1:000000000000:function:export-target";
const cleanup = [];
after(async () => { for (const f of cleanup) await f(); });

const yamlDefinition = (title) => `
openapi: 3.0.1
info:
  title: ${title}
  version: "2.1"
  description: imported from YAML
paths:
  /items/{id}:
    get:
      operationId: getItem
      x-amazon-apigateway-integration:
        type: AWS_PROXY
        httpMethod: POST
        uri: ${arn}
        payloadFormatVersion: "2.0"
        timeoutInMillis: 10000
  /{proxy+}:
    x-amazon-apigateway-any-method:
      x-amazon-apigateway-integration:
        type: http_proxy
        httpMethod: ANY
        uri: https://example.com/{proxy}
        payloadFormatVersion: "1.0"
x-amazon-apigateway-cors:
  allowOrigins:
    - https://a.example
  maxAge: 300
`;

describe("HTTP API import (YAML) and ExportApi", () => {
  test("YAML import, export as JSON and YAML, round trip through ImportApi", async () => {
    const title = unique("yaml");
    const api = await apigw2.send(new ImportApiCommand({ Body: yamlDefinition(title) }));
    cleanup.push(() => apigw2.send(new DeleteApiCommand({ ApiId: api.ApiId })));
    assert.equal(api.Name, title);
    assert.equal(api.Version, "2.1");
    assert.equal(api.Description, "imported from YAML");
    assert.deepEqual(api.CorsConfiguration.AllowOrigins, ["https://a.example"]);
    assert.equal(api.CorsConfiguration.MaxAge, 300);
    const routes = (await apigw2.send(new GetRoutesCommand({ ApiId: api.ApiId }))).Items.map((r) => r.RouteKey).sort();
    assert.deepEqual(routes, ["ANY /{proxy+}", "GET /items/{id}"]);
    const integrations = (await apigw2.send(new GetIntegrationsCommand({ ApiId: api.ApiId }))).Items;
    const lambdaIntegration = integrations.find((i) => i.IntegrationType === "AWS_PROXY");
    assert.equal(lambdaIntegration.PayloadFormatVersion, "2.0");
    assert.equal(lambdaIntegration.TimeoutInMillis, 10000);

    await rejectsWith(apigw2.send(new ImportApiCommand({ Body: "openapi: [3\n  bad: yaml" })), "BadRequestException", 400);

    // Export the current configuration as JSON.
    const json = JSON.parse(text((await apigw2.send(new ExportApiCommand({ ApiId: api.ApiId, Specification: "OAS30", OutputType: "JSON" }))).body));
    assert.equal(json.openapi, "3.0.1");
    assert.equal(json.info.title, title);
    assert.equal(json.info.version, "2.1");
    assert.equal(json["x-amazon-apigateway-importexport-version"], "1.0");
    assert.deepEqual(json["x-amazon-apigateway-cors"].allowOrigins, ["https://a.example"]);
    const get = json.paths["/items/{id}"].get;
    assert.equal(get.operationId, "getItem");
    assert.equal(get.responses.default.description, "Default response for GET /items/{id}");
    assert.deepEqual(get.parameters.map((p) => [p.name, p.in, p.required]), [["id", "path", true]]);
    assert.deepEqual(get["x-amazon-apigateway-integration"], {
      payloadFormatVersion: "2.0", type: "aws_proxy", httpMethod: "POST", uri: arn, connectionType: "INTERNET", timeoutInMillis: 10000,
    });
    assert.equal(json.paths["/{proxy+}"]["x-amazon-apigateway-any-method"]["x-amazon-apigateway-integration"].type, "http_proxy");
    assert.match(json.servers[0].url, /\/\{basePath\}$/);

    // Without extensions: no x-amazon-apigateway-* members.
    const bare = text((await apigw2.send(new ExportApiCommand({ ApiId: api.ApiId, Specification: "OAS30", OutputType: "JSON", IncludeExtensions: false }))).body);
    assert.doesNotMatch(bare, /x-amazon-apigateway-(integration|cors|importexport)/);

    // A stage exports its deployment, not later edits.
    await apigw2.send(new CreateStageCommand({ ApiId: api.ApiId, StageName: "v1" }));
    await apigw2.send(new CreateDeploymentCommand({ ApiId: api.ApiId, StageName: "v1" }));
    await apigw2.send(new CreateRouteCommand({ ApiId: api.ApiId, RouteKey: "DELETE /later" }));
    const staged = JSON.parse(text((await apigw2.send(new ExportApiCommand({ ApiId: api.ApiId, Specification: "OAS30", OutputType: "JSON", StageName: "v1" }))).body));
    assert.equal(staged.paths["/later"], undefined);
    assert.equal(staged.servers[0].variables.basePath.default, "v1");
    const current = JSON.parse(text((await apigw2.send(new ExportApiCommand({ ApiId: api.ApiId, Specification: "OAS30", OutputType: "JSON" }))).body));
    assert.ok(current.paths["/later"].delete);

    // YAML export, then imported again: the same routes and integrations.
    const yaml = text((await apigw2.send(new ExportApiCommand({ ApiId: api.ApiId, Specification: "OAS30", OutputType: "YAML", StageName: "v1" }))).body);
    assert.match(yaml, /^openapi: 3\.0\.1$/m);
    assert.match(yaml, /payloadFormatVersion: "2\.0"/);
    const again = await apigw2.send(new ImportApiCommand({ Body: yaml }));
    cleanup.push(() => apigw2.send(new DeleteApiCommand({ ApiId: again.ApiId })));
    assert.deepEqual((await apigw2.send(new GetRoutesCommand({ ApiId: again.ApiId }))).Items.map((r) => r.RouteKey).sort(), routes);
    const againIntegration = (await apigw2.send(new GetIntegrationsCommand({ ApiId: again.ApiId }))).Items.find((i) => i.IntegrationType === "AWS_PROXY");
    assert.equal(againIntegration.PayloadFormatVersion, "2.0");
    assert.equal(againIntegration.IntegrationUri, arn);

    // ReimportApi takes YAML too.
    const re = await apigw2.send(new ReimportApiCommand({ ApiId: again.ApiId, Body: yamlDefinition(title + "-re").replace("/items/{id}:", "/things/{id}:") }));
    assert.equal(re.Name, title + "-re");
    assert.ok((await apigw2.send(new GetRoutesCommand({ ApiId: again.ApiId }))).Items.some((r) => r.RouteKey === "GET /things/{id}"));

    await rejectsWith(apigw2.send(new ExportApiCommand({ ApiId: api.ApiId, Specification: "SWAGGER", OutputType: "JSON" })), "BadRequestException", 400);
    await rejectsWith(apigw2.send(new ExportApiCommand({ ApiId: api.ApiId, Specification: "OAS30", OutputType: "XML" })), "BadRequestException", 400);
    await rejectsWith(apigw2.send(new ExportApiCommand({ ApiId: "nope123456", Specification: "OAS30", OutputType: "JSON" })), "NotFoundException", 404);
  });
});

describe("REST API GetExport", () => {
  test("oas30 and swagger, JSON and YAML, extensions", async () => {
    const rest = await apigw1.send(new CreateRestApiCommand({ name: unique("export"), description: "rest export", binaryMediaTypes: ["image/png"] }));
    cleanup.push(() => apigw1.send(new DeleteRestApiCommand({ restApiId: rest.id })));
    const root = (await apigw1.send(new GetResourcesCommand({ restApiId: rest.id }))).items.find((r) => r.path === "/");
    const items = await apigw1.send(new CreateResourceCommand({ restApiId: rest.id, parentId: root.id, pathPart: "items" }));
    const item = await apigw1.send(new CreateResourceCommand({ restApiId: rest.id, parentId: items.id, pathPart: "{id}" }));
    await apigw1.send(new PutMethodCommand({
      restApiId: rest.id, resourceId: item.id, httpMethod: "GET", authorizationType: "AWS_IAM",
      requestParameters: { "method.request.querystring.verbose": false, "method.request.header.x-trace": true },
    }));
    await apigw1.send(new PutMethodResponseCommand({
      restApiId: rest.id, resourceId: item.id, httpMethod: "GET", statusCode: "200",
      responseParameters: { "method.response.header.x-served-by": false }, responseModels: { "application/json": "Empty" },
    }));
    await apigw1.send(new PutIntegrationCommand({
      restApiId: rest.id, resourceId: item.id, httpMethod: "GET", type: "AWS_PROXY", integrationHttpMethod: "POST",
      uri: `arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/${arn}/invocations`,
    }));
    await apigw1.send(new PutMethodCommand({ restApiId: rest.id, resourceId: items.id, httpMethod: "ANY", authorizationType: "NONE" }));
    await apigw1.send(new PutMethodResponseCommand({ restApiId: rest.id, resourceId: items.id, httpMethod: "ANY", statusCode: "200" }));
    await apigw1.send(new PutIntegrationCommand({
      restApiId: rest.id, resourceId: items.id, httpMethod: "ANY", type: "MOCK", requestTemplates: { "application/json": '{"statusCode": 200}' },
    }));
    await apigw1.send(new PutIntegrationResponseCommand({
      restApiId: rest.id, resourceId: items.id, httpMethod: "ANY", statusCode: "200", responseTemplates: { "application/json": '{"ok":true}' },
    }));
    await apigw1.send(new CreateRestDeploymentCommand({ restApiId: rest.id, stageName: "prod" }));

    const oas = JSON.parse(text((await apigw1.send(new GetExportCommand({
      restApiId: rest.id, stageName: "prod", exportType: "oas30", parameters: { extensions: "integrations" }, accepts: "application/json",
    }))).body));
    assert.equal(oas.openapi, "3.0.1");
    assert.equal(oas.info.description, "rest export");
    assert.equal(oas.servers[0].variables.basePath.default, "prod");
    const get = oas.paths["/items/{id}"].get;
    assert.deepEqual(get.parameters.map((p) => [p.name, p.in, p.required]).sort(), [["id", "path", true], ["verbose", "query", false], ["x-trace", "header", true]]);
    assert.deepEqual(get.responses["200"].headers, { "x-served-by": { schema: { type: "string" } } });
    assert.equal(get.responses["200"].content["application/json"].schema.$ref, "#/components/schemas/Empty");
    assert.deepEqual(get.security, [{ sigv4: [] }]);
    assert.equal(oas.components.securitySchemes.sigv4["x-amazon-apigateway-authtype"], "awsSigv4");
    assert.equal(oas.components.schemas.Empty.title, "Empty Schema");
    assert.equal(get["x-amazon-apigateway-integration"].type, "aws_proxy");
    assert.equal(get["x-amazon-apigateway-integration"].httpMethod, "POST");
    const mock = oas.paths["/items"]["x-amazon-apigateway-any-method"]["x-amazon-apigateway-integration"];
    assert.equal(mock.type, "mock");
    assert.deepEqual(mock.responses.default, { statusCode: "200", responseTemplates: { "application/json": '{"ok":true}' } });
    assert.equal(oas["x-amazon-apigateway-binary-media-types"], undefined);

    const withApi = JSON.parse(text((await apigw1.send(new GetExportCommand({
      restApiId: rest.id, stageName: "prod", exportType: "swagger", parameters: { extensions: "apigateway" },
    }))).body));
    assert.equal(withApi.swagger, "2.0");
    assert.equal(withApi.basePath, "/prod");
    assert.deepEqual(withApi["x-amazon-apigateway-binary-media-types"], ["image/png"]);
    assert.equal(withApi.paths["/items/{id}"].get.responses["200"].schema.$ref, "#/definitions/Empty");
    assert.deepEqual(withApi.paths["/items/{id}"].get.produces, ["application/json"]);

    const postman = await apigw1.send(new GetExportCommand({ restApiId: rest.id, stageName: "prod", exportType: "oas30", parameters: { extensions: "postman" } }));
    assert.doesNotMatch(text(postman.body), /x-amazon-apigateway-integration/);

    const yaml = await apigw1.send(new GetExportCommand({ restApiId: rest.id, stageName: "prod", exportType: "swagger", accepts: "application/yaml" }));
    assert.match(postman.contentType, /application\/json/);
    assert.match(yaml.contentType, /application\/yaml/);
    assert.match(yaml.contentDisposition, /attachment; filename=".*-prod-swagger\.yaml"/);
    assert.match(text(yaml.body), /^swagger: "2\.0"$/m);
    assert.match(text(yaml.body), /^ {2}\/items\/\{id\}:$/m);

    await rejectsWith(apigw1.send(new GetExportCommand({ restApiId: rest.id, stageName: "prod", exportType: "raml" })), "BadRequestException", 400);
    await rejectsWith(apigw1.send(new GetExportCommand({ restApiId: rest.id, stageName: "nostage", exportType: "oas30" })), "NotFoundException", 404);
  });
});
