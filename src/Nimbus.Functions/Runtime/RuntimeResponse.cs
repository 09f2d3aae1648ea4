using System.Text;

namespace Nimbus.Functions.Runtime;

/// <summary>The Runtime API's answer to one request.</summary>
internal sealed record RuntimeResponse(int Status, ReadOnlyMemory<byte> Body, IReadOnlyList<KeyValuePair<string, string>>? Headers = null)
{
    /// <summary>Runs once the response has been written: the invocation completes after the runtime has its 202, so the
    /// caller's continuation can run inline on this connection's task without delaying the runtime.</summary>
    public Action? AfterSend { get; init; }

    public static readonly RuntimeResponse Accepted = Json(202, """{"status":"OK"}""");

    public static RuntimeResponse Json(int status, string json) => new(status, Encoding.UTF8.GetBytes(json));

    public static RuntimeResponse Error(int status, string type, string message) =>
        Json(status, $$"""{"errorMessage":"{{message}}","errorType":"{{type}}"}""");
}
