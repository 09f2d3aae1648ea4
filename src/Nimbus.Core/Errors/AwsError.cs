namespace Nimbus.Core.Errors;

/// <summary>An AWS-shaped error value: code (exception name), message, HTTP status and extra body fields.</summary>
public sealed record AwsError(string Code, string Message, int StatusCode = 400)
{
    /// <summary>Extra members written into the error body (for example <c>Reason</c> of a throttle).</summary>
    public IReadOnlyDictionary<string, string>? Fields { get; init; }

    /// <summary>Extra response headers (for example <c>Retry-After</c>).</summary>
    public IReadOnlyDictionary<string, string>? Headers { get; init; }

    /// <summary>True when the fault is the caller's (<c>Type: User</c>), false for a service fault.</summary>
    public bool IsSenderFault => StatusCode < 500;

    public AwsServiceException ToException() => new(this);
}
