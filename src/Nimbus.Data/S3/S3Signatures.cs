using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Nimbus.Core.Errors;
using Nimbus.Core.Identity;

namespace Nimbus.Data.S3;

/// <summary>Verifies SigV4 query-string (presigned URL) signatures. Every access key's secret is <c>test</c>, as LocalStack's.</summary>
internal sealed class S3Signatures(TimeProvider time)
{
    public const string Secret = SigV4.Secret;

    public void VerifyPresigned(S3Request r)
    {
        if (r.Q("X-Amz-Algorithm") != "AWS4-HMAC-SHA256")
        {
            throw new AwsServiceException("AuthorizationQueryParametersError", "X-Amz-Algorithm only supports \"AWS4-HMAC-SHA256\"", 400);
        }

        var credential = r.Q("X-Amz-Credential") ?? "";
        var amzDate = r.Q("X-Amz-Date") ?? "";
        var signedHeaders = r.Q("X-Amz-SignedHeaders") ?? "";
        var signature = r.Q("X-Amz-Signature") ?? "";
        var parts = credential.Split('/');
        if (parts.Length != 5 || !DateTime.TryParseExact(amzDate, "yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var signedAt))
        {
            throw new AwsServiceException("AuthorizationQueryParametersError", "Error parsing the X-Amz-Credential parameter; the Credential is mal-formed; expecting \"<YOUR-AKID>/YYYYMMDD/REGION/SERVICE/aws4_request\".", 400);
        }

        if (!int.TryParse(r.Q("X-Amz-Expires"), CultureInfo.InvariantCulture, out var expires) || expires is < 1 or > 604800)
        {
            throw new AwsServiceException("AuthorizationQueryParametersError", "X-Amz-Expires must be less than a week (in seconds) that is 604800", 400);
        }

        var canonical = new StringBuilder()
            .Append(r.Method).Append('\n')
            .Append(r.RawPath).Append('\n')
            .Append(CanonicalQuery(r.RawQuery)).Append('\n');
        foreach (var name in signedHeaders.Split(';', StringSplitOptions.RemoveEmptyEntries))
        {
            var value = name == "host" ? r.Http.Request.Host.Value : r.H(name);
            canonical.Append(name).Append(':').Append(SigV4.CanonicalHeaderValue(value ?? "")).Append('\n');
        }

        canonical.Append('\n').Append(signedHeaders).Append('\n').Append(r.Q("X-Amz-Content-Sha256") ?? "UNSIGNED-PAYLOAD");
        var scope = string.Join('/', parts[1..]);
        var stringToSign = $"AWS4-HMAC-SHA256\n{amzDate}\n{scope}\n{Hex(SHA256.HashData(Encoding.UTF8.GetBytes(canonical.ToString())))}";
        var expected = SigV4.Sign(parts[1], parts[2], parts[3], parts[4], stringToSign);
        if (!SigV4.Matches(expected, signature))
        {
            throw new AwsServiceException(new AwsError("SignatureDoesNotMatch", "The request signature we calculated does not match the signature you provided. Check your key and signing method.", 403)
            {
                Fields = new Dictionary<string, string> { ["AWSAccessKeyId"] = parts[0], ["StringToSign"] = stringToSign, ["SignatureProvided"] = signature, ["CanonicalRequest"] = canonical.ToString() },
            });
        }

        var now = time.GetUtcNow().UtcDateTime;
        if (now > signedAt.AddSeconds(expires))
        {
            throw new AwsServiceException(new AwsError("AccessDenied", "Request has expired", 403)
            {
                Fields = new Dictionary<string, string>
                {
                    ["X-Amz-Expires"] = expires.ToString(CultureInfo.InvariantCulture),
                    ["Expires"] = signedAt.AddSeconds(expires).ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture),
                    ["ServerTime"] = now.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture),
                },
            });
        }
    }

    /// <summary>The canonical query string: every parameter but the signature, decoded, re-encoded per RFC 3986 and sorted.</summary>
    internal static string CanonicalQuery(string rawQuery)
        => SigV4.CanonicalQuery(rawQuery, skip: "X-Amz-Signature");

    private static string Hex(byte[] bytes) => Convert.ToHexStringLower(bytes);
}
