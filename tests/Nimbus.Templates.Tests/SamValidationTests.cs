using System.Text.Json.Nodes;
using Nimbus.Templates.Parsing;
using Nimbus.Templates.Sam;

namespace Nimbus.Templates.Tests;

/// <summary>The transform's validation layer on templates outside the conformance corpus.</summary>
public class SamValidationTests
{
    private static string Error(string yaml)
    {
        var e = Assert.Throws<InvalidSamDocumentException>(() =>
            SamTranslator.Transform(TemplateReader.ReadYaml(yaml), SamTranslatorOptions.For("eu-west-1")));
        return e.FullMessage;
    }

    private const string Header = "Invalid Serverless Application Specification document. Number of errors found: ";

    [Fact]
    public void PropertyTypesAreCheckedInDeclaredOrderWithTheTranslatorsMessages()
    {
        var message = Error("""
            Resources:
              Fn:
                Type: AWS::Serverless::Function
                Properties: {CodeUri: s3://b/k, Handler: h, Runtime: python3.12, Tags: [a], PropagateTags: nope}
              Api:
                Type: AWS::Serverless::Api
                Properties: {StageName: Prod, MinimumCompressionSize: big}
              Table:
                Type: AWS::Serverless::SimpleTable
                Properties: {SSESpecification: yes}
            """);
        Assert.Equal(Header + "3. "
            + "Resource with id [Api] is invalid. Type of property 'MinimumCompressionSize' is invalid. "
            + "Resource with id [Fn] is invalid. Property 'Tags' should be a map. "
            + "Resource with id [Table] is invalid. Property 'SSESpecification' should be a map.", message);
    }

    [Fact]
    public void AnIntrinsicPassesAPropertyThatAcceptsIntrinsics()
    {
        var output = SamTranslator.Transform(TemplateReader.ReadYaml("""
            Parameters:
              Size: {Type: Number, Default: 1024}
            Resources:
              Api:
                Type: AWS::Serverless::Api
                Properties: {StageName: Prod, MinimumCompressionSize: !Ref Size}
            """), SamTranslatorOptions.For("eu-west-1"));
        Assert.NotNull(output["Resources"]!["Api"]);
    }

    [Fact]
    public void ImplicitApiEventErrorsEndTheTransformBeforeResourcesAreTranslated()
    {
        // Fn2 has an unsupported event type too; the implicit API pass stops the transform before it is seen.
        var message = Error("""
            Resources:
              Fn:
                Type: AWS::Serverless::Function
                Properties:
                  CodeUri: s3://b/k
                  Handler: h
                  Runtime: python3.12
                  Events:
                    Get: {Type: Api, Properties: {Path: /x, Method: [get]}}
              Fn2:
                Type: AWS::Serverless::Function
                Properties:
                  CodeUri: s3://b/k
                  Handler: h
                  Runtime: python3.12
                  Events:
                    E: {Type: Nope}
            """);
        Assert.Equal(Header + "1. Resource with id [Fn] is invalid. Event with id [Get] is invalid. Property 'Method' should be a string.", message);
    }

    [Fact]
    public void AStateMachineEventErrorIsNotWrappedInTheResourceError()
    {
        var message = Error("""
            Resources:
              Machine:
                Type: AWS::Serverless::StateMachine
                Properties:
                  Definition: {StartAt: A, States: {A: {Type: Pass, End: true}}}
                  Policies: []
                  Events:
                    Tick:
                      Type: Schedule
                      Properties: {Schedule: rate(1 minute), DeadLetterConfig: {Type: SNS}}
            """);
        Assert.Equal(Header + "1. Event with id [MachineTick] is invalid. The only valid value for 'Type' property of DeadLetterConfig is 'SQS'.", message);
    }

    [Fact]
    public void AGlobalsPropertyTheSectionDoesNotSupportIsRejected()
    {
        var message = Error("""
            Globals:
              StateMachine: {Tracing: {Enabled: true}}
            Resources:
              Fn:
                Type: AWS::Serverless::Function
                Properties: {CodeUri: s3://b/k, Handler: h, Runtime: python3.12}
            """);
        Assert.Equal(Header + "1. 'Globals' section is invalid. 'Tracing' is not a supported property of 'StateMachine'. Must be one of the following values - ['PropagateTags']", message);
    }

    [Fact]
    public void ANonMapPathItemInAnEditedSwaggerBodyEndsTheTransform()
    {
        var message = Error("""
            Resources:
              Api:
                Type: AWS::Serverless::Api
                Properties:
                  StageName: Prod
                  Cors: "'*'"
                  DefinitionBody:
                    swagger: '2.0'
                    paths:
                      /a: [not, a, map]
              Fn:
                Type: AWS::Serverless::Function
                Properties: {Handler: h, Runtime: python3.12}
            """);
        Assert.Equal(Header + "1. Structure of the SAM template is invalid. Value of '/a' path must be a dictionary according to Swagger spec.", message);
    }

    [Fact]
    public void IdenticalCausesAreReportedOnce()
    {
        // Both functions' events reach the same empty-stage API: one cause, reported once.
        var message = Error("""
            Resources:
              Api:
                Type: AWS::Serverless::Api
                Properties: {StageName: ''}
              A:
                Type: AWS::Serverless::Function
                Properties:
                  CodeUri: s3://b/k
                  Handler: h
                  Runtime: python3.12
                  Events: {Get: {Type: Api, Properties: {RestApiId: !Ref Api, Path: /a, Method: get}}}
              B:
                Type: AWS::Serverless::Function
                Properties:
                  CodeUri: s3://b/k
                  Handler: h
                  Runtime: python3.12
                  Events: {Get: {Type: Api, Properties: {RestApiId: !Ref Api, Path: /b, Method: get}}}
            """);
        Assert.StartsWith(Header + "1. Resource with id [Api] is invalid. StageName cannot be empty.", message, StringComparison.Ordinal);
    }

    [Fact]
    public void AnHttpLambdaAuthorizerNeedsItsFunctionAndPayloadVersion()
    {
        var message = Error("""
            Resources:
              Http:
                Type: AWS::Serverless::HttpApi
                Properties:
                  Auth:
                    Authorizers:
                      L: {AuthorizerPayloadFormatVersion: '2.0', Identity: {Headers: [Authorization, 3]}}
            """);
        Assert.Equal(Header + "1. Resource with id [Http] is invalid. L Lambda Authorizer must define 'FunctionArn'.", message);
    }

    [Fact]
    public void AValidTemplateStillTransforms()
    {
        // The checks do not reject what the translator accepts.
        var output = SamTranslator.Transform(TemplateReader.ReadYaml("""
            Resources:
              Fn:
                Type: AWS::Serverless::Function
                Properties: {CodeUri: s3://b/k, Handler: h, Runtime: python3.12, Tags: {a: b}}
            """), SamTranslatorOptions.For("eu-west-1"));
        Assert.IsType<JsonObject>(output["Resources"]!["Fn"]);
    }
}
