using System.Security.Cryptography;

namespace Nimbus.Functions.Urls;

/// <summary>Function URL ids and the address a client on this machine calls.</summary>
/// <remarks>AWS's URL is <c>https://{url-id}.lambda-url.{region}.on.aws/</c>. Nimbus serves both
/// <c>http://{url-id}.lambda-url.{region}.localhost:{port}/…</c> (by Host) and <c>http://{host}:{port}/_lambda-url/{url-id}/…</c>;
/// the path form is the one returned as <c>FunctionUrl</c>, since <c>*.localhost</c> names resolve only where the
/// system resolver (or the browser) maps them to loopback.</remarks>
internal static class FunctionUrlAddress
{
    public const string PathPrefix = "/_lambda-url/";

    private const string Alphabet = "abcdefghijklmnopqrstuvwxyz0123456789";

    public static string NewUrlId() => RandomNumberGenerator.GetString(Alphabet, 32);

    public static bool IsUrlId(string s) => s.Length == 32 && s.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c));

    /// <summary>The URL returned by the API: <paramref name="endpoint"/> (<c>http://host:port</c>) with the path form.</summary>
    public static string Url(string endpoint, string urlId) => $"{endpoint.TrimEnd('/')}{PathPrefix}{urlId}/";

    /// <summary>The Host-form domain of a URL, as a Host header names it.</summary>
    public static string Domain(string urlId, string region) => $"{urlId}.lambda-url.{region}.localhost";
}
