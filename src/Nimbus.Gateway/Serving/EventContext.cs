namespace Nimbus.Gateway.Serving;

/// <summary>Everything besides the request that goes into a proxy event.</summary>
/// <param name="StagePrefix"><c>/{stage}</c> for a named stage in the URL, "" for <c>$default</c>.</param>
/// <param name="RouteKey">HTTP API: the matched route key. REST API: the resource path template.</param>
/// <param name="ResourceId">REST API: the resource id; HTTP API 1.0: the route key.</param>
internal sealed record EventContext(
    string AccountId,
    string ApiId,
    string Stage,
    string StagePrefix,
    string RouteKey,
    string ResourceId,
    IReadOnlyDictionary<string, string> PathParameters,
    IReadOnlyDictionary<string, string> StageVariables,
    string RequestId,
    string ExtendedRequestId,
    string TraceId,
    DateTimeOffset Time)
{
    /// <summary>API Gateway's <c>requestTime</c> format, for example <c>14/Apr/2025:22:11:01 +0000</c>.</summary>
    public string RequestTime => Time.UtcDateTime.ToString("dd/MMM/yyyy:HH:mm:ss '+0000'", System.Globalization.CultureInfo.InvariantCulture);

    public long Epoch => Time.ToUnixTimeMilliseconds();

    public string DomainPrefix(string domainName) => domainName.Split('.')[0];

    /// <summary>True for a Lambda function URL's event (payload 2.0 as function URLs send it; see <c>ProxyEvents.HttpV2</c>).</summary>
    public bool FunctionUrl { get; init; }

    /// <summary>What the authorizer, IAM or the API key check established (see Protection/); null when nothing ran.</summary>
    public Protection.RequestAuthorization? Authorization { get; init; }
}
