using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Nimbus.Core.Identity;
using Nimbus.Gateway.Serving;

namespace Nimbus.Gateway.Protection;

/// <summary>Verifies the SigV4 signature of a request to an <c>AWS_IAM</c> method or route.</summary>
/// <remarks>
/// The canonical request is rebuilt from the request as it arrived (method, the path as the client addressed it,
/// sorted query, the signed headers, the payload hash) and signed with the credential's scope. Nimbus accepts every
/// access key with the secret <c>test</c> (as its S3 presigned URLs and LocalStack do); the account is the key when it is
/// twelve digits, else the default account (see <see cref="CallerResolver"/>). The credential must be scoped to
/// <c>execute-api</c> (<c>lambda</c> for function URLs), and <c>X-Amz-Date</c> within 15 minutes of now.
/// </remarks>
internal static class SigV4Verifier
{
    public const string Secret = SigV4.Secret;

    /// <summary>The verified caller, or the 403 message API Gateway gives.</summary>
    internal sealed record Outcome(string? Error, bool Missing, string AccessKey, string AccountId);

    public static Outcome Verify(GatewayRequest request, string addressedPath, DateTimeOffset now, string service = "execute-api")
    {
        var auth = request.Header("Authorization") ?? "";
        if (!auth.StartsWith("AWS4-HMAC-SHA256 ", StringComparison.Ordinal))
        {
            return new Outcome("Missing Authentication Token", true, "", "");
        }

        var fields = auth["AWS4-HMAC-SHA256 ".Length..].Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
            .Select(f => f.Split('=', 2)).Where(f => f.Length == 2).ToDictionary(f => f[0], f => f[1], StringComparer.Ordinal);
        if (!fields.TryGetValue("Credential", out var credential) || !fields.TryGetValue("SignedHeaders", out var signedHeaders) || !fields.TryGetValue("Signature", out var signature))
        {
            return new Outcome("Authorization header requires 'Credential', 'SignedHeaders' and 'Signature' parameters.", false, "", "");
        }

        var scope = credential.Split('/');
        if (scope.Length != 5 || scope[4] != "aws4_request")
        {
            return new Outcome($"Credential should be scoped to a valid region. ", false, "", "");
        }

        if (scope[3] != service)
        {
            return new Outcome($"Credential should be scoped to correct service: '{service}'. ", false, scope[0], "");
        }

        var amzDate = request.Header("X-Amz-Date") ?? "";
        if (!DateTime.TryParseExact(amzDate, "yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var signedAt))
        {
            return new Outcome("Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header.", false, scope[0], "");
        }

        if (Math.Abs((now.UtcDateTime - signedAt).TotalMinutes) > 15)
        {
            return new Outcome($"Signature expired: {amzDate} is now earlier than {now.UtcDateTime.AddMinutes(-15):yyyyMMdd'T'HHmmss'Z'} ({now.UtcDateTime:yyyyMMdd'T'HHmmss'Z'} - 5 min.)", false, scope[0], "");
        }

        var canonical = new StringBuilder()
            .Append(request.Method).Append('\n')
            .Append(CanonicalPath(addressedPath)).Append('\n')
            .Append(SigV4.CanonicalQuery(request.RawQuery, plusIsSpace: true)).Append('\n');
        foreach (var name in signedHeaders.Split(';', StringSplitOptions.RemoveEmptyEntries))
        {
            var value = request.Header(name) ?? "";
            canonical.Append(name).Append(':').Append(SigV4.CanonicalHeaderValue(value)).Append('\n');
        }

        var payloadHash = request.Header("X-Amz-Content-Sha256") ?? Convert.ToHexStringLower(SHA256.HashData(request.Body.Span));
        canonical.Append('\n').Append(signedHeaders).Append('\n').Append(payloadHash);
        var canonicalText = canonical.ToString();
        var stringToSign = $"AWS4-HMAC-SHA256\n{amzDate}\n{string.Join('/', scope[1..])}\n{Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(canonicalText)))}";
        var expected = SigV4.Sign(scope[1], scope[2], scope[3], scope[4], stringToSign);
        if (!SigV4.Matches(expected, signature))
        {
            return new Outcome(
                "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.\n\n"
                + $"The Canonical String for this request should have been\n'{canonicalText}'\n\nThe String-to-Sign should have been\n'{stringToSign}'\n",
                false, scope[0], "");
        }

        var (account, _) = CallerResolver.Parse(credential);
        return new Outcome(null, false, scope[0], account);
    }

    /// <summary>SigV4's canonical URI for non-S3 services: each segment of the path as sent, URI-encoded again.</summary>
    private static string CanonicalPath(string rawPath) =>
        string.Join('/', rawPath.Split('/').Select(SigV4.UriEncode));

}
