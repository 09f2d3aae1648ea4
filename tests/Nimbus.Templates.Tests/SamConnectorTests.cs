using System.Text.Json.Nodes;
using Nimbus.Templates.Parsing;
using Nimbus.Templates.Sam;

namespace Nimbus.Templates.Tests;

public class SamConnectorTests
{
    private static JsonObject Transform(string yaml) =>
        SamTranslator.Transform(TemplateReader.ReadYaml(yaml), SamTranslatorOptions.For("eu-west-1"));

    private static string Message(string yaml) => Assert.Throws<InvalidSamDocumentException>(() => Transform(yaml)).FullMessage;

    [Fact]
    public void AFunctionToTableConnectorAttachesAManagedPolicyToTheFunctionsRole()
    {
        var resources = Transform("""
            Transform: AWS::Serverless-2016-10-31
            Resources:
              Fn:
                Type: AWS::Serverless::Function
                Properties: {InlineCode: x, Handler: index.handler, Runtime: nodejs20.x}
              Table:
                Type: AWS::DynamoDB::Table
              Link:
                Type: AWS::Serverless::Connector
                DependsOn: Table
                Condition: IsProd
                Properties:
                  Source: {Id: Fn}
                  Destination: {Id: Table}
                  Permissions: [Read]
            """)["Resources"]!.AsObject();

        Assert.False(resources.ContainsKey("Link"));
        var policy = resources["LinkPolicy"]!.AsObject();
        Assert.Equal("AWS::IAM::ManagedPolicy", policy["Type"]!.GetValue<string>());
        Assert.Equal("Table", policy["DependsOn"]!.GetValue<string>());
        Assert.Equal("IsProd", policy["Condition"]!.GetValue<string>());
        Assert.Equal("""[{"Ref":"FnRole"}]""", policy["Properties"]!["Roles"]!.ToJsonString());
        var statement = policy["Properties"]!["PolicyDocument"]!["Statement"]!.AsArray().Single()!;
        Assert.Contains("dynamodb:GetItem", statement["Action"]!.AsArray().Select(a => a!.GetValue<string>()));
        Assert.DoesNotContain("dynamodb:PutItem", statement["Action"]!.AsArray().Select(a => a!.GetValue<string>()));
        Assert.Equal("""[{"Fn::GetAtt":["Table","Arn"]},{"Fn::Sub":["${DestinationArn}/index/*",{"DestinationArn":{"Fn::GetAtt":["Table","Arn"]}}]}]""",
            statement["Resource"]!.ToJsonString());
        Assert.Equal("""{"Link":{"Source":{"Type":"AWS::Serverless::Function"},"Destination":{"Type":"AWS::DynamoDB::Table"}}}""",
            policy["Metadata"]!["aws:sam:connectors"]!.ToJsonString());
    }

    [Fact]
    public void EmbeddedConnectorsGenerateQueueTopicPoliciesAndLambdaPermissionsAndLeaveNoConnectorsAttribute()
    {
        var resources = Transform("""
            Transform: AWS::Serverless-2016-10-31
            Resources:
              Topic:
                Type: AWS::SNS::Topic
                Connectors:
                  ToQueue:
                    Properties:
                      Destination: {Id: Queue}
                      Permissions: [Write]
                  ToFn:
                    Properties:
                      Destination: {Id: Fn}
                      Permissions: [Write]
              Rule:
                Type: AWS::Events::Rule
                Properties: {EventPattern: {source: [app]}}
                Connectors:
                  ToTopics:
                    Properties:
                      Destination: [{Id: Topic}, {Type: AWS::SNS::Topic, Arn: arn:aws:sns:eu-west-1:123456789012:other}]
                      Permissions: [Write]
              Queue:
                Type: AWS::SQS::Queue
              Fn:
                Type: AWS::Serverless::Function
                Properties: {InlineCode: x, Handler: index.handler, Runtime: nodejs20.x}
            """)["Resources"]!.AsObject();

        Assert.Null(resources["Topic"]!["Connectors"]);
        Assert.Null(resources["Rule"]!["Connectors"]);
        var queuePolicy = resources["TopicToQueueQueuePolicy"]!;
        Assert.Equal("AWS::SQS::QueuePolicy", queuePolicy["Type"]!.GetValue<string>());
        Assert.Equal("""[{"Ref":"Queue"}]""", queuePolicy["Properties"]!["Queues"]!.ToJsonString());
        var statement = queuePolicy["Properties"]!["PolicyDocument"]!["Statement"]![0]!;
        Assert.Equal("sqs:SendMessage", statement["Action"]!.GetValue<string>());
        Assert.Equal("""{"Service":"sns.amazonaws.com"}""", statement["Principal"]!.ToJsonString());
        Assert.Equal("""{"ArnEquals":{"aws:SourceArn":{"Ref":"Topic"}}}""", statement["Condition"]!.ToJsonString());

        var permission = resources["TopicToFnWriteLambdaPermission"]!;
        Assert.Equal("AWS::Lambda::Permission", permission["Type"]!.GetValue<string>());
        Assert.Equal("""{"Action":"lambda:InvokeFunction","FunctionName":{"Fn::GetAtt":["Fn","Arn"]},"Principal":"sns.amazonaws.com","SourceArn":{"Ref":"Topic"}}""",
            permission["Properties"]!.ToJsonString());

        Assert.Equal("""[{"Ref":"Topic"}]""", resources["RuleToTopicsTopicPolicyDestination0"]!["Properties"]!["Topics"]!.ToJsonString());
        Assert.Equal("""["arn:aws:sns:eu-west-1:123456789012:other"]""", resources["RuleToTopicsTopicPolicyDestination1"]!["Properties"]!["Topics"]!.ToJsonString());
    }

    [Fact]
    public void WhatDependedOnTheConnectorDependsOnItsPoliciesAndTheEventSourceMappingWaitsForTheQueuePolicy()
    {
        var resources = Transform("""
            Transform: AWS::Serverless-2016-10-31
            Resources:
              Queue:
                Type: AWS::SQS::Queue
              Fn:
                Type: AWS::Serverless::Function
                Properties: {InlineCode: x, Handler: index.handler, Runtime: nodejs20.x}
              Mapping:
                Type: AWS::Lambda::EventSourceMapping
                Properties: {FunctionName: !Ref Fn, EventSourceArn: !GetAtt Queue.Arn}
              Waiter:
                Type: AWS::SQS::Queue
                DependsOn: [Queue, Link]
              Link:
                Type: AWS::Serverless::Connector
                Properties:
                  Source: {Id: Queue}
                  Destination: {Id: Fn}
                  Permissions: [Read, Write]
            """)["Resources"]!.AsObject();

        Assert.Equal("""["LinkPolicy"]""", resources["Mapping"]!["DependsOn"]!.ToJsonString());
        Assert.Equal("""["Queue","LinkPolicy"]""", resources["Waiter"]!["DependsOn"]!.ToJsonString());
        Assert.Equal("""[{"Ref":"FnRole"}]""", resources["LinkPolicy"]!["Properties"]!["Roles"]!.ToJsonString());
    }

    [Fact]
    public void AnApiToFunctionConnectorGrantsExecuteApiOnTheImplicitApi()
    {
        var permission = Transform("""
            Transform: AWS::Serverless-2016-10-31
            Resources:
              Fn:
                Type: AWS::Serverless::Function
                Properties:
                  InlineCode: x
                  Handler: index.handler
                  Runtime: nodejs20.x
                  Events:
                    Get: {Type: Api, Properties: {Path: /, Method: get}}
              Link:
                Type: AWS::Serverless::Connector
                Properties:
                  Source: {Id: ServerlessRestApi, Qualifier: Prod/GET/}
                  Destination: {Id: Fn}
                  Permissions: [Write]
            """)["Resources"]!["LinkWriteLambdaPermission"]!;
        Assert.Equal("apigateway.amazonaws.com", permission["Properties"]!["Principal"]!.GetValue<string>());
        Assert.Equal("""{"Fn::Sub":["arn:${AWS::Partition}:execute-api:${AWS::Region}:${AWS::AccountId}:${SourceResourceId}/${SourceQualifier}",{"SourceResourceId":{"Ref":"ServerlessRestApi"},"SourceQualifier":"Prod/GET/"}]}""",
            permission["Properties"]!["SourceArn"]!.ToJsonString());
        Assert.Equal("AWS::Serverless::Api", permission["Metadata"]!["aws:sam:connectors"]!["Link"]!["Source"]!["Type"]!.GetValue<string>());
    }

    [Fact]
    public void ConnectorErrorsAreReportedAsSamReportsThem()
    {
        var message = Message("""
            Resources:
              Fn:
                Type: AWS::Serverless::Function
                Properties: {InlineCode: x, Handler: index.handler, Runtime: nodejs20.x}
              Queue:
                Type: AWS::SQS::Queue
                Connectors:
                  Bad: foo
              Unsupported:
                Type: AWS::Serverless::Connector
                Properties:
                  Source: {Id: Queue}
                  Destination: {Id: Fn}
                  Permissions: [Write]
              Missing:
                Type: AWS::Serverless::Connector
                Properties:
                  Source: {Id: Nope}
                  Destination: {Id: Fn}
                  Permissions: [Write]
              NoPermissions:
                Type: AWS::Serverless::Connector
                Properties:
                  Source: {Id: Fn}
                  Destination: {Id: Queue}
              Typo:
                Type: AWS::Serverless::Connector
                Properties:
                  Source: {Id: Fn}
                  Destinaton: {Id: Queue}
                  Permissions: [Write]
            """);
        Assert.Equal(
            "Invalid Serverless Application Specification document. Number of errors found: 5. " +
            "Resource with id [Missing] is invalid. Unable to find resource with logical ID 'Nope'. " +
            "Resource with id [NoPermissions] is invalid. Missing required property 'Permissions'. " +
            "Resource with id [QueueBad] is invalid. Queue.QueueBad should be a map. " +
            "Resource with id [Typo] is invalid. property Destinaton not defined for resource of type AWS::Serverless::Connector " +
            "Resource with id [Unsupported] is invalid. Unsupported 'Permissions' provided for connector from AWS::SQS::Queue to AWS::Lambda::Function; valid combinations are: Read + Write.",
            message);
    }

    [Fact]
    public void AnUnsupportedPairOrAMissingArnIsAnError()
    {
        var message = Message("""
            Resources:
              Bucket:
                Type: AWS::S3::Bucket
              Queue:
                Type: AWS::SQS::Queue
              Pair:
                Type: AWS::Serverless::Connector
                Properties:
                  Source: {Id: Bucket}
                  Destination: {Id: Queue}
                  Permissions: [Write]
              NoArn:
                Type: AWS::Serverless::Connector
                Properties:
                  Source: {Type: AWS::Events::Rule}
                  Destination: {Id: Queue}
                  Permissions: [Write]
            """);
        Assert.Equal(
            "Invalid Serverless Application Specification document. Number of errors found: 2. " +
            "Resource with id [NoArn] is invalid. Source.Arn is missing. " +
            "Resource with id [Pair] is invalid. Unable to create connector from AWS::S3::Bucket to AWS::SQS::Queue; it's not supported or the template is invalid.",
            message);
    }

    [Fact]
    public void ProfileVariablesBecomeValuesOrSubstitutions()
    {
        var replaced = ConnectorProfiles.Replace(JsonNode.Parse("""
            {"a": "%{Source.Arn}", "b": "%{Source.Arn}/*", "c": "arn:${AWS::Partition}:x", "d": "plain", "e": true}
            """), [("Source.Arn", JsonNode.Parse("""{"Ref":"Q"}"""))]);
        Assert.Equal("""{"a":{"Ref":"Q"},"b":{"Fn::Sub":["${SourceArn}/*",{"SourceArn":{"Ref":"Q"}}]},"c":{"Fn::Sub":"arn:${AWS::Partition}:x"},"d":"plain","e":true}""",
            replaced!.ToJsonString());
        Assert.NotNull(ConnectorProfiles.Get("AWS::Lambda::Function", "AWS::SQS::Queue"));
        Assert.Null(ConnectorProfiles.Get("AWS::S3::Bucket", "AWS::SQS::Queue"));
    }

    [Fact]
    public void IntrinsicsInAnInlineStateMachineDefinitionBecomeDefinitionSubstitutions()
    {
        var machine = Transform("""
            Transform: AWS::Serverless-2016-10-31
            Resources:
              Machine:
                Type: AWS::Serverless::StateMachine
                Properties:
                  DefinitionSubstitutions: {Mine: value}
                  Definition:
                    StartAt: A
                    States:
                      A: {Type: Task, Resource: !GetAtt Fn.Arn, Next: B}
                      B: {Type: Pass, Result: '{{resolve:ssm:param:1}}', End: true}
            """)["Resources"]!["Machine"]!["Properties"]!;
        Assert.Equal("""{"Mine":"value","definition_substitution_1":{"Fn::GetAtt":["Fn","Arn"]},"definition_substitution_2":"{{resolve:ssm:param:1}}"}""",
            machine["DefinitionSubstitutions"]!.ToJsonString());
        Assert.Contains("            \"Resource\": \"${definition_substitution_1}\",", machine["DefinitionString"]!["Fn::Join"]![1]!.AsArray().Select(l => l!.GetValue<string>()));
    }
}
