using System.Buffers;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace Nimbus.Gateway.Serving;

/// <summary>Builds the Lambda proxy events: HTTP API payload 2.0 and 1.0, and the REST API proxy event.</summary>
/// <remarks>
/// Field by field as the events recorded on AWS (tests replay <c>apigw-recorded/cases.json</c>):
/// 2.0 lower-cases header names and joins repeats with ", ", moves <c>Cookie</c> into <c>cookies</c>, joins repeated
/// query values with ","; path parameters and <c>rawPath</c> are decoded, <c>rawQueryString</c> is not. 1.0 keeps
/// header names as sent with the last value in <c>headers</c> and all of them in <c>multiValueHeaders</c>, and the
/// last query value in <c>queryStringParameters</c>. REST leaves path parameters encoded and drops Content-Length.
/// A Lambda function URL sends 2.0 as the Lambda guide's "Request payload format" shows it: repeated headers joined with
/// ",", <c>requestContext.authentication</c>, <c>pathParameters</c> and <c>stageVariables</c> present as null.
/// </remarks>
internal static class ProxyEvents
{
    // Non-ASCII text and '+' as AWS sends them (the default encoder would write \u2615, \u002B); still valid JSON.
    private static readonly JsonWriterOptions Writer = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static byte[] HttpV2(GatewayRequest request, EventContext ctx)
    {
        var buffer = new ArrayBufferWriter<byte>(1024);
        using (var w = new Utf8JsonWriter(buffer, Writer))
        {
            var path = ctx.StagePrefix + Uri.UnescapeDataString(request.RawPath);
            w.WriteStartObject();
            w.WriteString("version", "2.0");
            w.WriteString("routeKey", ctx.RouteKey);
            w.WriteString("rawPath", path);
            w.WriteString("rawQueryString", request.RawQuery);

            var cookies = new List<string>();
            var headers = new List<KeyValuePair<string, string>>();
            foreach (var (k, v) in WithForwarding(request, ctx, lowerCase: true))
            {
                if (k == "cookie")
                {
                    cookies.AddRange(v.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
                }
                else
                {
                    headers.Add(new(k, v));
                }
            }

            if (cookies.Count > 0)
            {
                w.WriteStartArray("cookies");
                cookies.ForEach(w.WriteStringValue);
                w.WriteEndArray();
            }

            w.WriteStartObject("headers");
            foreach (var group in headers.GroupBy(h => h.Key, StringComparer.Ordinal))
            {
                w.WriteString(group.Key, string.Join(ctx.FunctionUrl ? "," : ", ", group.Select(h => h.Value)));
            }

            w.WriteEndObject();
            var query = QueryString.Parse(request.RawQuery);
            if (query.Count > 0)
            {
                w.WriteStartObject("queryStringParameters");
                foreach (var group in query.GroupBy(q => q.Key, StringComparer.Ordinal))
                {
                    w.WriteString(group.Key, string.Join(',', group.Select(q => q.Value)));
                }

                w.WriteEndObject();
            }

            w.WriteStartObject("requestContext");
            w.WriteString("accountId", ctx.AccountId);
            w.WriteString("apiId", ctx.ApiId);
            if (ctx.FunctionUrl)
            {
                w.WriteNull("authentication");
            }

            WriteAuthorizer(w, ctx);
            w.WriteString("domainName", request.DomainName);
            w.WriteString("domainPrefix", ctx.DomainPrefix(request.DomainName));
            w.WriteStartObject("http");
            w.WriteString("method", request.Method);
            w.WriteString("path", path);
            w.WriteString("protocol", request.Protocol);
            w.WriteString("sourceIp", request.SourceIp);
            w.WriteString("userAgent", request.Header("User-Agent") ?? "");
            w.WriteEndObject();
            w.WriteString("requestId", ctx.RequestId);
            w.WriteString("routeKey", ctx.RouteKey);
            w.WriteString("stage", ctx.Stage);
            w.WriteString("time", ctx.RequestTime);
            w.WriteNumber("timeEpoch", ctx.Epoch);
            w.WriteEndObject();

            if (ctx.PathParameters.Count > 0)
            {
                WriteMap(w, "pathParameters", ctx.PathParameters);
            }
            else if (ctx.FunctionUrl)
            {
                w.WriteNull("pathParameters");
            }

            if (ctx.StageVariables.Count > 0)
            {
                WriteMap(w, "stageVariables", ctx.StageVariables);
            }
            else if (ctx.FunctionUrl)
            {
                w.WriteNull("stageVariables");
            }

            var base64 = WriteBody(w, request, !BodyEncoding.IsText(request.Header("Content-Type")), omitEmpty: true);
            w.WriteBoolean("isBase64Encoded", base64);
            w.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>Payload 1.0: for HTTP APIs (<paramref name="rest"/> false) and REST APIs.</summary>
    public static byte[] V1(GatewayRequest request, EventContext ctx, bool rest, IReadOnlyList<string>? binaryMediaTypes = null)
    {
        var buffer = new ArrayBufferWriter<byte>(1024);
        using (var w = new Utf8JsonWriter(buffer, Writer))
        {
            var rawPath = rest ? request.RawPath : ctx.StagePrefix + request.RawPath;
            w.WriteStartObject();
            if (!rest)
            {
                w.WriteString("version", "1.0");
            }

            w.WriteString("resource", rest ? ctx.RouteKey : ResourcePath(ctx.RouteKey));
            w.WriteString("path", rawPath);
            w.WriteString("httpMethod", request.Method);

            var headers = WithForwarding(request, ctx, lowerCase: false)
                .Where(h => !(rest && string.Equals(h.Key, "Content-Length", StringComparison.OrdinalIgnoreCase)))
                .GroupBy(h => h.Key, StringComparer.OrdinalIgnoreCase).ToList();
            w.WriteStartObject("headers");
            foreach (var g in headers)
            {
                w.WriteString(g.Key, g.Last().Value);
            }

            w.WriteEndObject();
            w.WriteStartObject("multiValueHeaders");
            foreach (var g in headers)
            {
                w.WriteStartArray(g.Key);
                foreach (var h in g)
                {
                    w.WriteStringValue(h.Value);
                }

                w.WriteEndArray();
            }

            w.WriteEndObject();

            var query = QueryString.Parse(request.RawQuery).GroupBy(q => q.Key, StringComparer.Ordinal).ToList();
            if (query.Count == 0)
            {
                w.WriteNull("queryStringParameters");
                w.WriteNull("multiValueQueryStringParameters");
            }
            else
            {
                w.WriteStartObject("queryStringParameters");
                query.ForEach(g => w.WriteString(g.Key, g.Last().Value));
                w.WriteEndObject();
                w.WriteStartObject("multiValueQueryStringParameters");
                foreach (var g in query)
                {
                    w.WriteStartArray(g.Key);
                    foreach (var q in g)
                    {
                        w.WriteStringValue(q.Value);
                    }

                    w.WriteEndArray();
                }

                w.WriteEndObject();
            }

            if (ctx.PathParameters.Count > 0)
            {
                WriteMap(w, "pathParameters", ctx.PathParameters);
            }
            else
            {
                w.WriteNull("pathParameters");
            }

            if (ctx.StageVariables.Count > 0)
            {
                WriteMap(w, "stageVariables", ctx.StageVariables);
            }
            else
            {
                w.WriteNull("stageVariables");
            }

            w.WriteStartObject("requestContext");
            w.WriteString("accountId", ctx.AccountId);
            w.WriteString("apiId", ctx.ApiId);
            WriteAuthorizer(w, ctx);
            w.WriteString("domainName", request.DomainName);
            w.WriteString("domainPrefix", ctx.DomainPrefix(request.DomainName));
            w.WriteString("extendedRequestId", ctx.ExtendedRequestId);
            w.WriteString("httpMethod", request.Method);
            w.WriteStartObject("identity");
            var identity = ctx.Authorization?.Identity;
            foreach (var name in (string[])["accessKey", "accountId", "apiKey", "apiKeyId", "caller", "cognitoAmr", "cognitoAuthenticationProvider", "cognitoAuthenticationType", "cognitoIdentityId", "cognitoIdentityPoolId", "principalOrgId"])
            {
                if (identity?.GetValueOrDefault(name) is { } value)
                {
                    w.WriteString(name, value);
                }
                else if (name is not ("apiKey" or "apiKeyId"))
                {
                    w.WriteNull(name);
                }
            }

            w.WriteString("sourceIp", request.SourceIp);
            WriteIdentity(w, identity, "user");
            var agent = request.Header("User-Agent");
            if (agent is null && rest)
            {
                w.WriteNull("userAgent");
            }
            else
            {
                w.WriteString("userAgent", agent ?? "");
            }

            WriteIdentity(w, identity, "userArn");
            w.WriteEndObject();
            w.WriteString("path", rest ? "/" + ctx.Stage + request.RawPath : ctx.StagePrefix + Uri.UnescapeDataString(request.RawPath));
            w.WriteString("protocol", request.Protocol);
            w.WriteString("requestId", ctx.RequestId);
            w.WriteString("requestTime", ctx.RequestTime);
            w.WriteNumber("requestTimeEpoch", ctx.Epoch);
            w.WriteString("resourceId", ctx.ResourceId);
            w.WriteString("resourcePath", rest ? ctx.RouteKey : ResourcePath(ctx.RouteKey));
            w.WriteString("stage", ctx.Stage);
            w.WriteEndObject();

            var binary = rest
                ? BodyEncoding.IsBinaryFor(request.Header("Content-Type"), binaryMediaTypes ?? [])
                : !BodyEncoding.IsText(request.Header("Content-Type"));
            var base64 = WriteBody(w, request, binary, omitEmpty: false);
            w.WriteBoolean("isBase64Encoded", base64);
            w.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>The path part of an HTTP API route key (<c>GET /a/{b}</c> → <c>/a/{b}</c>; <c>$default</c> stays).</summary>
    private static string ResourcePath(string routeKey)
    {
        var space = routeKey.IndexOf(' ', StringComparison.Ordinal);
        return space < 0 ? routeKey : routeKey[(space + 1)..];
    }

    /// <summary>The request's headers plus the ones API Gateway adds (trace id, X-Forwarded-*).</summary>
    private static IEnumerable<KeyValuePair<string, string>> WithForwarding(GatewayRequest request, EventContext ctx, bool lowerCase)
    {
        string Name(string n) => lowerCase ? n.ToLowerInvariant() : n;
        var forwardedFor = request.Header("X-Forwarded-For");
        foreach (var (k, v) in request.Headers)
        {
            if (k.Equals("X-Forwarded-For", StringComparison.OrdinalIgnoreCase) || k.Equals("X-Forwarded-Port", StringComparison.OrdinalIgnoreCase)
                || k.Equals("X-Forwarded-Proto", StringComparison.OrdinalIgnoreCase) || k.Equals("X-Amzn-Trace-Id", StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            yield return new(Name(k), v);
        }

        yield return new(Name("X-Amzn-Trace-Id"), request.Header("X-Amzn-Trace-Id") ?? ctx.TraceId);
        yield return new(Name("X-Forwarded-For"), forwardedFor is null ? request.SourceIp : $"{forwardedFor}, {request.SourceIp}");
        yield return new(Name("X-Forwarded-Port"), request.Port.ToString(System.Globalization.CultureInfo.InvariantCulture));
        yield return new(Name("X-Forwarded-Proto"), "http");
    }

    private static bool WriteBody(Utf8JsonWriter w, GatewayRequest request, bool binary, bool omitEmpty)
    {
        if (request.Body.IsEmpty)
        {
            if (!omitEmpty)
            {
                w.WriteNull("body");
            }

            return false;
        }

        if (binary)
        {
            w.WriteBase64String("body", request.Body.Span);
            return true;
        }

        w.WriteString("body", Encoding.UTF8.GetString(request.Body.Span));
        return false;
    }

    /// <summary><c>requestContext.authorizer</c> when an authorizer ran (Protection/RequestAuthorization).</summary>
    private static void WriteAuthorizer(Utf8JsonWriter w, EventContext ctx)
    {
        if (ctx.Authorization?.Authorizer is { } authorizer)
        {
            w.WritePropertyName("authorizer");
            authorizer.WriteTo(w);
        }
    }

    private static void WriteIdentity(Utf8JsonWriter w, IReadOnlyDictionary<string, string>? identity, string name)
    {
        if (identity?.GetValueOrDefault(name) is { } value)
        {
            w.WriteString(name, value);
        }
        else
        {
            w.WriteNull(name);
        }
    }

    private static void WriteMap(Utf8JsonWriter w, string name, IReadOnlyDictionary<string, string> map)
    {
        w.WriteStartObject(name);
        foreach (var (k, v) in map)
        {
            w.WriteString(k, v);
        }

        w.WriteEndObject();
    }
}
