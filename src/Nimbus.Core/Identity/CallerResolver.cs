using Microsoft.AspNetCore.Http;

namespace Nimbus.Core.Identity;

/// <summary>Derives account and region from a request's SigV4 credentials (signatures are not verified).</summary>
/// <remarks>
/// An access key id of exactly 12 digits names the account (LocalStack's convention); any other key maps to
/// <see cref="AwsRequestContext.DefaultAccountId"/>. The region is the credential scope's region, else the default.
/// Credentials are read from the <c>Authorization</c> header or, for presigned requests, <c>X-Amz-Credential</c>.
/// </remarks>
public static class CallerResolver
{
    private const string ContextKey = "nimbus.caller";

    public static AwsRequestContext Resolve(HttpContext http)
    {
        if (http.Items.TryGetValue(ContextKey, out var cached) && cached is AwsRequestContext ctx)
        {
            return ctx;
        }

        var credential = CredentialOf(http.Request);
        var (account, region) = Parse(credential);
        ctx = new AwsRequestContext(account, region, RequestIds.New());
        http.Items[ContextKey] = ctx;
        return ctx;
    }

    /// <summary>Parses a SigV4 credential (<c>AKID/date/region/service/aws4_request</c>).</summary>
    public static (string Account, string Region) Parse(string? credential)
    {
        if (string.IsNullOrEmpty(credential))
        {
            return (AwsRequestContext.DefaultAccountId, AwsRequestContext.DefaultRegion);
        }

        var parts = credential.Split('/');
        var key = parts[0];
        var account = key.Length == 12 && key.All(char.IsAsciiDigit) ? key : AwsRequestContext.DefaultAccountId;
        var region = parts.Length >= 3 && parts[2].Length > 0 ? parts[2] : AwsRequestContext.DefaultRegion;
        return (account, region);
    }

    /// <summary>The service name in the credential scope, if the request is signed.</summary>
    public static string? SigningService(HttpRequest request)
    {
        var parts = CredentialOf(request)?.Split('/');
        return parts is { Length: >= 4 } ? parts[3] : null;
    }

    private static string? CredentialOf(HttpRequest request)
    {
        var auth = request.Headers.Authorization.ToString();
        var at = auth.IndexOf("Credential=", StringComparison.Ordinal);
        if (at >= 0)
        {
            var start = at + "Credential=".Length;
            var end = auth.IndexOfAny([',', ' '], start);
            return end < 0 ? auth[start..] : auth[start..end];
        }

        var query = request.Query["X-Amz-Credential"].ToString();
        return query.Length > 0 ? query : null;
    }
}
