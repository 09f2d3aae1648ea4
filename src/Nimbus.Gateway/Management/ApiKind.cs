namespace Nimbus.Gateway.Management;

/// <summary>Which API Gateway API family a stored API belongs to.</summary>
internal enum ApiKind
{
    /// <summary>API Gateway v2 HTTP API (<c>/v2/apis</c>).</summary>
    Http,

    /// <summary>API Gateway v1 REST API (<c>/restapis</c>).</summary>
    Rest,
}
