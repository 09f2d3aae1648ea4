using Nimbus.Core.Identity;

namespace Nimbus.Core.Functions;

/// <summary>One request to invoke a function.</summary>
/// <param name="FunctionName">A name, a partial ARN (<c>123456789012:function:name</c>) or a full ARN, optionally with <c>:qualifier</c>.</param>
/// <param name="Qualifier">A version number, <c>$LATEST</c> or an alias name; overrides none in the name when both agree.</param>
public sealed record FunctionInvocation(
    string FunctionName,
    string? Qualifier,
    InvocationType Type,
    ReadOnlyMemory<byte> Payload,
    AwsRequestContext Caller)
{
    /// <summary>Base64 client context passed to the runtime as <c>Lambda-Runtime-Client-Context</c>.</summary>
    public string? ClientContext { get; init; }

    /// <summary>Return the last 4 KB of the invocation's log (<c>LogType: Tail</c>).</summary>
    public bool TailLog { get; init; }

    /// <summary>X-Ray trace header to propagate to the runtime.</summary>
    public string? TraceId { get; init; }
}
