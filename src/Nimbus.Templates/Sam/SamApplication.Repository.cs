namespace Nimbus.Templates.Sam;

/// <summary>
/// A CloudFormation template that the AWS Serverless Application Repository prepares for one application version
/// (CreateCloudFormationTemplate / GetCloudFormationTemplate). <see cref="AccessError"/> is set instead when the
/// repository answers AccessDeniedException or NotFoundException: the translator reports that message as the
/// application resource's error.
/// </summary>
public sealed record ServerlessApplicationTemplate(string ApplicationId, string TemplateId, string TemplateUrl, string Status)
{
    public string? AccessError { get; init; }

    public static ServerlessApplicationTemplate Denied(string applicationId, string message) =>
        new(applicationId, "", "", "") { AccessError = message };
}

/// <summary>
/// What the transform asks of the AWS Serverless Application Repository for AWS::Serverless::Application resources
/// whose Location is an ApplicationId + SemanticVersion (the translator's ServerlessAppPlugin).
/// </summary>
public interface IServerlessApplicationRepository
{
    ServerlessApplicationTemplate CreateCloudFormationTemplate(string applicationId, string semanticVersion);

    ServerlessApplicationTemplate GetCloudFormationTemplate(string applicationId, string templateId);

    /// <summary>Whether the transform waits for every prepared template to become ACTIVE (the plugin's wait flag).</summary>
    bool WaitForActiveTemplates { get; }

    /// <summary>How long that wait may last in all.</summary>
    TimeSpan TemplateWaitTimeout { get; }

    /// <summary>The pause between two polls of the templates still being prepared.</summary>
    TimeSpan PollInterval { get; }
}

/// <summary>
/// Nimbus reaches no Serverless Application Repository: every application is one it cannot access, reported as the
/// translator reports an application it may not read (a nested application needs a template URL as its Location).
/// </summary>
internal sealed class UnreachableApplicationRepository : IServerlessApplicationRepository
{
    public static UnreachableApplicationRepository Instance { get; } = new();

    public bool WaitForActiveTemplates => false;

    public TimeSpan TemplateWaitTimeout => TimeSpan.Zero;

    public TimeSpan PollInterval => TimeSpan.Zero;

    public ServerlessApplicationTemplate CreateCloudFormationTemplate(string applicationId, string semanticVersion) =>
        ServerlessApplicationTemplate.Denied(applicationId, $"Cannot access application: {applicationId}.");

    public ServerlessApplicationTemplate GetCloudFormationTemplate(string applicationId, string templateId) =>
        ServerlessApplicationTemplate.Denied(applicationId, $"Cannot access application: {applicationId}.");
}

/// <summary>
/// The repository of upstream's tests/translator/test_translator.py (mock_sar_service_call), which the conformance
/// corpus was recorded against: "no-access", "non-existent" and "invalid-semver" cannot be accessed; "preparing" is
/// PREPARING for two calls and then ACTIVE; "preparing-never-ready" stays PREPARING and turns the wait on with no time
/// to wait; "expired" is EXPIRED; anything else is ACTIVE at the mocked signed URL. One instance per transform.
/// </summary>
internal sealed class TranslatorTestApplicationRepository : IServerlessApplicationRepository
{
    private const string SignedUrl = "https://awsserverlessrepo-changesets-xxx.s3.amazonaws.com/signed-url";
    private int _preparingCalls;

    public bool WaitForActiveTemplates { get; private set; }

    public TimeSpan TemplateWaitTimeout { get; private set; } = TimeSpan.FromSeconds(105);

    public TimeSpan PollInterval { get; private set; } = TimeSpan.FromSeconds(2);

    public ServerlessApplicationTemplate CreateCloudFormationTemplate(string applicationId, string semanticVersion) => Answer(applicationId);

    public ServerlessApplicationTemplate GetCloudFormationTemplate(string applicationId, string templateId) => Answer(applicationId);

    private ServerlessApplicationTemplate Answer(string applicationId)
    {
        var status = "ACTIVE";
        switch (applicationId)
        {
            case "no-access" or "non-existent" or "invalid-semver":
                return ServerlessApplicationTemplate.Denied(applicationId, $"Cannot access application: {applicationId}.");
            case "preparing" when _preparingCalls < 2:
                _preparingCalls++;
                WaitForActiveTemplates = true;
                PollInterval = TimeSpan.Zero;
                TemplateWaitTimeout = TimeSpan.FromSeconds(2);
                status = "PREPARING";
                break;
            case "preparing-never-ready":
                WaitForActiveTemplates = true;
                PollInterval = TimeSpan.Zero;
                TemplateWaitTimeout = TimeSpan.Zero;
                status = "PREPARING";
                break;
            case "expired":
                status = "EXPIRED";
                break;
        }
        return new ServerlessApplicationTemplate(applicationId, "id-xx-xx", SignedUrl, status);
    }
}
