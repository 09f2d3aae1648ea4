using System.Text.Json.Nodes;
using Nimbus.Core.Errors;
using Nimbus.Gateway.Management;

namespace Nimbus.Gateway.Tests;

public sealed class RestApiImporterTests
{
    private const string LambdaUri = "arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/arn:aws:lambda:us-east-1:000000000000:function:fn/invocations";

    private static JsonObject NewDoc() => new()
    {
        ["api"] = new JsonObject { ["id"] = "abc", ["name"] = "", ["rootResourceId"] = "root000000" },
        ["resources"] = new JsonObject { ["root000000"] = new JsonObject { ["id"] = "root000000", ["path"] = "/" } },
    };

    private static List<string> Import(JsonObject doc, string text, bool merge = false, bool failOnWarnings = false, Dictionary<string, string>? parameters = null)
    {
        var warnings = new List<string>();
        RestApiImporter.Apply(doc, RestApiImporter.Parse(text), merge, parameters ?? [], warnings, failOnWarnings);
        return warnings;
    }

    private static JsonObject Resource(JsonObject doc, string path) =>
        doc["resources"]!.AsObject().Select(kv => kv.Value!.AsObject()).Single(r => r["path"]!.GetValue<string>() == path);

    private static JsonObject Method(JsonObject doc, string path, string verb) => Resource(doc, path)["resourceMethods"]![verb]!.AsObject();

    private static string BadRequest(Action action)
    {
        var e = Assert.Throws<AwsServiceException>(action);
        Assert.Equal("BadRequestException", e.Error.Code);
        return e.Error.Message;
    }

    [Fact]
    public void SamSwaggerBody_BecomesResourcesMethodsAndLambdaProxyIntegrations()
    {
        // The shape SamApis emits for a REST API with Api events (after intrinsics are resolved).
        var body = new JsonObject
        {
            ["swagger"] = "2.0",
            ["info"] = new JsonObject { ["version"] = "1.0", ["title"] = "sam-app" },
            ["paths"] = new JsonObject
            {
                ["/items/{id}"] = new JsonObject
                {
                    ["get"] = new JsonObject
                    {
                        ["x-amazon-apigateway-integration"] = new JsonObject { ["type"] = "aws_proxy", ["httpMethod"] = "POST", ["uri"] = LambdaUri },
                        ["responses"] = new JsonObject(),
                        ["security"] = new JsonArray(new JsonObject { ["api_key"] = new JsonArray() }),
                    },
                },
                ["/{proxy+}"] = new JsonObject
                {
                    ["x-amazon-apigateway-any-method"] = new JsonObject
                    {
                        ["x-amazon-apigateway-integration"] = new JsonObject { ["type"] = "aws_proxy", ["httpMethod"] = "POST", ["uri"] = LambdaUri },
                        ["responses"] = new JsonObject(),
                    },
                },
            },
            ["securityDefinitions"] = new JsonObject { ["api_key"] = new JsonObject { ["type"] = "apiKey", ["name"] = "x-api-key", ["in"] = "header" } },
        };
        var doc = NewDoc();
        var warnings = Import(doc, body.ToJsonString(), failOnWarnings: true);

        Assert.Empty(warnings);
        Assert.Equal("sam-app", doc["api"]!["name"]!.GetValue<string>());
        Assert.Equal(["/", "/items", "/items/{id}", "/{proxy+}"], doc["resources"]!.AsObject().Select(kv => kv.Value!["path"]!.GetValue<string>()).Order(StringComparer.Ordinal));
        Assert.Equal(Resource(doc, "/items")["id"]!.GetValue<string>(), Resource(doc, "/items/{id}")["parentId"]!.GetValue<string>());
        Assert.Equal("root000000", Resource(doc, "/items")["parentId"]!.GetValue<string>());
        var get = Method(doc, "/items/{id}", "GET");
        Assert.True(get["apiKeyRequired"]!.GetValue<bool>());
        Assert.Equal("NONE", get["authorizationType"]!.GetValue<string>());
        Assert.Equal("AWS_PROXY", get["methodIntegration"]!["type"]!.GetValue<string>());
        Assert.Equal(LambdaUri, get["methodIntegration"]!["uri"]!.GetValue<string>());
        Assert.Equal(29000, get["methodIntegration"]!["timeoutInMillis"]!.GetValue<int>());
        var any = Method(doc, "/{proxy+}", "ANY");
        Assert.False(any["apiKeyRequired"]!.GetValue<bool>());
    }

    [Fact]
    public void OpenApi3Yaml_ImportsParametersModelsValidatorsAuthorizersAndIntegrationResponses()
    {
        const string Yaml = """
            openapi: 3.0.1
            info:
              title: pets
              description: pet store
              version: "7"
            x-amazon-apigateway-request-validators:
              all:
                validateRequestBody: true
                validateRequestParameters: true
              params:
                validateRequestParameters: true
            x-amazon-apigateway-request-validator: params
            x-amazon-apigateway-api-key-source: AUTHORIZER
            x-amazon-apigateway-binary-media-types: ["image/png"]
            x-amazon-apigateway-gateway-responses:
              DEFAULT_4XX:
                statusCode: 418
                responseTemplates:
                  application/json: '{"m":$context.error.messageString}'
            paths:
              /pets:
                parameters:
                  - name: X-Trace
                    in: header
                    required: true
                    schema: { type: string }
                post:
                  operationId: createPet
                  x-amazon-apigateway-request-validator: all
                  security:
                    - cognito: [pets/write]
                  parameters:
                    - name: dryRun
                      in: query
                      schema: { type: string }
                  requestBody:
                    content:
                      application/json:
                        schema:
                          $ref: '#/components/schemas/Pet'
                  responses:
                    "201":
                      description: created
                      headers:
                        Location:
                          schema: { type: string }
                      content:
                        application/json:
                          schema:
                            $ref: '#/components/schemas/Pet'
                    "400":
                      description: bad
                  x-amazon-apigateway-integration:
                    type: aws
                    httpMethod: POST
                    uri: arn:aws:apigateway:us-east-1:sqs:path/000000000000/pets
                    passthroughBehavior: never
                    timeoutInMillis: 5000
                    contentHandling: convert_to_text
                    requestTemplates:
                      application/json: 'Action=SendMessage&MessageBody=$input.body'
                    cacheKeyParameters: [method.request.querystring.dryRun]
                    responses:
                      default:
                        statusCode: "201"
                        responseParameters:
                          method.response.header.Location: "'/pets/1'"
                      "4\\d{2}":
                        statusCode: "400"
                get:
                  security:
                    - token: []
                  x-amazon-apigateway-integration:
                    type: mock
                    requestTemplates:
                      application/json: '{"statusCode": 200}'
                    responses:
                      default:
                        statusCode: "200"
            components:
              schemas:
                Pet:
                  type: object
                  required: [name]
                  properties:
                    name: { type: string }
              securitySchemes:
                cognito:
                  type: apiKey
                  name: Authorization
                  in: header
                  x-amazon-apigateway-authtype: cognito_user_pools
                  x-amazon-apigateway-authorizer:
                    type: cognito_user_pools
                    providerARNs: [arn:aws:cognito-idp:us-east-1:000000000000:userpool/us-east-1_abc]
                token:
                  type: apiKey
                  name: auth
                  in: header
                  x-amazon-apigateway-authorizer:
                    type: request
                    identitySource: method.request.header.auth, method.request.querystring.q
                    authorizerUri: arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/arn:aws:lambda:us-east-1:000000000000:function:auth/invocations
            """;
        var doc = NewDoc();
        var warnings = Import(doc, Yaml, parameters: new() { ["endpointConfigurationTypes"] = "REGIONAL" });

        Assert.Empty(warnings);
        var api = doc["api"]!;
        Assert.Equal("pets", api["name"]!.GetValue<string>());
        Assert.Equal("pet store", api["description"]!.GetValue<string>());
        Assert.Equal("7", api["version"]!.GetValue<string>());
        Assert.Equal("AUTHORIZER", api["apiKeySource"]!.GetValue<string>());
        Assert.Equal("REGIONAL", api["endpointConfiguration"]!["types"]![0]!.GetValue<string>());
        Assert.Equal("image/png", api["binaryMediaTypes"]![0]!.GetValue<string>());

        var validators = doc["requestValidators"]!.AsObject().ToDictionary(kv => kv.Value!["name"]!.GetValue<string>(), kv => kv.Key);
        var post = Method(doc, "/pets", "POST");
        Assert.Equal("createPet", post["operationName"]!.GetValue<string>());
        Assert.Equal(validators["all"], post["requestValidatorId"]!.GetValue<string>());
        Assert.True(post["requestParameters"]!["method.request.header.X-Trace"]!.GetValue<bool>());
        Assert.False(post["requestParameters"]!["method.request.querystring.dryRun"]!.GetValue<bool>());
        Assert.Equal("Pet", post["requestModels"]!["application/json"]!.GetValue<string>());
        Assert.Equal("COGNITO_USER_POOLS", post["authorizationType"]!.GetValue<string>());
        Assert.Equal("pets/write", post["authorizationScopes"]![0]!.GetValue<string>());
        Assert.Equal("Pet", post["methodResponses"]!["201"]!["responseModels"]!["application/json"]!.GetValue<string>());
        Assert.False(post["methodResponses"]!["201"]!["responseParameters"]!["method.response.header.Location"]!.GetValue<bool>());
        Assert.NotNull(post["methodResponses"]!["400"]);
        var integration = post["methodIntegration"]!;
        Assert.Equal("AWS", integration["type"]!.GetValue<string>());
        Assert.Equal("NEVER", integration["passthroughBehavior"]!.GetValue<string>());
        Assert.Equal("CONVERT_TO_TEXT", integration["contentHandling"]!.GetValue<string>());
        Assert.Equal(5000, integration["timeoutInMillis"]!.GetValue<int>());
        Assert.Equal("method.request.querystring.dryRun", integration["cacheKeyParameters"]![0]!.GetValue<string>());
        Assert.Null(integration["integrationResponses"]!["201"]!["selectionPattern"]);
        Assert.Equal("'/pets/1'", integration["integrationResponses"]!["201"]!["responseParameters"]!["method.response.header.Location"]!.GetValue<string>());
        Assert.Equal("4\\d{2}", integration["integrationResponses"]!["400"]!["selectionPattern"]!.GetValue<string>());

        var get = Method(doc, "/pets", "GET");
        Assert.Equal(validators["params"], get["requestValidatorId"]!.GetValue<string>());
        Assert.Equal("CUSTOM", get["authorizationType"]!.GetValue<string>());
        var authorizer = doc["authorizers"]![get["authorizerId"]!.GetValue<string>()]!;
        Assert.Equal("REQUEST", authorizer["type"]!.GetValue<string>());
        Assert.Equal("token", authorizer["name"]!.GetValue<string>());
        Assert.Equal(300, authorizer["authorizerResultTtlInSeconds"]!.GetValue<int>());
        Assert.Equal("COGNITO_USER_POOLS", doc["authorizers"]![post["authorizerId"]!.GetValue<string>()]!["type"]!.GetValue<string>());

        var pet = JsonNode.Parse(doc["models"]!["Pet"]!["schema"]!.GetValue<string>())!;
        Assert.Equal("name", pet["required"]![0]!.GetValue<string>());
        Assert.NotNull(doc["models"]!["Empty"]);
        Assert.Equal("418", doc["gatewayResponses"]!["DEFAULT_4XX"]!["statusCode"]!.GetValue<string>());
    }

    [Fact]
    public void Overwrite_ReplacesEverything_Merge_KeepsWhatTheDefinitionDoesNotMention()
    {
        static string Def(string path, string verb) =>
            """{"openapi":"3.0.1","info":{"title":"t"},"paths":{""" + $"\"{path}\":{{\"{verb}\":" + """{"x-amazon-apigateway-integration":{"type":"mock"}}}}}""";

        var doc = NewDoc();
        Import(doc, Def("/a/b", "get"));
        var aId = Resource(doc, "/a")["id"]!.GetValue<string>();
        Import(doc, Def("/a/c", "post"), merge: true);
        Assert.Equal(aId, Resource(doc, "/a")["id"]!.GetValue<string>());
        Assert.NotNull(Method(doc, "/a/b", "GET"));
        Assert.NotNull(Method(doc, "/a/c", "POST"));

        Import(doc, Def("/z", "delete"));
        Assert.Equal(["/", "/z"], doc["resources"]!.AsObject().Select(kv => kv.Value!["path"]!.GetValue<string>()).Order(StringComparer.Ordinal));
        Assert.Equal("root000000", Resource(doc, "/z")["parentId"]!.GetValue<string>());
    }

    [Fact]
    public void Warnings_AreReturned_OrFailTheImportWithFailOnWarnings()
    {
        const string Def = """{"swagger":"2.0","info":{"title":"w"},"paths":{"/a":{"get":{"responses":{"default":{"description":"x"}}}}}}""";
        var warnings = Import(NewDoc(), Def);
        Assert.Equal(2, warnings.Count);
        Assert.Contains("Warnings found during import", BadRequest(() => Import(NewDoc(), Def, failOnWarnings: true)), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("", "empty")]
    [InlineData("not: [valid", "not valid YAML")]
    [InlineData("""{"info":{"title":"x"},"paths":{}}""", "swagger")]
    [InlineData("""{"openapi":"2.5","info":{"title":"x"}}""", "swagger")]
    [InlineData("""{"openapi":"3.0.1","info":{},"paths":{}}""", "info.title")]
    [InlineData("""{"openapi":"3.0.1","info":{"title":"x"},"paths":{"/a":{"get":{"x-amazon-apigateway-integration":{"type":"lambda"}}}}}""", "invalid x-amazon-apigateway-integration type")]
    [InlineData("""{"openapi":"3.0.1","info":{"title":"x"},"paths":{"/a":{"get":{"x-amazon-apigateway-integration":{"type":"http","uri":"https://e.com"}}}}}""", "no httpMethod")]
    [InlineData("""{"openapi":"3.0.1","info":{"title":"x"},"paths":{"/a":{"get":{"x-amazon-apigateway-integration":{"type":"mock","timeoutInMillis":40000}}}}}""", "29000")]
    [InlineData("""{"openapi":"3.0.1","info":{"title":"x"},"paths":{"/a":{"get":{"security":[{"nope":[]}],"x-amazon-apigateway-integration":{"type":"mock"}}}}}""", "'nope' is not defined")]
    [InlineData("""{"openapi":"3.0.1","info":{"title":"x"},"paths":{"/a":{"get":{"responses":{"200":{"description":"x","content":{"application/json":{"schema":{"$ref":"#/components/schemas/Missing"}}}}},"x-amazon-apigateway-integration":{"type":"mock"}}}}}""", "model 'Missing'")]
    [InlineData("""{"openapi":"3.0.1","info":{"title":"x"},"paths":{"a/{b":{"get":{}}}}""", "Invalid resource path")]
    [InlineData("""{"openapi":"3.0.1","info":{"title":"x"},"x-amazon-apigateway-gateway-responses":{"NOPE":{}},"paths":{}}""", "gateway response type")]
    public void InvalidDocuments_AreBadRequests(string text, string message) =>
        Assert.Contains(message, BadRequest(() => Import(NewDoc(), text)), StringComparison.Ordinal);

    [Fact]
    public void FailedImport_LeavesTheDocumentForTheStoreToDiscard()
    {
        // The store applies changes to a clone and publishes only on success: an error must be thrown, not half-applied silently.
        const string Def = """{"openapi":"3.0.1","info":{"title":"x"},"paths":{"/ok":{"get":{"x-amazon-apigateway-integration":{"type":"mock"}}},"/bad":{"get":{"x-amazon-apigateway-integration":{"type":"aws"}}}}}""";
        Assert.Contains("GET /bad", BadRequest(() => Import(NewDoc(), Def)), StringComparison.Ordinal);
    }
}
