using System.Diagnostics.Metrics;
using System.Text.Json.Nodes;
using Nimbus.Core.Logs;
using Nimbus.Gateway.Protection;
using Nimbus.Gateway.Serving;
using static Nimbus.Gateway.Tests.ProtectionHarness;

namespace Nimbus.Gateway.Tests;

public sealed class ObservationTests : IDisposable
{
    private readonly ProtectionHarness _h = new();

    public void Dispose() => _h.Dispose();

    private sealed class Sink : ILogSink
    {
        public List<(LogStreamRef Stream, string Message)> Lines { get; } = [];

        public void Append(LogStreamRef stream, long timestampMs, string message)
        {
            lock (Lines)
            {
                Lines.Add((stream, message));
            }
        }
    }

    private InvokeDispatcher WithSink(Sink sink)
    {
        var pipeline = new ProtectionPipeline(new LambdaAuthorizers(_h.Invoker, new AuthorizerCache(TimeProvider.System)), new JwtValidator(new HttpClient(), TimeProvider.System),
            new Throttles(), _h.Plans, new ResponseCache(TimeProvider.System), TimeProvider.System, sink);
        return new InvokeDispatcher(_h.Invoker, new HttpProxyForwarder(new HttpClient()), TimeProvider.System, pipeline);
    }

    [Fact]
    public async Task AccessLog_WritesTheFormattedLine_ToTheDestinationGroup()
    {
        var sink = new Sink();
        var stage = new JsonObject
        {
            ["accessLogSettings"] = new JsonObject
            {
                ["destinationArn"] = "arn:aws:logs:eu-west-1:123456789012:log-group:api-access:*",
                ["format"] = "{\"requestId\":\"$context.requestId\",\"status\":\"$context.status\",\"method\":\"$context.httpMethod\",\"path\":\"$context.resourcePath\",\"key\":\"$context.identity.apiKey\",\"ip\":\"$context.identity.sourceIp\",\"who\":\"$context.authorizer.principalId\"}",
            },
        };
        var api = RestApi(new JsonObject { ["authorizationType"] = "NONE" }, stageExtra: stage);
        var r = await WithSink(sink).DispatchAsync(api, Request("GET", "/prod/items/1"), default);

        var (stream, message) = Assert.Single(sink.Lines);
        Assert.Equal("api-access", stream.GroupName);
        Assert.Equal(Account, stream.AccountId);
        var line = JsonNode.Parse(message)!;
        Assert.Equal(r.Header("x-amzn-RequestId"), line["requestId"]!.GetValue<string>());
        Assert.Equal("200", line["status"]!.GetValue<string>());
        Assert.Equal("GET", line["method"]!.GetValue<string>());
        Assert.Equal("/items/{id}", line["path"]!.GetValue<string>());
        Assert.Equal("-", line["key"]!.GetValue<string>());
        Assert.Equal("10.0.0.1", line["ip"]!.GetValue<string>());
        Assert.Equal("-", line["who"]!.GetValue<string>());
    }

    [Fact]
    public async Task Metrics_CountRequestsErrorsAndCacheHits()
    {
        var seen = new List<(string Name, double Value, string? Api)>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == GatewayMetrics.MeterName)
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        void Add(Instrument i, double v, ReadOnlySpan<KeyValuePair<string, object?>> tags)
        {
            string? api = null;
            foreach (var t in tags)
            {
                if (t.Key == "ApiId")
                {
                    api = t.Value as string;
                }
            }

            lock (seen)
            {
                seen.Add((i.Name, v, api));
            }
        }

        listener.SetMeasurementEventCallback<long>((i, v, tags, _) => Add(i, v, tags));
        listener.SetMeasurementEventCallback<double>((i, v, tags, _) => Add(i, v, tags));
        listener.Start();

        var stage = new JsonObject
        {
            ["cacheClusterEnabled"] = true,
            ["methodSettings"] = new JsonObject { ["*/*"] = new JsonObject { ["cachingEnabled"] = true, ["cacheTtlInSeconds"] = 60 } },
        };
        var api = RestApi(new JsonObject { ["authorizationType"] = "NONE", ["apiKeyRequired"] = false }, stageExtra: stage, apiId: "metricsapi1");
        await _h.Dispatcher.DispatchAsync(api, Request("GET", "/prod/items/1"), default);
        await _h.Dispatcher.DispatchAsync(api, Request("GET", "/prod/items/1"), default);
        var keyed = RestApi(new JsonObject { ["authorizationType"] = "NONE", ["apiKeyRequired"] = true }, apiId: "metricsapi1");
        await _h.Dispatcher.DispatchAsync(keyed, Request("GET", "/prod/items/1"), default);

        List<(string Name, double Value, string? Api)> mine;
        lock (seen)
        {
            mine = [.. seen.Where(s => s.Api == "metricsapi1")];
        }

        Assert.Equal(3, mine.Count(s => s.Name == "Count"));
        Assert.Equal(1, mine.Count(s => s.Name == "CacheHitCount"));
        Assert.Equal(1, mine.Count(s => s.Name == "CacheMissCount"));
        Assert.Equal(1, mine.Count(s => s.Name == "4XXError"));
        Assert.Equal(1, mine.Count(s => s.Name == "IntegrationLatency"));
        Assert.Equal(3, mine.Count(s => s.Name == "Latency"));
    }
}
