using System.Text.Json.Nodes;
using Nimbus.Templates.Parsing;
using Nimbus.Templates.Sam;
using Nimbus.Templates.Stacks;

namespace Nimbus.Templates.Tests;

/// <summary>GraphQLApi, WebSocketApi, CapacityProvider, Application and the data-driven policy templates.</summary>
public sealed class SamServerlessTypesTests : IDisposable
{
    private readonly StackTestbed _bed = new();

    public void Dispose() => _bed.Dispose();

    private static JsonObject Transform(string yaml, SamTranslatorOptions? options = null) =>
        SamTranslator.Transform(TemplateReader.ReadYaml(yaml), options ?? SamTranslatorOptions.For("eu-west-1"));

    private static string TypeOf(JsonObject output, string id) => output["Resources"]![id]!["Type"]!.GetValue<string>();

    private const string GraphQl = """
        Transform: AWS::Serverless-2016-10-31
        Resources:
          Api:
            Type: AWS::Serverless::GraphQLApi
            Properties:
              SchemaInline: "type Query { hello: String }"
              Auth: {Type: API_KEY}
              ApiKeys: {Key: {Description: tests}}
              DataSources:
                Lambda:
                  Hello: {FunctionArn: "arn:aws:lambda:eu-west-1:000000000000:function:hello"}
              Functions:
                SayHello:
                  DataSource: Hello
                  InlineCode: "export function request() { return {}; }"
                  Runtime: {Name: APPSYNC_JS, Version: 1.0.0}
              Resolvers:
                Query:
                  hello: {Pipeline: [SayHello], Runtime: {Name: APPSYNC_JS, Version: 1.0.0}}
        """;

    [Fact]
    public void GraphQlApi_BecomesAppSyncResourcesWithTheDataSourceRoleAndPipeline()
    {
        var output = Transform(GraphQl);

        Assert.Equal("AWS::AppSync::GraphQLApi", TypeOf(output, "Api"));
        Assert.Equal("AWS::AppSync::GraphQLSchema", TypeOf(output, "ApiSchema"));
        Assert.Equal("AWS::AppSync::ApiKey", TypeOf(output, "ApiKey"));
        Assert.Equal("AWS::AppSync::DataSource", TypeOf(output, "ApiHelloLambdaDataSource"));
        Assert.Equal("AWS::IAM::Role", TypeOf(output, "ApiHelloLambdaDataSourceRole"));
        Assert.Equal("AWS::IAM::ManagedPolicy", TypeOf(output, "ApiHelloLambdaDataSourceToLambdaConnectorPolicy"));
        Assert.Equal("AWS::AppSync::FunctionConfiguration", TypeOf(output, "ApiSayHello"));
        var resolver = output["Resources"]!["ApiQueryhello"]!.AsObject();
        Assert.Equal("AWS::AppSync::Resolver", resolver["Type"]!.GetValue<string>());
        Assert.Equal("""["ApiSchema"]""", resolver["DependsOn"]!.ToJsonString());
        Assert.Equal("PIPELINE", resolver["Properties"]!["Kind"]!.GetValue<string>());
        Assert.Equal("""{"Functions":[{"Fn::GetAtt":["ApiSayHello","FunctionId"]}]}""", resolver["Properties"]!["PipelineConfig"]!.ToJsonString());
        Assert.Equal("""{"Fn::GetAtt":["ApiHelloLambdaDataSource","Name"]}""", output["Resources"]!["ApiSayHello"]!["Properties"]!["DataSourceName"]!.ToJsonString());
    }

    [Fact]
    public void GraphQlApi_ResolverOfAnUnknownFunction_IsRejected()
    {
        var e = Assert.Throws<InvalidSamDocumentException>(() => Transform(GraphQl.Replace("Pipeline: [SayHello]", "Pipeline: [Nope]", StringComparison.Ordinal)));
        Assert.Equal("Resource with id [hello] is invalid. Function 'Nope' does not exist.", Assert.Single(e.Causes));
    }

    [Fact]
    public async Task GraphQlApi_DeployFailsNamingTheAppSyncType()
    {
        var id = await _bed.Engine.CreateStackAsync(
            new StackRequest { StackName = "graphql", TemplateBody = TemplateReader.ReadYaml(GraphQl).ToJsonString(), Capabilities = ["CAPABILITY_IAM", "CAPABILITY_AUTO_EXPAND"] },
            _bed.Caller);
        await _bed.Engine.WhenIdleAsync(id);
        var stack = _bed.Store.GetStack(id)!;

        Assert.Equal(StackStatus.RollbackComplete, stack.Status);
        var failure = _bed.Store.Events(stack.StackId).First(e => e.Status == StackStatus.CreateFailed).Reason;
        Assert.Contains("AWS::AppSync::", failure, StringComparison.Ordinal);
        Assert.Contains("is not supported by Nimbus", failure, StringComparison.Ordinal);
    }

    [Fact]
    public void WebSocketApi_RoutesGetIntegrationsPermissionsAndAnAutoDeployedStage()
    {
        var output = Transform("""
            Transform: AWS::Serverless-2016-10-31
            Resources:
              Chat:
                Type: AWS::Serverless::WebSocketApi
                Properties:
                  RouteSelectionExpression: $request.body.action
                  Auth: {AuthType: CUSTOM, AuthArn: "arn:aws:lambda:eu-west-1:000000000000:function:auth", IdentitySource: [route.request.header.Auth]}
                  Routes:
                    $connect: {FunctionArn: "arn:aws:lambda:eu-west-1:000000000000:function:f"}
                    sendMessage: {FunctionArn: "arn:aws:lambda:eu-west-1:000000000000:function:f"}
            """);
        var r = output["Resources"]!.AsObject();
        Assert.Equal("WEBSOCKET", r["Chat"]!["Properties"]!["ProtocolType"]!.GetValue<string>());
        Assert.Equal("AWS::ApiGatewayV2::Route", TypeOf(output, "ChatSendmessageRoute"));
        Assert.Equal("AWS::ApiGatewayV2::Integration", TypeOf(output, "ChatSendmessageIntegration"));
        Assert.Equal("""{"Fn::Sub":"arn:${AWS::Partition}:execute-api:${AWS::Region}:${AWS::AccountId}:${Chat.ApiId}/default/sendMessage"}""",
            r["ChatSendmessagePermission"]!["Properties"]!["SourceArn"]!.ToJsonString());
        Assert.Equal("CUSTOM", r["ChatConnectRoute"]!["Properties"]!["AuthorizationType"]!.GetValue<string>());
        Assert.Equal("""{"Ref":"ChatConnectAuthorizer"}""", r["ChatConnectRoute"]!["Properties"]!["AuthorizerId"]!.ToJsonString());
        Assert.Null(r["ChatSendmessageRoute"]!["Properties"]!["AuthorizationType"]);
        Assert.Equal("REQUEST", r["ChatConnectAuthorizer"]!["Properties"]!["AuthorizerType"]!.GetValue<string>());
        Assert.Equal("AWS::Lambda::Permission", TypeOf(output, "ChatAuthorizerPermission"));
        Assert.True(r["ChatDefaultStage"]!["Properties"]!["AutoDeploy"]!.GetValue<bool>());
    }

    [Fact]
    public void WebSocketApi_RouteKeyThatIsNotAlphanumeric_IsRejected()
    {
        var e = Assert.Throws<InvalidSamDocumentException>(() => Transform("""
            Transform: AWS::Serverless-2016-10-31
            Resources:
              Chat:
                Type: AWS::Serverless::WebSocketApi
                Properties:
                  RouteSelectionExpression: $request.body.action
                  Routes:
                    send-message: {FunctionArn: arn}
            """));
        Assert.Equal("Resource with id [Chat] is invalid. Route key 'send-message' must be alphanumeric. Only $connect, $disconnect, and $default special routes are supported.", Assert.Single(e.Causes));
    }

    [Fact]
    public void CapacityProvider_GetsAnOperatorRoleAndCloudFormationShapes()
    {
        var output = Transform("""
            Transform: AWS::Serverless-2016-10-31
            Resources:
              Capacity:
                Type: AWS::Serverless::CapacityProvider
                Properties:
                  VpcConfig: {SubnetIds: [subnet-1]}
                  ScalingConfig: {MaxVCpuCount: 4}
                  InstanceRequirements: {AllowedTypes: [c5.large]}
            """);
        var props = output["Resources"]!["Capacity"]!["Properties"]!;
        Assert.Equal("""{"CapacityProviderOperatorRoleArn":{"Fn::GetAtt":["CapacityOperatorRole","Arn"]}}""", props["PermissionsConfig"]!.ToJsonString());
        Assert.Equal("""{"MaxVCpuCount":4,"ScalingMode":"Auto"}""", props["CapacityProviderScalingConfig"]!.ToJsonString());
        Assert.Equal("""{"AllowedInstanceTypes":["c5.large"]}""", props["InstanceRequirements"]!.ToJsonString());
        Assert.Equal("AWS::IAM::Role", TypeOf(output, "CapacityOperatorRole"));
    }

    [Fact]
    public void Application_FromTheRepositoryWithoutOne_CannotBeAccessed_AndATemplateUrlBecomesANestedStack()
    {
        var e = Assert.Throws<InvalidSamDocumentException>(() => Transform("""
            Transform: AWS::Serverless-2016-10-31
            Resources:
              App:
                Type: AWS::Serverless::Application
                Properties:
                  Location: {ApplicationId: "arn:aws:serverlessrepo:us-east-1:123456789012:applications/x", SemanticVersion: 1.0.0}
            """));
        // Nimbus reaches no repository: the application is one the transform cannot access, as the translator says it.
        Assert.Equal("Resource with id [App] is invalid. Cannot access application: arn:aws:serverlessrepo:us-east-1:123456789012:applications/x.", Assert.Single(e.Causes));

        var output = Transform("""
            Transform: AWS::Serverless-2016-10-31
            Resources:
              App:
                Type: AWS::Serverless::Application
                Properties:
                  Location: https://example.com/nested.yaml
                  Parameters: {Stage: dev}
            """);
        Assert.Equal("AWS::CloudFormation::Stack", TypeOf(output, "App"));
        Assert.Equal("https://example.com/nested.yaml", output["Resources"]!["App"]!["Properties"]!["TemplateURL"]!.GetValue<string>());
    }

    [Fact]
    public void PolicyTemplates_ExpandFromTheEmbeddedDefinitions()
    {
        var output = Transform("""
            Transform: AWS::Serverless-2016-10-31
            Resources:
              Fn:
                Type: AWS::Serverless::Function
                Properties:
                  InlineCode: x
                  Handler: index.handler
                  Runtime: nodejs20.x
                  Policies:
                    - KinesisStreamReadPolicy: {StreamName: !Ref Stream}
                    - EC2DescribePolicy: {}
            """);
        var policies = output["Resources"]!["FnRole"]!["Properties"]!["Policies"]!.AsArray();
        var kinesis = policies[0]!["PolicyDocument"]!["Statement"]!.AsArray();
        Assert.Equal(2, kinesis.Count);
        Assert.Equal("""{"Fn::Sub":["arn:${AWS::Partition}:kinesis:${AWS::Region}:${AWS::AccountId}:stream/${streamName}",{"streamName":{"Ref":"Stream"}}]}""",
            kinesis[1]!["Resource"]!.ToJsonString());
        Assert.Equal("""["ec2:DescribeRegions","ec2:DescribeInstances"]""", policies[1]!["PolicyDocument"]!["Statement"]![0]!["Action"]!.ToJsonString());
    }
}
