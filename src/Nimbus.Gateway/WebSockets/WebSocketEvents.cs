using System.Buffers;
using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using Nimbus.Gateway.Serving;

namespace Nimbus.Gateway.WebSockets;

/// <summary>The Lambda proxy events of a WebSocket API: CONNECT, MESSAGE and DISCONNECT.</summary>
/// <remarks>
/// Member by member as recorded on AWS (aws-lambda-go testdata <c>apigw-websocket-request-send-message.json</c> and
/// <c>…-disconnect.json</c>, recorded January 2024; the CONNECT shape from the same era's recordings):
/// <list type="bullet">
/// <item>CONNECT: <c>headers</c> (last value) and <c>multiValueHeaders</c> of the upgrade request without
/// <c>Connection</c>/<c>Upgrade</c>, with <c>X-Amzn-Trace-Id</c> and <c>X-Forwarded-For/Port/Proto</c> added;
/// <c>queryStringParameters</c>/<c>multiValueQueryStringParameters</c> when there is a query;
/// <c>isBase64Encoded: false</c>, no body.</item>
/// <item>MESSAGE: no headers; <c>requestContext.messageId</c>; <c>body</c> as received.</item>
/// <item>DISCONNECT: API Gateway's fixed header set (<c>Host</c>, <c>x-api-key</c>, <c>X-Forwarded-For</c>,
/// <c>x-restapi</c>, the last three empty); <c>disconnectStatusCode</c> and <c>disconnectReason</c>.</item>
/// </list>
/// <c>requestContext</c> member order follows the recordings; <c>requestId</c> equals <c>extendedRequestId</c>.
/// </remarks>
internal static class WebSocketEvents
{
    private static readonly JsonWriterOptions Writer = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static byte[] Connect(WebSocketSession session, GatewayRequest request, WebSocketEventIds ids)
    {
        var buffer = new ArrayBufferWriter<byte>(1024);
        using (var w = new Utf8JsonWriter(buffer, Writer))
        {
            w.WriteStartObject();
            var headers = ConnectHeaders(request, ids.TraceId).GroupBy(h => h.Key, StringComparer.OrdinalIgnoreCase).ToList();
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
            if (query.Count > 0)
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

            WriteContext(w, session, WebSocketRouteTable.Connect, "CONNECT", ids, disconnect: null);
            WriteStageVariables(w, session);
            w.WriteBoolean("isBase64Encoded", false);
            w.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }

    public static byte[] Message(WebSocketSession session, string routeKey, string body, WebSocketEventIds ids)
    {
        var buffer = new ArrayBufferWriter<byte>(256 + body.Length);
        using (var w = new Utf8JsonWriter(buffer, Writer))
        {
            w.WriteStartObject();
            WriteContext(w, session, routeKey, "MESSAGE", ids, disconnect: null);
            WriteStageVariables(w, session);
            w.WriteString("body", body);
            w.WriteBoolean("isBase64Encoded", false);
            w.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }

    public static byte[] Disconnect(WebSocketSession session, int statusCode, string reason, WebSocketEventIds ids)
    {
        var buffer = new ArrayBufferWriter<byte>(1024);
        using (var w = new Utf8JsonWriter(buffer, Writer))
        {
            w.WriteStartObject();
            string[] names = ["Host", "x-api-key", "X-Forwarded-For", "x-restapi"];
            w.WriteStartObject("headers");
            foreach (var name in names)
            {
                w.WriteString(name, name == "Host" ? session.DomainName : "");
            }

            w.WriteEndObject();
            w.WriteStartObject("multiValueHeaders");
            foreach (var name in names)
            {
                w.WriteStartArray(name);
                w.WriteStringValue(name == "Host" ? session.DomainName : "");
                w.WriteEndArray();
            }

            w.WriteEndObject();
            WriteContext(w, session, WebSocketRouteTable.Disconnect, "DISCONNECT", ids, (statusCode, reason));
            WriteStageVariables(w, session);
            w.WriteBoolean("isBase64Encoded", false);
            w.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>API Gateway's <c>requestTime</c> format, for example <c>20/Jan/2024:11:55:00 +0000</c>.</summary>
    public static string RequestTime(DateTimeOffset time) =>
        time.UtcDateTime.ToString("dd/MMM/yyyy:HH:mm:ss '+0000'", CultureInfo.InvariantCulture);

    private static void WriteContext(Utf8JsonWriter w, WebSocketSession session, string routeKey, string eventType, WebSocketEventIds ids, (int Code, string Reason)? disconnect)
    {
        w.WriteStartObject("requestContext");
        w.WriteString("routeKey", routeKey);
        if (ids.MessageId is not null)
        {
            w.WriteString("messageId", ids.MessageId);
        }

        if (disconnect is { } d)
        {
            w.WriteNumber("disconnectStatusCode", d.Code);
        }

        w.WriteString("eventType", eventType);
        w.WriteString("extendedRequestId", ids.RequestId);
        w.WriteString("requestTime", RequestTime(ids.Time));
        w.WriteString("messageDirection", "IN");
        if (disconnect is { } r)
        {
            w.WriteString("disconnectReason", r.Reason);
        }

        w.WriteString("stage", session.Stage);
        w.WriteNumber("connectedAt", session.ConnectedAt.ToUnixTimeMilliseconds());
        w.WriteNumber("requestTimeEpoch", ids.Time.ToUnixTimeMilliseconds());
        w.WriteStartObject("identity");
        if (session.UserAgent is null)
        {
            w.WriteNull("userAgent");
        }
        else
        {
            w.WriteString("userAgent", session.UserAgent);
        }

        w.WriteString("sourceIp", session.SourceIp);
        w.WriteEndObject();
        w.WriteString("requestId", ids.RequestId);
        w.WriteString("domainName", session.DomainName);
        w.WriteString("connectionId", session.ConnectionId);
        w.WriteString("apiId", session.ApiId);
        w.WriteEndObject();
    }

    private static void WriteStageVariables(Utf8JsonWriter w, WebSocketSession session)
    {
        if (session.StageVariables.Count == 0)
        {
            return;
        }

        w.WriteStartObject("stageVariables");
        foreach (var (k, v) in session.StageVariables)
        {
            w.WriteString(k, v);
        }

        w.WriteEndObject();
    }

    /// <summary>The upgrade request's headers as API Gateway forwards them (hop-by-hop ones dropped, forwarding ones added).</summary>
    private static IEnumerable<KeyValuePair<string, string>> ConnectHeaders(GatewayRequest request, string traceId)
    {
        var forwardedFor = request.Header("X-Forwarded-For");
        foreach (var (k, v) in request.Headers)
        {
            if (k.Equals("Connection", StringComparison.OrdinalIgnoreCase) || k.Equals("Upgrade", StringComparison.OrdinalIgnoreCase)
                || k.Equals("X-Forwarded-For", StringComparison.OrdinalIgnoreCase) || k.Equals("X-Forwarded-Port", StringComparison.OrdinalIgnoreCase)
                || k.Equals("X-Forwarded-Proto", StringComparison.OrdinalIgnoreCase) || k.Equals("X-Amzn-Trace-Id", StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            yield return new(k, v);
        }

        yield return new("X-Amzn-Trace-Id", request.Header("X-Amzn-Trace-Id") ?? traceId);
        yield return new("X-Forwarded-For", forwardedFor is null ? request.SourceIp : $"{forwardedFor}, {request.SourceIp}");
        yield return new("X-Forwarded-Port", request.Port.ToString(CultureInfo.InvariantCulture));
        yield return new("X-Forwarded-Proto", "http");
    }
}

/// <summary>The ids and time of one WebSocket event (<c>requestId</c> = <c>extendedRequestId</c>; <c>messageId</c> for MESSAGE).</summary>
internal sealed record WebSocketEventIds(string RequestId, string? MessageId, string TraceId, DateTimeOffset Time);
