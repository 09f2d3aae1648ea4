using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace Nimbus.Bench;

/// <summary>
/// <c>dynamodb</c>: PutItem, GetItem and Query operations/s from N keep-alive connections sending DynamoDB's JSON 1.0
/// requests (unsigned, as the server does not check signatures) built up front, so the generator costs little next to
/// the server on a 2-core machine. Each worker writes and reads its own partition; every response is checked for 200.
/// With <c>--pid</c>, the server's user+system CPU time per operation is reported too (from /proc).
/// </summary>
internal static class DynamoDbCommand
{
    private const int Distinct = 1000;

    public static async Task<int> RunAsync(Options options)
    {
        var endpoint = new Uri(options.Require("endpoint"));
        var clients = options.Int("clients", 10);
        var duration = TimeSpan.FromSeconds(options.Double("duration", 5));
        var pid = options.Get("pid");
        var table = $"bench-{DateTimeOffset.UtcNow.ToUnixTimeMilliseconds()}";
        var workers = Enumerable.Range(0, clients).Select(_ => new RawHttp(endpoint)).ToArray();

        var create = await workers[0].SendAsync(Build(workers[0], "CreateTable", $$"""
            {"TableName":"{{table}}","BillingMode":"PAY_PER_REQUEST",
             "KeySchema":[{"AttributeName":"pk","KeyType":"HASH"},{"AttributeName":"sk","KeyType":"RANGE"}],
             "AttributeDefinitions":[{"AttributeName":"pk","AttributeType":"S"},{"AttributeName":"sk","AttributeType":"N"}]}
            """), capture: true);
        if (create.Status != 200)
        {
            Console.Error.WriteLine($"CreateTable failed: {create.Status} {Encoding.UTF8.GetString(create.Body ?? [])}");
            return 1;
        }

        var value = new string('x', 100);
        var operations = new (string Name, Func<int, int, string> Body, string Target)[]
        {
            ("PutItem", (w, i) => "{\"TableName\":\"" + table + "\",\"Item\":{\"pk\":{\"S\":\"p" + w + "\"},\"sk\":{\"N\":\"" + i + "\"},\"v\":{\"S\":\"" + value + "\"}}}", "PutItem"),
            ("GetItem", (w, i) => "{\"TableName\":\"" + table + "\",\"Key\":{\"pk\":{\"S\":\"p" + w + "\"},\"sk\":{\"N\":\"" + i + "\"}}}", "GetItem"),
            ("Query (≤10 items)", (w, i) => "{\"TableName\":\"" + table + "\",\"KeyConditionExpression\":\"pk = :p AND sk BETWEEN :a AND :b\",\"ExpressionAttributeValues\":{\":p\":{\"S\":\"p" + w + "\"},\":a\":{\"N\":\"" + (i % 990) + "\"},\":b\":{\"N\":\"" + (i % 990 + 9) + "\"}}}", "Query"),
        };

        Console.WriteLine(pid is null
            ? "| Operation | Clients | ops/s | p50 ms | p99 ms | errors |\n|---|---|---|---|---|---|"
            : "| Operation | Clients | ops/s | p50 ms | p99 ms | errors | server CPU µs/op |\n|---|---|---|---|---|---|---|");
        foreach (var (name, body, target) in operations)
        {
            var requests = workers.Select((c, w) => Enumerable.Range(0, Distinct).Select(i => Build(c, target, body(w, i))).ToArray()).ToArray();
            await Phase(workers, requests, TimeSpan.FromSeconds(1), null); // warm-up (and, for PutItem, the items the reads find)
            var cpu0 = ServerCpuMs(pid);
            var latencies = new List<long>[clients];
            var (count, errors, elapsed) = await Phase(workers, requests, duration, latencies);
            var cpu = ServerCpuMs(pid) - cpu0;
            var sorted = latencies.SelectMany(l => l).Select(Results.Ms).Order().ToArray();
            var line = string.Create(CultureInfo.InvariantCulture,
                $"| {name} | {clients} | {count / elapsed.TotalSeconds:F0} | {Results.Percentile(sorted, 50):F3} | {Results.Percentile(sorted, 99):F3} | {errors} |");
            Console.WriteLine(pid is null ? line : line + string.Create(CultureInfo.InvariantCulture, $" {cpu * 1000.0 / Math.Max(1, count):F0} |"));
        }

        foreach (var w in workers)
        {
            w.Dispose();
        }

        return 0;
    }

    private static byte[] Build(RawHttp client, string operation, string body) =>
        client.BuildRequest("POST", "/", Encoding.UTF8.GetBytes(body),
            [new("X-Amz-Target", $"DynamoDB_20120810.{operation}")]);

    private static async Task<(long Count, long Errors, TimeSpan Elapsed)> Phase(RawHttp[] workers, byte[][][] requests, TimeSpan duration, List<long>[]? latencies)
    {
        long count = 0, errors = 0;
        var start = Stopwatch.GetTimestamp();
        var stopAt = start + (long)(duration.TotalSeconds * Stopwatch.Frequency);
        await Task.WhenAll(workers.Select((c, w) => Task.Run(async () =>
        {
            var mine = new List<long>(64 * 1024);
            if (latencies is not null)
            {
                latencies[w] = mine;
            }

            for (var i = 0; Stopwatch.GetTimestamp() < stopAt; i++)
            {
                var t0 = Stopwatch.GetTimestamp();
                var r = await c.SendAsync(requests[w][i % Distinct], capture: false);
                mine.Add(Stopwatch.GetTimestamp() - t0);
                Interlocked.Increment(ref count);
                if (r.Status != 200)
                {
                    Interlocked.Increment(ref errors);
                }
            }
        })));
        return (count, errors, Stopwatch.GetElapsedTime(start));
    }

    private static long ServerCpuMs(string? pid)
    {
        if (pid is null)
        {
            return 0;
        }

        var stat = File.ReadAllText($"/proc/{pid}/stat");
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        return (long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture)) * 10;
    }
}
