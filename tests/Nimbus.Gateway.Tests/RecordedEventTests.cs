using System.Collections.Frozen;
using System.Text;
using System.Text.Json.Nodes;
using Nimbus.Gateway.Routing;
using Nimbus.Gateway.Serving;
using Xunit.Abstractions;

namespace Nimbus.Gateway.Tests;

/// <summary>Replays the requests recorded on real API Gateway and compares our Lambda event with the recorded one, field by field.</summary>
/// <remarks>
/// Ignored, because they must differ: request ids and times, the trace id, and the connection facts of the recording
/// (client IP, port 443 and https, the AWS host name), which the harness feeds in as the recording's placeholders so
/// they compare equal where they are copied. Fields our event has that the .NET class dropped are not compared.
/// </remarks>
public sealed class RecordedEventTests(ITestOutputHelper output)
{
    private const string Domain = "EXAMPLE.execute-api.REGION.amazonaws.com";

    private static readonly HashSet<string> IgnoredFields = new(StringComparer.OrdinalIgnoreCase)
    {
        "requestContext.requestId", "requestContext.extendedRequestId", "requestContext.time", "requestContext.timeEpoch",
        "requestContext.requestTime", "requestContext.requestTimeEpoch",
        "headers.x-amzn-trace-id", "multiValueHeaders.x-amzn-trace-id", "headers.x-forwarded-proto", "multiValueHeaders.x-forwarded-proto",

        // Not a difference: the .NET class's WebSocket-only int defaults to 0; a real REST/HTTP event has no such field (README).
        "requestContext.connectedAt",
    };

    public static IEnumerable<object[]> Cases => RecordedCase.Of("request-to-event");

    [Theory]
    [MemberData(nameof(Cases))]
    public void Event_MatchesRecording(string name)
    {
        var mismatches = Compare(RecordedCase.Named(name), out var compared);
        Assert.True(mismatches.Count == 0, $"{name}: {mismatches.Count}/{compared} fields differ:\n" + string.Join('\n', mismatches));
    }

    [Fact]
    public void AllRecordedEvents_PassRate()
    {
        var cases = RecordedCase.All().Where(c => c.Kind == "request-to-event").ToList();
        int passed = 0, fields = 0, fieldsOk = 0;
        foreach (var c in cases)
        {
            var m = Compare(c, out var n);
            fields += n;
            fieldsOk += n - m.Count;
            passed += m.Count == 0 ? 1 : 0;
            output.WriteLine($"{(m.Count == 0 ? "PASS" : "FAIL")} {c.Name} ({n - m.Count}/{n} fields)");
        }

        output.WriteLine($"events: {passed}/{cases.Count} cases, {fieldsOk}/{fields} fields");
        Assert.Equal(15, cases.Count);
        Assert.Equal(cases.Count, passed);
    }

    private static List<string> Compare(RecordedCase c, out int compared)
    {
        var ours = Build(c);
        var expected = CamelCase(c.Snapshot)!.AsObject();
        var mismatches = new List<string>();
        var count = 0;
        Walk(expected, ours, "", mismatches, ref count, headerMap: false);
        compared = count;
        return mismatches;
    }

    /// <summary>Builds our event for the case's client request, on a deployment with the case's one route.</summary>
    internal static JsonObject Build(RecordedCase c)
    {
        var client = c.Entry["clientRequest"]!.AsObject();
        var method = client["method"]!.GetValue<string>();
        var path = client["path"]!.GetValue<string>();
        var query = client["query"]?.GetValue<string>() ?? client["queryString"]?.GetValue<string>() ?? "";
        var body = client["bodyBase64"] is JsonValue b ? Convert.FromBase64String(b.GetValue<string>()) : [];

        // The client's own headers, then what its HTTP stack added (as the recorded event shows them).
        var headers = new List<KeyValuePair<string, string>>();
        foreach (var (k, v) in client["headers"] as JsonObject ?? [])
        {
            if (v is JsonArray many)
            {
                headers.AddRange(many.Select(x => new KeyValuePair<string, string>(k, x!.GetValue<string>())));
            }
            else
            {
                headers.Add(new(k, v!.GetValue<string>()));
            }
        }

        var recordedHeaders = c.Snapshot["Headers"] as JsonObject ?? [];
        if (!headers.Any(h => h.Key.Equals("Content-Type", StringComparison.OrdinalIgnoreCase))
            && recordedHeaders.FirstOrDefault(h => h.Key.Equals("content-type", StringComparison.OrdinalIgnoreCase)).Value is JsonValue ct)
        {
            headers.Add(new("Content-Type", ct.GetValue<string>()));
        }

        headers.Add(new("Content-Length", body.Length.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        headers.Add(new("Host", Domain));

        var request = new GatewayRequest(method, path, query.TrimStart('?'), headers, body, "IP_ADDRESS", "HTTP/1.1", Domain, 443);
        var template = c.Entry["routeTemplate"]!.GetValue<string>();
        var routeMethod = c.Entry["routeMethod"]!.GetValue<string>();
        var parameters = new Dictionary<string, string>(StringComparer.Ordinal);
        var empty = FrozenDictionary<string, string>.Empty;
        byte[] payload;
        if (c.ApiType == "Rest")
        {
            var tree = new RestResourceTree([new RestResource("RESOURCE_ID", template, PathTemplate.Parse(template, out _)!, new Dictionary<string, RestMethod> { [routeMethod] = new(routeMethod, null) })]);
            var match = tree.Match(method, request.Segments(decode: false), parameters);
            Assert.NotNull(match);
            var ctx = Context("test", "/test", template, "RESOURCE_ID", parameters);
            payload = ProxyEvents.V1(request, ctx, rest: true, ["*/*"]);
        }
        else
        {
            var key = $"{routeMethod} {template}";
            var parsed = HttpRoute.ParseKey(key, out _)!.Value;
            var table = new HttpRouteTable([new HttpRoute("r1", key, parsed.Method, parsed.Path, null)]);
            var route = table.Match(method, request.Segments(decode: true), parameters);
            Assert.NotNull(route);
            var ctx = Context("$default", "", route.RouteKey, route.RouteKey, parameters);
            payload = c.ApiType == "HttpV1" ? ProxyEvents.V1(request, ctx, rest: false) : ProxyEvents.HttpV2(request, ctx);
        }

        return JsonNode.Parse(Encoding.UTF8.GetString(payload))!.AsObject();
    }

    private static EventContext Context(string stage, string prefix, string routeKey, string resourceId, Dictionary<string, string> parameters) =>
        new("ACCOUNT_ID", "EXAMPLE", stage, prefix, routeKey, resourceId, parameters, FrozenDictionary<string, string>.Empty,
            "req", "ext", "Root=1-00000000-000000000000000000000000", DateTimeOffset.UnixEpoch);

    private static void Walk(JsonNode? expected, JsonNode? actual, string path, List<string> mismatches, ref int count, bool headerMap)
    {
        if (IgnoredFields.Contains(path))
        {
            return;
        }

        switch (expected)
        {
            case null:
                // The .NET class's nulls (WebSocket fields, absent maps) match a missing or null field.
                if (actual is not null && path.Count(ch => ch == '.') > 0 && actual.GetValueKind() != System.Text.Json.JsonValueKind.Null)
                {
                    // A recorded null for a field we send (e.g. identity.userAgent) is a real difference.
                    mismatches.Add($"{path}: expected null, got {actual.ToJsonString()}");
                }

                count++;
                return;
            case JsonObject eo:
                if (actual is not JsonObject ao)
                {
                    mismatches.Add($"{path}: expected an object, got {actual?.ToJsonString() ?? "nothing"}");
                    count++;
                    return;
                }

                var isMap = path is "headers" or "multiValueHeaders";
                foreach (var (k, v) in eo)
                {
                    var child = path.Length == 0 ? k : $"{path}.{k}";
                    if (IgnoredFields.Contains(child))
                    {
                        continue;
                    }

                    JsonNode? a;
                    if (isMap)
                    {
                        // Header names: exact for 1.0; the v2 recording's "Host"/"X-Forwarded-For" capitals are sanitising artefacts.
                        a = ao.FirstOrDefault(x => string.Equals(x.Key, k, StringComparison.OrdinalIgnoreCase)).Value;
                        var exact = ao.ContainsKey(k);
                        if (a is not null && !exact && !(k is "Host" or "X-Forwarded-For"))
                        {
                            mismatches.Add($"{child}: header name case differs");
                        }
                    }
                    else if (!ao.TryGetPropertyValue(k, out a) && v is not null)
                    {
                        mismatches.Add($"{child}: missing (expected {v.ToJsonString()})");
                        count++;
                        continue;
                    }

                    if (v is null && !ao.ContainsKey(k))
                    {
                        count++;
                        continue;
                    }

                    Walk(v, a, child, mismatches, ref count, isMap);
                }

                return;
            default:
                count++;
                if (actual is null || !JsonNode.DeepEquals(expected, actual))
                {
                    mismatches.Add($"{path}: expected {expected.ToJsonString()}, got {actual?.ToJsonString() ?? "nothing"}");
                }

                return;
        }
    }

    /// <summary>The snapshots are PascalCase re-serialisations; Lambda received camelCase (first letter lowered). Map keys stay.</summary>
    private static JsonNode? CamelCase(JsonNode? node, bool keepKeys = false) => node switch
    {
        JsonObject o => new JsonObject(o.Select(kv =>
        {
            var key = keepKeys ? kv.Key : char.ToLowerInvariant(kv.Key[0]) + kv.Key[1..];
            var mapChild = !keepKeys && kv.Key is "Headers" or "MultiValueHeaders" or "QueryStringParameters" or "MultiValueQueryStringParameters" or "PathParameters" or "StageVariables";
            return new KeyValuePair<string, JsonNode?>(key, CamelCase(kv.Value, mapChild));
        })),
        JsonArray a => new JsonArray([.. a.Select(x => CamelCase(x))]),
        _ => node?.DeepClone(),
    };
}
