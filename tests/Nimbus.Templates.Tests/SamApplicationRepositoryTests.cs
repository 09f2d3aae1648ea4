using System.Text.Json.Nodes;
using Nimbus.Templates.Parsing;
using Nimbus.Templates.Sam;

namespace Nimbus.Templates.Tests;

/// <summary>AWS::Serverless::Application against a Serverless Application Repository supplied through the options.</summary>
public sealed class SamApplicationRepositoryTests
{
    /// <summary>A repository whose templates are PREPARING for a number of polls, then ACTIVE; "denied" cannot be read.</summary>
    private sealed class FakeRepository(int preparingPolls, TimeSpan timeout) : IServerlessApplicationRepository
    {
        public List<string> Calls { get; } = [];

        public bool WaitForActiveTemplates => true;

        public TimeSpan TemplateWaitTimeout => timeout;

        public TimeSpan PollInterval => TimeSpan.FromMilliseconds(1);

        public ServerlessApplicationTemplate CreateCloudFormationTemplate(string applicationId, string semanticVersion)
        {
            Calls.Add($"create {applicationId} {semanticVersion}");
            return applicationId == "denied"
                ? ServerlessApplicationTemplate.Denied(applicationId, "User is not authorized to access application denied.")
                : new ServerlessApplicationTemplate(applicationId, "t-1", $"https://repo.example/{applicationId}/{semanticVersion}", preparingPolls > 0 ? "PREPARING" : "ACTIVE");
        }

        public ServerlessApplicationTemplate GetCloudFormationTemplate(string applicationId, string templateId)
        {
            Calls.Add($"get {applicationId} {templateId}");
            return new ServerlessApplicationTemplate(applicationId, templateId, "", --preparingPolls > 0 ? "PREPARING" : "ACTIVE");
        }
    }

    private static JsonObject Transform(string yaml, IServerlessApplicationRepository repository) =>
        SamTranslator.Transform(TemplateReader.ReadYaml(yaml), SamTranslatorOptions.For("eu-west-1") with { ServerlessApplicationRepository = () => repository });

    private const string TwoApplications = """
        Transform: AWS::Serverless-2016-10-31
        Parameters:
          Version: {Type: String, Default: 2.1.0}
        Mappings:
          Apps: {eu-west-1: {Id: mapped-app}}
        Resources:
          First:
            Type: AWS::Serverless::Application
            Properties:
              Location: {ApplicationId: !FindInMap [Apps, !Ref AWS::Region, Id], SemanticVersion: !Ref Version}
          Second:
            Type: AWS::Serverless::Application
            Properties:
              Location: {ApplicationId: mapped-app, SemanticVersion: 2.1.0}
        """;

    [Fact]
    public void LocationsAreResolved_AskedOncePerApplicationVersion_AndWaitedForUntilActive()
    {
        var repository = new FakeRepository(preparingPolls: 2, TimeSpan.FromSeconds(30));
        var output = Transform(TwoApplications, repository);

        Assert.Equal(["create mapped-app 2.1.0", "get mapped-app t-1", "get mapped-app t-1"], repository.Calls);
        foreach (var id in new[] { "First", "Second" })
        {
            var stack = output["Resources"]![id]!;
            Assert.Equal("AWS::CloudFormation::Stack", stack["Type"]!.GetValue<string>());
            Assert.Equal("https://repo.example/mapped-app/2.1.0", stack["Properties"]!["TemplateURL"]!.GetValue<string>());
            var tags = stack["Properties"]!["Tags"]!.AsArray().ToDictionary(t => t!["Key"]!.GetValue<string>(), t => t!["Value"]!.GetValue<string>());
            Assert.Equal("mapped-app", tags["serverlessrepo:applicationId"]);
            Assert.Equal("2.1.0", tags["serverlessrepo:semanticVersion"]);
        }
    }

    [Fact]
    public void TemplatesThatNeverBecomeActive_FailTheTransformOnceTheWaitIsOver()
    {
        var e = Assert.Throws<InvalidSamDocumentException>(() => Transform(TwoApplications, new FakeRepository(preparingPolls: int.MaxValue, TimeSpan.FromMilliseconds(20))));
        Assert.Equal("Resource with id [['mapped-app']] is invalid. Timed out waiting for nested stack templates to reach ACTIVE status.", Assert.Single(e.Causes));
    }

    [Fact]
    public void AnApplicationTheRepositoryDenies_IsThatResourcesError_AlongsideTheOthers()
    {
        var e = Assert.Throws<InvalidSamDocumentException>(() => Transform("""
            Transform: AWS::Serverless-2016-10-31
            Resources:
              Denied:
                Type: AWS::Serverless::Application
                Properties:
                  Location: {ApplicationId: denied, SemanticVersion: 1.0.0}
              Dynamic:
                Type: AWS::Serverless::Application
                Properties:
                  Location: {ApplicationId: "{{resolve:ssm:/app/id}}", SemanticVersion: 1.0.0}
              Tagged:
                Type: AWS::Serverless::Application
                Properties:
                  Location: {ApplicationId: ok, SemanticVersion: 1.0.0}
                  Tags: {"lambda:createdBy": me}
            """, new FakeRepository(preparingPolls: 0, TimeSpan.Zero)));
        Assert.Equal(
        [
            "Resource with id [Denied] is invalid. User is not authorized to access application denied.",
            "Resource with id [Dynamic] is invalid. Serverless Application Repostiory does not support dynamic reference in 'ApplicationId' property.",
            "Resource with id [Tagged] is invalid. lambda:createdBy is a reserved Tag key name and cannot be set on your resource. Please change the tag key in the input.",
        ], e.Causes);
    }

    [Fact]
    public void AFindInMapWithoutThreeArguments_FailsTheWholeTemplate()
    {
        var e = Assert.Throws<InvalidSamDocumentException>(() => Transform("""
            Transform: AWS::Serverless-2016-10-31
            Mappings:
              Apps: {eu-west-1: {Id: x}}
            Resources:
              App:
                Type: AWS::Serverless::Application
                Properties:
                  Location: {ApplicationId: !FindInMap [Apps, !Ref AWS::Region], SemanticVersion: 1.0.0}
            """, new FakeRepository(preparingPolls: 0, TimeSpan.Zero)));
        Assert.Equal("Structure of the SAM template is invalid. Invalid FindInMap value ['Apps', 'eu-west-1']. FindInMap expects an array with 3 values.", Assert.Single(e.Causes));
    }
}
