namespace Nimbus.Gateway.Serving;

/// <summary>An invoke-URL request as the gateway sees it, independent of ASP.NET Core (so events can be built in tests).</summary>
/// <param name="RawPath">The still-encoded path after the stage prefix, starting with <c>/</c>.</param>
/// <param name="RawQuery">The query string without <c>?</c>, still encoded.</param>
/// <param name="Headers">Request headers in arrival order with their original names; repeated names appear repeatedly.</param>
/// <param name="DomainName">The host the request was addressed to, without port.</param>
internal sealed record GatewayRequest(
    string Method,
    string RawPath,
    string RawQuery,
    IReadOnlyList<KeyValuePair<string, string>> Headers,
    ReadOnlyMemory<byte> Body,
    string SourceIp,
    string Protocol,
    string DomainName,
    int Port)
{
    public string? Header(string name)
    {
        string? found = null;
        foreach (var (k, v) in Headers)
        {
            if (string.Equals(k, name, StringComparison.OrdinalIgnoreCase))
            {
                found = found is null ? v : found + "," + v;
            }
        }

        return found;
    }

    /// <summary>The path split into segments (a trailing slash ignored), each percent-decoded when <paramref name="decode"/>.</summary>
    public string[] Segments(bool decode)
    {
        var path = RawPath.Trim('/');
        if (path.Length == 0)
        {
            return [];
        }

        var parts = path.Split('/');
        if (decode)
        {
            for (var i = 0; i < parts.Length; i++)
            {
                parts[i] = Uri.UnescapeDataString(parts[i]);
            }
        }

        return parts;
    }
}
