using System.Text;
using System.Text.Json.Nodes;
using Nimbus.Gateway.Serving;
using Xunit.Abstractions;

namespace Nimbus.Gateway.Tests;

/// <summary>Feeds the proxy results recorded on real API Gateway through our response mapping and compares status, body and headers.</summary>
/// <remarks>Headers that are per request or per connection (<c>Date</c>, <c>Connection</c>, <c>Content-Length</c>, request and
/// trace ids, which the dispatcher adds) are not compared; every other header must match by exact name, values and order.</remarks>
public sealed class RecordedResponseTests(ITestOutputHelper output)
{
    private static readonly HashSet<string> Ignored = new(StringComparer.OrdinalIgnoreCase)
    {
        "Date", "Connection", "Content-Length", "x-amzn-RequestId", "x-amz-apigw-id", "X-Amzn-Trace-Id", "Apigw-Requestid",
    };

    public static IEnumerable<object[]> Cases => RecordedCase.Of("lambda-result-to-http-response");

    [Theory]
    [MemberData(nameof(Cases))]
    public void Response_MatchesRecording(string name)
    {
        var differences = Compare(RecordedCase.Named(name));
        Assert.True(differences.Count == 0, $"{name}:\n" + string.Join('\n', differences));
    }

    [Fact]
    public void AllRecordedResponses_PassRate()
    {
        var cases = RecordedCase.All().Where(c => c.Kind == "lambda-result-to-http-response").ToList();
        var passed = 0;
        foreach (var c in cases)
        {
            var d = Compare(c);
            passed += d.Count == 0 ? 1 : 0;
            output.WriteLine($"{(d.Count == 0 ? "PASS" : "FAIL")} {c.Name} {string.Join("; ", d)}");
        }

        output.WriteLine($"responses: {passed}/{cases.Count}");
        Assert.Equal(50, cases.Count);
        Assert.Equal(cases.Count, passed);
    }

    private static List<string> Compare(RecordedCase c)
    {
        var payload = Encoding.UTF8.GetBytes(c.Entry["lambdaReturned"]!.ToJsonString());
        var ours = c.ApiType switch
        {
            "Rest" => ProxyResponses.Rest(payload),
            "HttpV1" => ProxyResponses.HttpV1(payload),
            _ => ProxyResponses.HttpV2(payload),
        };
        var differences = new List<string>();
        var status = c.Snapshot["StatusCode"]!.GetValue<int>();
        if (ours.StatusCode != status)
        {
            differences.Add($"status: expected {status}, got {ours.StatusCode}");
        }

        var content = c.Snapshot["Content"]!.GetValue<string>();
        var body = Encoding.UTF8.GetString(ours.Body);
        if (body != content)
        {
            differences.Add($"body: expected {content}, got {body}");
        }

        var expected = (c.Snapshot["Headers"] as JsonObject ?? []).Where(h => !Ignored.Contains(h.Key))
            .ToDictionary(h => h.Key, h => string.Join(" | ", h.Value!.AsArray().Select(v => v!.GetValue<string>())), StringComparer.Ordinal);
        var actual = ours.Headers.Where(h => !Ignored.Contains(h.Key)).GroupBy(h => h.Key, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => string.Join(" | ", g.Select(h => h.Value)), StringComparer.Ordinal);
        foreach (var (k, v) in expected)
        {
            if (!actual.TryGetValue(k, out var a))
            {
                differences.Add($"header {k}: missing (expected {v})");
            }
            else if (a != v)
            {
                differences.Add($"header {k}: expected {v}, got {a}");
            }
        }

        differences.AddRange(actual.Keys.Where(k => !expected.ContainsKey(k)).Select(k => $"header {k}: unexpected ({actual[k]})"));
        return differences;
    }
}
