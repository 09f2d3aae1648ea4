using System.Text.Json.Nodes;

namespace Nimbus.Gateway.Protection;

/// <summary>What authorization established about a request, written into the proxy event's <c>requestContext</c>.</summary>
/// <param name="Authorizer">The <c>requestContext.authorizer</c> object as the integration's payload format has it:
/// REST <c>{"principalId", "integrationLatency", …context}</c>; HTTP API <c>{"lambda": …}</c>, <c>{"jwt": {"claims", "scopes"}}</c>
/// (2.0) or <c>{"claims", "scopes"}</c> (1.0), <c>{"iam": …}</c>. Null when no authorizer ran.</param>
/// <param name="Identity">Values for <c>requestContext.identity</c> fields (payload 1.0) that are otherwise null:
/// <c>accessKey</c>, <c>accountId</c>, <c>caller</c>, <c>user</c>, <c>userArn</c> (AWS_IAM), <c>apiKey</c>, <c>apiKeyId</c>.</param>
internal sealed record RequestAuthorization(JsonObject? Authorizer, IReadOnlyDictionary<string, string> Identity)
{
    public static readonly RequestAuthorization None = new(null, new Dictionary<string, string>());

    /// <summary>The principal a Lambda authorizer returned (REST), for <c>$context.authorizer.principalId</c>.</summary>
    public string? PrincipalId { get; init; }

    /// <summary>True when the caller proved its identity with SigV4 (allows <c>Cache-Control: max-age=0</c>).</summary>
    public bool IamAuthenticated { get; init; }
}
