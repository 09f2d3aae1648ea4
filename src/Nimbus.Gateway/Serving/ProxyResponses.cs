using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Nimbus.Gateway.Serving;

/// <summary>Turns a function's result into the HTTP response, per API family and payload version.</summary>
/// <remarks>
/// As recorded on AWS: HTTP APIs answer 500 <c>{"message":"Internal Server Error"}</c> for a missing, zero or
/// non-integer status, default <c>Content-Type</c> to <c>text/plain; charset=utf-8</c> and canonicalise header
/// names (<c>myheader</c> → <c>Myheader</c>); payload 2.0 also accepts any JSON value without <c>statusCode</c>
/// ("simplified response": 200, <c>application/json</c>, the value as body). Payload 1.0 merges <c>headers</c> then
/// <c>multiValueHeaders</c>. REST APIs answer 502 for a malformed response, default to <c>application/json</c>,
/// keep header names as given and merge <c>multiValueHeaders</c> before <c>headers</c>.
/// </remarks>
internal static class ProxyResponses
{
    public static GatewayResponse HttpV2(ReadOnlySpan<byte> payload) => TryHttpV2(payload) ?? GatewayResponse.HttpInternalError();

    /// <summary>Payload 2.0's response (HTTP APIs and Lambda function URLs), or null when it is malformed.</summary>
    public static GatewayResponse? TryHttpV2(ReadOnlySpan<byte> payload)
    {
        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(payload.ToArray());
        }
        catch (JsonException)
        {
            return null;
        }

        using (doc)
        {
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("statusCode", out _))
            {
                var body = root.ValueKind == JsonValueKind.String ? root.GetString()! : root.GetRawText();
                return new GatewayResponse(200, [new("Content-Type", "application/json")], Encoding.UTF8.GetBytes(body));
            }

            return Structured(root, rest: false, multiValue: false);
        }
    }

    public static GatewayResponse HttpV1(ReadOnlySpan<byte> payload) =>
        Parse(payload, rest: false) ?? GatewayResponse.HttpInternalError();

    public static GatewayResponse Rest(ReadOnlySpan<byte> payload) =>
        Parse(payload, rest: true) ?? GatewayResponse.RestBadGateway();

    private static GatewayResponse? Parse(ReadOnlySpan<byte> payload, bool rest)
    {
        try
        {
            using var doc = JsonDocument.Parse(payload.ToArray());
            return doc.RootElement.ValueKind == JsonValueKind.Object ? Structured(doc.RootElement, rest, multiValue: true) : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static GatewayResponse? Structured(JsonElement root, bool rest, bool multiValue)
    {
        if (!root.TryGetProperty("statusCode", out var code) || !TryStatus(code, out var status))
        {
            return null;
        }

        var headers = new List<KeyValuePair<string, string>>();
        void Add(string name, string value) => headers.Add(new(rest ? name : Canonical(name), value));

        var single = root.TryGetProperty("headers", out var h) && h.ValueKind == JsonValueKind.Object ? h : default;
        var multi = multiValue && root.TryGetProperty("multiValueHeaders", out var m) && m.ValueKind == JsonValueKind.Object ? m : default;
        if (rest)
        {
            AddMulti(multi, Add);
            AddSingle(single, Add);
        }
        else
        {
            AddSingle(single, Add);
            AddMulti(multi, Add);
        }

        if (!rest && root.TryGetProperty("cookies", out var cookies) && cookies.ValueKind == JsonValueKind.Array)
        {
            foreach (var c in cookies.EnumerateArray())
            {
                headers.Add(new("Set-Cookie", Scalar(c)));
            }
        }

        if (!headers.Any(x => string.Equals(x.Key, "Content-Type", StringComparison.OrdinalIgnoreCase)))
        {
            headers.Add(new("Content-Type", rest ? "application/json" : "text/plain; charset=utf-8"));
        }

        byte[] body = [];
        if (root.TryGetProperty("body", out var b) && b.ValueKind != JsonValueKind.Null)
        {
            if (b.ValueKind != JsonValueKind.String)
            {
                if (rest)
                {
                    return null;
                }

                body = Encoding.UTF8.GetBytes(b.GetRawText());
            }
            else
            {
                var text = b.GetString()!;
                var base64 = root.TryGetProperty("isBase64Encoded", out var e) && e.ValueKind == JsonValueKind.True;
                try
                {
                    body = base64 ? Convert.FromBase64String(text) : Encoding.UTF8.GetBytes(text);
                }
                catch (FormatException)
                {
                    return null;
                }
            }
        }

        return new GatewayResponse(status, headers, body);
    }

    private static void AddSingle(JsonElement single, Action<string, string> add)
    {
        if (single.ValueKind != JsonValueKind.Object)
        {
            return;
        }

        foreach (var p in single.EnumerateObject())
        {
            add(p.Name, Scalar(p.Value));
        }
    }

    private static void AddMulti(JsonElement multi, Action<string, string> add)
    {
        if (multi.ValueKind != JsonValueKind.Object)
        {
            return;
        }

        foreach (var p in multi.EnumerateObject())
        {
            if (p.Value.ValueKind == JsonValueKind.Array)
            {
                foreach (var v in p.Value.EnumerateArray())
                {
                    add(p.Name, Scalar(v));
                }
            }
        }
    }

    private static bool TryStatus(JsonElement code, out int status)
    {
        status = 0;
        var ok = code.ValueKind switch
        {
            JsonValueKind.Number => code.TryGetInt32(out status),
            JsonValueKind.String => int.TryParse(code.GetString(), NumberStyles.None, CultureInfo.InvariantCulture, out status),
            _ => false,
        };
        return ok && status is >= 100 and <= 599;
    }

    private static string Scalar(JsonElement v) => v.ValueKind == JsonValueKind.String ? v.GetString()! : v.GetRawText();

    /// <summary>Go-style canonical header name: first letter and each letter after '-' upper-case, the rest lower.</summary>
    public static string Canonical(string name)
    {
        var chars = name.ToCharArray();
        var upper = true;
        for (var i = 0; i < chars.Length; i++)
        {
            chars[i] = upper ? char.ToUpperInvariant(chars[i]) : char.ToLowerInvariant(chars[i]);
            upper = chars[i] == '-';
        }

        return new string(chars);
    }
}
