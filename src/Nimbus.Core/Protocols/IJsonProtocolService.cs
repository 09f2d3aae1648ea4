using Microsoft.AspNetCore.Http;
using Nimbus.Core.Identity;

namespace Nimbus.Core.Protocols;

/// <summary>A service spoken over AWS JSON 1.0/1.1: requests are POSTs with <c>X-Amz-Target: Prefix.Operation</c>.</summary>
public interface IJsonProtocolService
{
    /// <summary>The part of <c>X-Amz-Target</c> before the dot, e.g. <c>Logs_20140328</c>.</summary>
    string TargetPrefix { get; }

    AwsProtocol Protocol { get; }

    /// <summary>Handles one operation; throws <see cref="Errors.AwsServiceException"/> for AWS errors.</summary>
    Task HandleAsync(HttpContext http, string operation, AwsRequestContext caller);
}
