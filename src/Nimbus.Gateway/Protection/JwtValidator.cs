using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Nimbus.Gateway.Protection;

/// <summary>Validates JWTs for HTTP API JWT authorizers: signature against the issuer's JWKS, <c>iss</c>, <c>aud</c>
/// (or <c>client_id</c>), <c>exp</c>, <c>nbf</c>.</summary>
/// <remarks>
/// Keys come from <c>{issuer}/.well-known/openid-configuration</c> → <c>jwks_uri</c> (fetched once, cached for an
/// hour, refetched when a token names an unknown <c>kid</c>). For offline use the issuer may also be a
/// <c>file://</c> URL of a JWKS document (or of an OpenID configuration whose <c>jwks_uri</c> is a file/URL); the
/// tokens' <c>iss</c> must then equal that URL. RS256/384/512 and ES256/384/512 are supported.
/// </remarks>
internal sealed class JwtValidator(HttpClient http, TimeProvider time)
{
    private static readonly TimeSpan KeyLifetime = TimeSpan.FromHours(1);
    private readonly ConcurrentDictionary<string, (DateTimeOffset Fetched, JsonArray Keys)> _jwks = new(StringComparer.Ordinal);

    /// <summary>A validated token: its claims as API Gateway passes them (values as strings) and its scopes.</summary>
    internal sealed record Result(string? Error, JsonObject Claims, IReadOnlyList<string> Scopes)
    {
        public bool Valid => Error is null;
    }

    public async Task<Result> ValidateAsync(string token, string issuer, IReadOnlyList<string> audiences, CancellationToken cancellationToken)
    {
        var parts = token.Split('.');
        if (parts.Length != 3)
        {
            return Fail("the token is not a valid JWT");
        }

        JsonObject header, payload;
        try
        {
            header = JsonNode.Parse(Base64Url(parts[0]))!.AsObject();
            payload = JsonNode.Parse(Base64Url(parts[1]))!.AsObject();
        }
        catch (Exception e) when (e is FormatException or JsonException or InvalidOperationException or NullReferenceException)
        {
            return Fail("the token is not a valid JWT");
        }

        var alg = header["alg"]?.GetValue<string>() ?? "";
        var kid = header["kid"]?.GetValue<string>();
        var key = await FindKeyAsync(issuer, kid, cancellationToken);
        if (key is null)
        {
            return Fail("signing key not found");
        }

        if (!Verify(alg, key, Encoding.ASCII.GetBytes(parts[0] + "." + parts[1]), Base64Url(parts[2])))
        {
            return Fail("the token signature is invalid");
        }

        if (payload["iss"]?.GetValue<string>() != issuer)
        {
            return Fail("the token has an invalid issuer");
        }

        var now = time.GetUtcNow().ToUnixTimeSeconds();
        if (NumberClaim(payload["exp"]) is not { } exp || now >= exp)
        {
            return Fail("the token has expired");
        }

        if (NumberClaim(payload["nbf"]) is { } nbf && now < nbf)
        {
            return Fail("the token is not valid yet");
        }

        var tokenAudiences = payload["aud"] switch
        {
            JsonArray a => a.Select(x => x?.ToString()).OfType<string>().ToList(),
            JsonValue v => [v.ToString()],
            _ => payload["client_id"] is JsonValue c ? [c.ToString()] : [],
        };
        if (!tokenAudiences.Any(audiences.Contains))
        {
            return Fail("the token has an invalid audience");
        }

        var scopes = payload["scope"] is JsonValue s ? s.ToString().Split(' ', StringSplitOptions.RemoveEmptyEntries)
            : payload["scp"] is JsonArray scp ? [.. scp.Select(x => x?.ToString()).OfType<string>()]
            : [];
        var claims = new JsonObject();
        foreach (var (name, value) in payload)
        {
            claims[name] = ClaimString(value);
        }

        return new Result(null, claims, scopes);
    }

    private static Result Fail(string error) => new(error, [], []);

    /// <summary>API Gateway passes claims as strings: numbers and booleans printed, arrays as <c>[a b]</c>.</summary>
    private static string ClaimString(JsonNode? value) => value switch
    {
        null => "",
        JsonArray a => "[" + string.Join(' ', a.Select(ClaimString)) + "]",
        JsonValue v when v.TryGetValue<string>(out var s) => s,
        _ => value.ToJsonString(),
    };

    private static long? NumberClaim(JsonNode? node) =>
        ApiProtection.Number(node) is { } d ? (long)d : null;

    private async Task<JsonObject?> FindKeyAsync(string issuer, string? kid, CancellationToken cancellationToken)
    {
        for (var attempt = 0; attempt < 2; attempt++)
        {
            if (!_jwks.TryGetValue(issuer, out var cached) || time.GetUtcNow() - cached.Fetched > KeyLifetime || attempt == 1)
            {
                try
                {
                    cached = (time.GetUtcNow(), await FetchKeysAsync(issuer, cancellationToken));
                    _jwks[issuer] = cached;
                }
                catch (Exception e) when (e is HttpRequestException or JsonException or IOException or InvalidOperationException or UriFormatException or TaskCanceledException)
                {
                    return null;
                }
            }

            var keys = cached.Keys.OfType<JsonObject>().ToList();
            var key = kid is null ? (keys.Count == 1 ? keys[0] : null) : keys.FirstOrDefault(k => k["kid"]?.GetValue<string>() == kid);
            if (key is not null)
            {
                return key;
            }
        }

        return null;
    }

    private async Task<JsonArray> FetchKeysAsync(string issuer, CancellationToken cancellationToken)
    {
        var first = issuer.StartsWith("file://", StringComparison.OrdinalIgnoreCase)
            ? await ReadAsync(issuer, cancellationToken)
            : await ReadAsync(issuer.TrimEnd('/') + "/.well-known/openid-configuration", cancellationToken);
        if (first["keys"] is JsonArray direct)
        {
            return direct;
        }

        var jwksUri = first["jwks_uri"]?.GetValue<string>() ?? throw new InvalidOperationException("no jwks_uri");
        return (await ReadAsync(jwksUri, cancellationToken))["keys"] as JsonArray ?? throw new InvalidOperationException("no keys");
    }

    private async Task<JsonObject> ReadAsync(string url, CancellationToken cancellationToken)
    {
        var text = url.StartsWith("file://", StringComparison.OrdinalIgnoreCase)
            ? await File.ReadAllTextAsync(new Uri(url).LocalPath, cancellationToken)
            : await http.GetStringAsync(new Uri(url), cancellationToken);
        return JsonNode.Parse(text)!.AsObject();
    }

    private static bool Verify(string alg, JsonObject jwk, byte[] data, byte[] signature)
    {
        var hash = alg[^3..] switch
        {
            "256" => HashAlgorithmName.SHA256,
            "384" => HashAlgorithmName.SHA384,
            "512" => HashAlgorithmName.SHA512,
            _ => default,
        };
        if (hash == default)
        {
            return false;
        }

        try
        {
            if (alg.StartsWith("RS", StringComparison.Ordinal) && jwk["kty"]?.GetValue<string>() == "RSA")
            {
                using var rsa = RSA.Create(new RSAParameters { Modulus = Base64Url(jwk["n"]!.GetValue<string>()), Exponent = Base64Url(jwk["e"]!.GetValue<string>()) });
                return rsa.VerifyData(data, signature, hash, RSASignaturePadding.Pkcs1);
            }

            if (alg.StartsWith("ES", StringComparison.Ordinal) && jwk["kty"]?.GetValue<string>() == "EC")
            {
                var curve = jwk["crv"]?.GetValue<string>() switch
                {
                    "P-256" => ECCurve.NamedCurves.nistP256,
                    "P-384" => ECCurve.NamedCurves.nistP384,
                    _ => ECCurve.NamedCurves.nistP521,
                };
                using var ec = ECDsa.Create(new ECParameters
                {
                    Curve = curve,
                    Q = new ECPoint { X = Base64Url(jwk["x"]!.GetValue<string>()), Y = Base64Url(jwk["y"]!.GetValue<string>()) },
                });
                return ec.VerifyData(data, signature, hash);
            }
        }
        catch (CryptographicException)
        {
            return false;
        }

        return false;
    }

    internal static byte[] Base64Url(string s)
    {
        var t = s.Replace('-', '+').Replace('_', '/');
        t = t.PadRight(t.Length + ((4 - (t.Length % 4)) % 4), '=');
        return Convert.FromBase64String(t);
    }

    internal static string ToBase64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
