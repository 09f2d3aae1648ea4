using System.Text.Json.Nodes;
using Nimbus.Templates.Parsing;
using Nimbus.Templates.Sam;

namespace Nimbus.Templates.Tests;

/// <summary>REST API Auth, usage plans, resource policies and state machine Api events in the SAM transform.</summary>
public class SamRestAuthTests
{
    private static JsonObject Transform(string yaml) =>
        SamTranslator.Transform(TemplateReader.ReadYaml(yaml), SamTranslatorOptions.For("eu-west-1"));

    private static JsonObject Body(JsonObject resources, string api) => resources[api]!["Properties"]!["Body"]!.AsObject();

    [Fact]
    public void ALambdaTokenDefaultAuthorizerSecuresEveryMethodAndMayInvokeItsFunction()
    {
        var resources = Transform("""
            Resources:
              Api:
                Type: AWS::Serverless::Api
                Properties:
                  StageName: Prod
                  Auth:
                    DefaultAuthorizer: TokenAuth
                    ApiKeyRequired: true
                    Authorizers:
                      TokenAuth:
                        FunctionArn: !GetAtt AuthFn.Arn
                        Identity: {Header: X-Token, ReauthorizeEvery: 60}
                    UsagePlan: {CreateUsagePlan: PER_API}
              AuthFn:
                Type: AWS::Serverless::Function
                Properties: {CodeUri: s3://b/k, Handler: index.handler, Runtime: nodejs20.x}
              Fn:
                Type: AWS::Serverless::Function
                Properties:
                  CodeUri: s3://b/k
                  Handler: index.handler
                  Runtime: nodejs20.x
                  Events:
                    Open:
                      Type: Api
                      Properties: {RestApiId: !Ref Api, Path: /open, Method: get, Auth: {Authorizer: NONE, ApiKeyRequired: false}}
                    Closed:
                      Type: Api
                      Properties: {RestApiId: !Ref Api, Path: /closed, Method: post}
            """)["Resources"]!.AsObject();
        var body = Body(resources, "Api");
        var definition = body["securityDefinitions"]!["TokenAuth"]!;
        Assert.Equal("custom", definition["x-amazon-apigateway-authtype"]!.GetValue<string>());
        Assert.Equal("X-Token", definition["name"]!.GetValue<string>());
        Assert.Equal("token", definition["x-amazon-apigateway-authorizer"]!["type"]!.GetValue<string>());
        Assert.Equal(60, definition["x-amazon-apigateway-authorizer"]!["authorizerResultTtlInSeconds"]!.GetValue<int>());
        Assert.Equal("""[{"TokenAuth":[]},{"api_key":[]}]""", body["paths"]!["/closed"]!["post"]!["security"]!.ToJsonString());
        // NONE drops the default authorizer and ApiKeyRequired: false the API key, leaving no security at all.
        Assert.Equal("[]", body["paths"]!["/open"]!["get"]!["security"]!.ToJsonString());

        var permission = resources["ApiTokenAuthAuthorizerPermission"]!;
        Assert.Equal("AWS::Lambda::Permission", permission["Type"]!.GetValue<string>());
        Assert.Equal("""{"Fn::GetAtt":["AuthFn","Arn"]}""", permission["Properties"]!["FunctionName"]!.ToJsonString());
        Assert.Equal("AWS::ApiGateway::UsagePlan", resources["ApiUsagePlan"]!["Type"]!.GetValue<string>());
        Assert.Equal("""{"Ref":"ApiApiKey"}""", resources["ApiUsagePlanKey"]!["Properties"]!["KeyId"]!.ToJsonString());
    }

    [Fact]
    public void OpenApi3MovesSecurityDefinitionsUnderComponents()
    {
        var resources = Transform("""
            Resources:
              Api:
                Type: AWS::Serverless::Api
                Properties:
                  StageName: Prod
                  OpenApiVersion: '3.0.1'
                  Auth:
                    DefaultAuthorizer: Pool
                    Authorizers:
                      Pool: {UserPoolArn: arn:aws:cognito-idp:eu-west-1:123456789012:userpool/x}
              Fn:
                Type: AWS::Serverless::Function
                Properties:
                  CodeUri: s3://b/k
                  Handler: index.handler
                  Runtime: nodejs20.x
                  Events:
                    Get: {Type: Api, Properties: {RestApiId: !Ref Api, Path: /, Method: get}}
            """)["Resources"]!.AsObject();
        var body = Body(resources, "Api");
        Assert.Null(body["securityDefinitions"]);
        Assert.Equal("cognito_user_pools", body["components"]!["securitySchemes"]!["Pool"]!["x-amazon-apigateway-authtype"]!.GetValue<string>());
        Assert.Equal("3.0.1", body["openapi"]!.GetValue<string>());
    }

    [Fact]
    public void AnAccountAllowListBecomesAResourcePolicyPerMethod()
    {
        var resources = Transform("""
            Resources:
              Api:
                Type: AWS::Serverless::Api
                Properties:
                  StageName: Prod
                  Auth:
                    ResourcePolicy: {AwsAccountWhitelist: ['123456789012'], IpRangeBlacklist: [10.0.0.0/8]}
              Fn:
                Type: AWS::Serverless::Function
                Properties:
                  CodeUri: s3://b/k
                  Handler: index.handler
                  Runtime: nodejs20.x
                  Events:
                    Get: {Type: Api, Properties: {RestApiId: !Ref Api, Path: '/items/{id}', Method: get}}
            """)["Resources"]!.AsObject();
        var policy = Body(resources, "Api")["x-amazon-apigateway-policy"]!;
        var statements = policy["Statement"]!.AsArray();
        Assert.Equal(3, statements.Count);
        Assert.Equal("""{"AWS":["123456789012"]}""", statements[0]!["Principal"]!.ToJsonString());
        Assert.Equal("""{"Fn::Sub":["execute-api:/${__Stage__}/GET/items/*",{"__Stage__":"Prod"}]}""", statements[0]!["Resource"]![0]!.ToJsonString());
        Assert.Equal("""{"IpAddress":{"aws:SourceIp":["10.0.0.0/8"]}}""", statements[2]!["Condition"]!.ToJsonString());
    }

    [Fact]
    public void AStateMachineApiEventStartsAnExecutionWithTheRoleItCreates()
    {
        var resources = Transform("""
            Resources:
              Machine:
                Type: AWS::Serverless::StateMachine
                Properties:
                  Definition: {StartAt: Done, States: {Done: {Type: Pass, End: true}}}
                  Policies: []
                  Events:
                    Start: {Type: Api, Properties: {Path: /start, Method: post}}
            """)["Resources"]!.AsObject();
        var integration = Body(resources, "ServerlessRestApi")["paths"]!["/start"]!["post"]!["x-amazon-apigateway-integration"]!;
        Assert.Equal("aws", integration["type"]!.GetValue<string>());
        Assert.Equal("""{"Fn::Sub":"arn:${AWS::Partition}:apigateway:${AWS::Region}:states:action/StartExecution"}""", integration["uri"]!.ToJsonString());
        Assert.Equal("""{"Fn::GetAtt":["MachineStartRole","Arn"]}""", integration["credentials"]!.ToJsonString());
        Assert.Contains("${Machine}", integration["requestTemplates"]!["application/json"]!["Fn::Sub"]!.GetValue<string>(), StringComparison.Ordinal);
        var role = resources["MachineStartRole"]!["Properties"]!;
        Assert.Equal("""{"Ref":"Machine"}""", role["Policies"]![0]!["PolicyDocument"]!["Statement"]![0]!["Resource"]!.ToJsonString());
    }

    [Fact]
    public void AStateMachineApiEventCannotNameAnAuthorizerItsApiLacks()
    {
        var e = Assert.Throws<InvalidSamDocumentException>(() => Transform("""
            Resources:
              Api:
                Type: AWS::Serverless::Api
                Properties: {StageName: Prod}
              Machine:
                Type: AWS::Serverless::StateMachine
                Properties:
                  Definition: {StartAt: Done, States: {Done: {Type: Pass, End: true}}}
                  Policies: []
                  Events:
                    Start: {Type: Api, Properties: {RestApiId: !Ref Api, Path: /start, Method: post, Auth: {Authorizer: Missing}}}
            """));
        Assert.Contains("because the related API does not define any Authorizers", e.FullMessage, StringComparison.Ordinal);
    }
}
