using System.Text.Json.Nodes;
using Nimbus.Templates.Parsing;
using Nimbus.Templates.Sam;

namespace Nimbus.Templates.Tests;

public class SamTranslatorTests
{
    private static JsonObject Transform(string yaml) =>
        SamTranslator.Transform(TemplateReader.ReadYaml(yaml), SamTranslatorOptions.For("eu-west-1"));

    [Fact]
    public void AFunctionBecomesALambdaFunctionWithARole()
    {
        var output = Transform("""
            Transform: AWS::Serverless-2016-10-31
            Resources:
              Fn:
                Type: AWS::Serverless::Function
                Properties:
                  CodeUri: s3://bucket/key.zip?versionId=3
                  Handler: index.handler
                  Runtime: nodejs20.x
                  Policies: [AmazonSQSFullAccess]
                  Events:
                    Queue:
                      Type: SQS
                      Properties: {Queue: !GetAtt Q.Arn, BatchSize: 5}
              Q:
                Type: AWS::SQS::Queue
            """);
        Assert.Null(output["Transform"]);
        var resources = output["Resources"]!.AsObject();
        Assert.Equal("AWS::Lambda::Function", resources["Fn"]!["Type"]!.GetValue<string>());
        Assert.Equal("""{"S3Bucket":"bucket","S3Key":"key.zip","S3ObjectVersion":"3"}""", resources["Fn"]!["Properties"]!["Code"]!.ToJsonString());
        Assert.Equal("""{"Fn::GetAtt":["FnRole","Arn"]}""", resources["Fn"]!["Properties"]!["Role"]!.ToJsonString());
        var arns = resources["FnRole"]!["Properties"]!["ManagedPolicyArns"]!.AsArray().Select(a => a!.GetValue<string>()).ToList();
        Assert.Contains("arn:aws:iam::aws:policy/AmazonSQSFullAccess", arns);
        Assert.Contains("arn:aws:iam::aws:policy/service-role/AWSLambdaSQSQueueExecutionRole", arns);
        Assert.Equal("AWS::Lambda::EventSourceMapping", resources["FnQueue"]!["Type"]!.GetValue<string>());
        Assert.Equal("AWS::SQS::Queue", resources["Q"]!["Type"]!.GetValue<string>());
    }

    [Fact]
    public void AllErrorsAreReportedInOnePass()
    {
        var e = Assert.Throws<InvalidSamDocumentException>(() => Transform("""
            Resources:
              A:
                Type: AWS::Serverless::Function
                Properties: {Handler: h, Runtime: python3.12}
              B:
                Type: AWS::Serverless::Function
                Properties: {CodeUri: not-s3, Handler: h, Runtime: python3.12}
            """));
        Assert.Equal(2, e.Causes.Count);
        Assert.Equal("Invalid Serverless Application Specification document. Number of errors found: 2. Resource with id [A] is invalid. Only one of 'InlineCode' or 'CodeUri' can be set. Resource with id [B] is invalid. 'CodeUri' is not a valid S3 Uri of the form 's3://bucket/key' with optional versionId query parameter.", e.FullMessage);
    }

    [Fact]
    public void AutoPublishAliasHashesTheCodeLikeTheTranslator()
    {
        var output = Transform("""
            Resources:
              MinimalFunction:
                Type: AWS::Serverless::Function
                Properties:
                  CodeUri: s3://sam-demo-bucket/hello.zip
                  Handler: hello.handler
                  Runtime: python2.7
                  AutoPublishAlias: live
            """);
        var resources = output["Resources"]!.AsObject();
        Assert.True(resources.ContainsKey("MinimalFunctionVersion640128d35d"));
        Assert.Equal("""{"Fn::GetAtt":["MinimalFunctionVersion640128d35d","Version"]}""", resources["MinimalFunctionAliaslive"]!["Properties"]!["FunctionVersion"]!.ToJsonString());
    }

    [Fact]
    public void GlobalsMergeMapsConcatenateListsAndLetTheResourceWin()
    {
        var output = Transform("""
            Globals:
              Function:
                Runtime: python3.12
                Handler: index.handler
                Environment: {Variables: {A: global, B: global}}
                Layers: [arn:aws:lambda:eu-west-1:123456789012:layer:one:1]
            Resources:
              Fn:
                Type: AWS::Serverless::Function
                Properties:
                  InlineCode: print(1)
                  Runtime: python3.13
                  Environment: {Variables: {B: local}}
                  Layers: [arn:aws:lambda:eu-west-1:123456789012:layer:two:1]
            """);
        var props = output["Resources"]!["Fn"]!["Properties"]!;
        Assert.Equal("python3.13", props["Runtime"]!.GetValue<string>());
        Assert.Equal("index.handler", props["Handler"]!.GetValue<string>());
        Assert.Equal("""{"A":"global","B":"local"}""", props["Environment"]!["Variables"]!.ToJsonString());
        Assert.Equal(2, props["Layers"]!.AsArray().Count);
    }

    [Fact]
    public void AnS3EventWiresTheBucketInTheTemplate()
    {
        var output = Transform("""
            Resources:
              Fn:
                Type: AWS::Serverless::Function
                Properties:
                  CodeUri: s3://b/k.zip
                  Handler: index.handler
                  Runtime: nodejs20.x
                  Events:
                    Upload:
                      Type: S3
                      Properties: {Bucket: !Ref Images, Events: s3:ObjectCreated:*}
              Images:
                Type: AWS::S3::Bucket
            """);
        var bucket = output["Resources"]!["Images"]!;
        Assert.Equal("""["FnUploadPermission"]""", bucket["DependsOn"]!.ToJsonString());
        Assert.Equal("""[{"Function":{"Fn::GetAtt":["Fn","Arn"]},"Event":"s3:ObjectCreated:*"}]""",
            bucket["Properties"]!["NotificationConfiguration"]!["LambdaConfigurations"]!.ToJsonString());
        Assert.Equal("s3.amazonaws.com", output["Resources"]!["FnUploadPermission"]!["Properties"]!["Principal"]!.GetValue<string>());
    }

    [Fact]
    public void TheInputTemplateIsNotChanged()
    {
        var input = TemplateReader.ReadYaml("""
            Resources:
              Fn:
                Type: AWS::Serverless::Function
                Properties: {CodeUri: s3://b/k.zip, Handler: h, Runtime: python3.12, AutoPublishAlias: live}
            """);
        var before = input.ToJsonString();
        SamTranslator.Transform(input, SamTranslatorOptions.For("eu-west-1"));
        Assert.Equal(before, input.ToJsonString());
    }
}
