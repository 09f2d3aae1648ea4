using Microsoft.AspNetCore.Http;
using Nimbus.Core.Identity;

namespace Nimbus.Core.Protocols;

/// <summary>A service spoken over the AWS query protocol: form-encoded POSTs (or GETs) carrying <c>Action</c> and <c>Version</c>.</summary>
/// <remarks>
/// The edge picks the service by the SigV4 credential scope's service name (<c>sqs</c>, <c>sns</c>, <c>cloudformation</c>…),
/// so query requests may arrive on any path (SQS clients post to the queue URL). Unsigned requests to <c>/</c> fall back to
/// the first service that <see cref="Handles"/> the action.
/// </remarks>
public interface IQueryProtocolService
{
    /// <summary>The SigV4 signing name, e.g. <c>sqs</c>.</summary>
    string SigningName { get; }

    /// <summary>Whether this service has an operation named <paramref name="action"/>.</summary>
    bool Handles(string action);

    /// <summary>Handles one action; throws <see cref="Errors.AwsServiceException"/> for AWS errors (written as query XML).</summary>
    /// <param name="parameters">Every form (and query-string) parameter, in request order; keys like <c>Attribute.1.Name</c> flattened as sent.</param>
    Task HandleAsync(HttpContext http, string action, IReadOnlyDictionary<string, string> parameters, AwsRequestContext caller);
}
