using System.Security.Cryptography;

namespace Nimbus.Gateway.Management;

/// <summary>Random identifiers in API Gateway's formats (lower-case alphanumerics; request ids as base64).</summary>
internal static class GatewayIds
{
    private const string Alphabet = "abcdefghijklmnopqrstuvwxyz0123456789";

    /// <summary>An API id: ten characters.</summary>
    public static string Api() => Random(10);

    /// <summary>A route, integration, resource or deployment id (API Gateway uses 6–7 characters).</summary>
    public static string Child(int length = 7) => Random(length);

    /// <summary>An <c>extendedRequestId</c>-style id such as <c>JCJgriq-vHcEPMg=</c> (11 random bytes, URL-ish base64).</summary>
    public static string Extended()
    {
        Span<byte> bytes = stackalloc byte[11];
        System.Random.Shared.NextBytes(bytes); // an id, not a secret: no need for OpenSSL's generator on every request
        return Convert.ToBase64String(bytes).Replace('/', '-').Replace('+', '-');
    }

    /// <summary>An X-Ray root trace id: <c>Root=1-{epoch hex}-{24 hex}</c>.</summary>
    public static string TraceId(long epochSeconds)
    {
        Span<byte> bytes = stackalloc byte[12];
        System.Random.Shared.NextBytes(bytes);
        return $"Root=1-{epochSeconds:x8}-{Convert.ToHexStringLower(bytes)}";
    }

    private static string Random(int length) => RandomNumberGenerator.GetString(Alphabet, length);
}
