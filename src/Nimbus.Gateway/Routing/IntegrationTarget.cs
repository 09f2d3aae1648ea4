namespace Nimbus.Gateway.Routing;

/// <summary>Where a matched route sends the request.</summary>
/// <param name="Type"><c>AWS_PROXY</c>, <c>HTTP_PROXY</c> or <c>MOCK</c>.</param>
/// <param name="Uri">A Lambda ARN (or API Gateway's <c>arn:aws:apigateway:…:lambda:path/…/invocations</c> form) or a URL.</param>
/// <param name="PayloadFormatVersion"><c>1.0</c> or <c>2.0</c>.</param>
internal sealed record IntegrationTarget(
    string Id,
    string Type,
    string? Uri,
    string PayloadFormatVersion,
    string? HttpMethod,
    int TimeoutMillis)
{
    /// <summary>For MOCK integrations of REST APIs: the status and body to answer with.</summary>
    public MockResponse? Mock { get; init; }

    /// <summary>The deployed integration as stored (templates, parameter mappings, integration responses); never mutated.</summary>
    public System.Text.Json.Nodes.JsonObject? Definition { get; init; }
}

/// <summary>A MOCK integration's static answer.</summary>
internal sealed record MockResponse(int StatusCode, string ContentType, string Body, IReadOnlyDictionary<string, string> Headers);
