using Nimbus.Core.Identity;

namespace Nimbus.Messaging.Sqs;

/// <summary>Who calls and under which base URL (<c>http://host:port</c> of the request) queue URLs are written.</summary>
internal sealed record SqsContext(AwsRequestContext Caller, string BaseUrl);
