using System.Text.Json.Nodes;
using Nimbus.Templates.Parsing;
using Nimbus.Templates.Sam;

namespace Nimbus.Templates.Tests;

/// <summary>What event sources add to a function's role, and event checks across resources, outside the corpus.</summary>
public sealed class SamEventSourcePolicyTests
{
    private static JsonObject Transform(string yaml) =>
        SamTranslator.Transform(TemplateReader.ReadYaml(yaml), SamTranslatorOptions.For("eu-west-1"));

    [Fact]
    public void KafkaSchemaRegistry_OnAGlueRegistryArn_GrantsTheRegistryItsSchemasAndTheAccessSecret_Once()
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
                  Events:
                    One: &kafka
                      Type: SelfManagedKafka
                      Properties:
                        KafkaBootstrapServers: [broker:9092]
                        Topics: [orders]
                        SourceAccessConfigurations:
                          - {Type: BASIC_AUTH, URI: arn:aws:secretsmanager:eu-west-1:111122223333:secret:kafka}
                        SchemaRegistryConfig:
                          SchemaRegistryURI: arn:aws:glue:eu-west-1:111122223333:registry/payments
                          EventRecordFormat: JSON
                          AccessConfigs: [{Type: BASIC_AUTH, URI: arn:aws:secretsmanager:eu-west-1:111122223333:secret:registry}]
                          SchemaValidationConfigs: [{Attribute: VALUE}]
                    Two: *kafka
            """);
        var policies = output["Resources"]!["FnRole"]!["Properties"]!["Policies"]!.AsArray();
        var policy = Assert.Single(policies)!;
        Assert.Equal("SelfManagedKafkaExecutionRolePolicy", policy["PolicyName"]!.GetValue<string>());
        var statements = policy["PolicyDocument"]!["Statement"]!.AsArray().Select(s => s!.ToJsonString()).ToList();
        Assert.Contains(statements, s => s.Contains("\"glue:GetRegistry\"", StringComparison.Ordinal) && s.Contains("registry/payments", StringComparison.Ordinal));
        Assert.Contains(statements, s => s.Contains("\"glue:GetSchemaVersion\"", StringComparison.Ordinal)
            && s.Contains("arn:${AWS::Partition}:glue:${AWS::Region}:${AWS::AccountId}:schema/payments/*", StringComparison.Ordinal));
        Assert.Contains(statements, s => s.Contains("secret:registry", StringComparison.Ordinal));
        Assert.Contains(statements, s => s.Contains("secret:kafka", StringComparison.Ordinal));
    }

    [Fact]
    public void AMethodTwoResourcesPutOnOnePath_IsAnErrorOfTheLaterFunction_WithMethodsComparedCaseInsensitively()
    {
        var e = Assert.Throws<InvalidSamDocumentException>(() => Transform("""
            Transform: AWS::Serverless-2016-10-31
            Resources:
              Machine:
                Type: AWS::Serverless::StateMachine
                Properties:
                  Definition: {StartAt: A, States: {A: {Type: Pass, End: true}}}
                  Events:
                    Post: {Type: Api, Properties: {Path: /items, Method: post}}
              First:
                Type: AWS::Serverless::Function
                Properties:
                  InlineCode: x
                  Handler: index.handler
                  Runtime: nodejs20.x
                  Events:
                    Add: {Type: Api, Properties: {Path: /items, Method: POST}}
              Second:
                Type: AWS::Serverless::Function
                Properties:
                  InlineCode: x
                  Handler: index.handler
                  Runtime: nodejs20.x
                  Events:
                    Add: {Type: Api, Properties: {Path: /items, Method: post}}
            """));
        // Functions are linked before state machines: the state machine's event is the second one on the path.
        Assert.Equal(
        [
            "Event with id [Post] is invalid. API method \"post\" defined multiple times for path \"/items\".",
            "Resource with id [Second] is invalid. Event with id [Add] is invalid. API method \"post\" defined multiple times for path \"/items\".",
        ], e.Causes);
    }
}
