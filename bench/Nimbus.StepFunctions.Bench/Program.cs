using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Nimbus.StepFunctions.Asl.Parsing;
using Nimbus.StepFunctions.Bench;
using Nimbus.StepFunctions.Execution;

// nimbus-sfn-bench engine [seconds]          in-process interpreter, no HTTP, no store (the peer's setting)
// nimbus-sfn-bench http ENDPOINT [seconds]   through the AWSStepFunctions API: Express sync, Standard durable, start latency
// nimbus-sfn-bench standard ENDPOINT [pid]    only the durable Standard case; with the server's pid, also its CPU time
//                                             (user+system from /proc: a figure that a shared, overloaded machine distorts less)
var mode = args.Length > 0 ? args[0] : "engine";
var seconds = args.Length > (mode == "http" ? 2 : 1) && mode != "standard" ? double.Parse(args[mode == "http" ? 2 : 1], CultureInfo.InvariantCulture) : 5;
var inv = CultureInfo.InvariantCulture;

if (mode == "engine")
{
    // Express semantics (no history quota), as the peer has none.
    var interpreter = new AslInterpreter(new InterpreterOptions { MaxHistoryEvents = int.MaxValue });
    var chain = AslParser.Parse(Machines.PassChain(1000)).Definition!;
    var map = AslParser.Parse(Machines.Map).Definition!;
    var mapInput = Machines.MapInput(10_000);
    // EXPRESS executions with logging OFF record no history events (as on AWS, and as Nimbus's API runs them);
    // "history" runs the same with every event recorded (a STANDARD execution's history, without the store).
    var withHistory = false;
    async Task<(int Runs, double Ms)> Loop(Nimbus.StepFunctions.Asl.Model.StateMachineDefinition definition, string input)
    {
        var runs = 0;
        var sw = Stopwatch.StartNew();
        while (sw.Elapsed.TotalSeconds < seconds || runs < 3)
        {
            var request = new ExecutionRequest($"arn:aws:states:us-east-1:000000000000:execution:sm:e{runs}", $"e{runs}", "arn:aws:states:us-east-1:000000000000:stateMachine:sm", "sm", input)
            {
                RecordedEvents = withHistory ? null : ExecutionRequest.NoEvents,
            };
            var result = await interpreter.ExecuteAsync(definition, request);
            if (result.Status != ExecutionStatus.Succeeded)
            {
                throw new InvalidOperationException($"{result.Status}: {result.Error} {result.Cause}");
            }

            runs++;
        }

        return (runs, sw.Elapsed.TotalMilliseconds);
    }

    await Loop(chain, "{\"n\":1}"); // warm-up
    var (chainRuns, chainMs) = await Loop(chain, "{\"n\":1}");
    await Loop(map, mapInput);
    var (mapRuns, mapMs) = await Loop(map, mapInput);
    Console.WriteLine($"engine pass-chain-1000: {chainRuns} executions in {chainMs:F0} ms = {chainMs / chainRuns:F2} ms/execution, {chainRuns * 1000 / (chainMs / 1000):F0} states/s".ToString(inv));
    Console.WriteLine($"engine map-10k: {mapRuns} executions in {mapMs:F0} ms = {mapMs / mapRuns:F2} ms/execution, {mapRuns * 10_000 / (mapMs / 1000):F0} items/s".ToString(inv));
    withHistory = true;
    await Loop(chain, "{\"n\":1}");
    (chainRuns, chainMs) = await Loop(chain, "{\"n\":1}");
    Console.WriteLine($"engine pass-chain-1000 with history: {chainMs / chainRuns:F2} ms/execution, {chainRuns * 1000 / (chainMs / 1000):F0} states/s".ToString(inv));
    return 0;
}

var endpoint = args[1].TrimEnd('/');
using var http = new HttpClient { BaseAddress = new Uri(endpoint), Timeout = TimeSpan.FromMinutes(5) };

async Task<JsonNode> Call(string operation, JsonObject body)
{
    using var content = new StringContent(body.ToJsonString(), Encoding.UTF8);
    content.Headers.ContentType = new MediaTypeHeaderValue("application/x-amz-json-1.0");
    using var request = new HttpRequestMessage(HttpMethod.Post, "/") { Content = content };
    request.Headers.Add("X-Amz-Target", "AWSStepFunctions." + operation);
    using var response = await http.SendAsync(request);
    var text = await response.Content.ReadAsStringAsync();
    if (!response.IsSuccessStatusCode)
    {
        throw new InvalidOperationException($"{operation}: {(int)response.StatusCode} {text}");
    }

    return JsonNode.Parse(text)!;
}

var tag = Guid.NewGuid().ToString("N")[..8];
async Task<string> Create(string name, string definition, string type) =>
    (await Call("CreateStateMachine", new JsonObject
    {
        ["name"] = $"{name}-{tag}", ["definition"] = definition, ["roleArn"] = "arn:aws:iam::000000000000:role/sfn", ["type"] = type,
    }))["stateMachineArn"]!.GetValue<string>();

static double Percentile(List<double> xs, double p)
{
    xs.Sort();
    return xs[Math.Min(xs.Count - 1, (int)(p * xs.Count))];
}

static double CpuMs(int pid)
{
    var stat = File.ReadAllText($"/proc/{pid}/stat");
    var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
    return (long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture)) * 10.0; // clock ticks of 10 ms
}

if (mode == "standard")
{
    var pid = args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 0;
    var machine = await Create("chain-s", Machines.PassChain(1000), "STANDARD");
    foreach (var round in new[] { "warm-up 1", "warm-up 2", "warm-up 3", "measured" })
    {
        var cpu0 = pid > 0 ? CpuMs(pid) : 0;
        var sw = Stopwatch.StartNew();
        var arns = new List<string>();
        for (var i = 0; i < 8; i++)
        {
            arns.Add((await Call("StartExecution", new JsonObject { ["stateMachineArn"] = machine, ["input"] = "{\"n\":1}" }))["executionArn"]!.GetValue<string>());
        }

        foreach (var arn in arns)
        {
            while ((await Call("DescribeExecution", new JsonObject { ["executionArn"] = arn }))["status"]!.GetValue<string>() == "RUNNING")
            {
                await Task.Delay(5);
            }
        }

        var ms = sw.Elapsed.TotalMilliseconds;
        var cpu = pid > 0 ? CpuMs(pid) - cpu0 : double.NaN;
        Console.WriteLine($"standard pass-chain-1000 x8 ({round}): {ms:F0} ms wall = {8000 / (ms / 1000):F0} durable transitions/s; server CPU {cpu:F0} ms = {8000 / (cpu / 1000):F0} transitions per CPU-second".ToString(inv));
    }

    return 0;
}

// Express, synchronous: the whole execution inside one StartSyncExecution call.
var expressChain = await Create("chain-x", Machines.PassChain(1000), "EXPRESS");
var expressMap = await Create("map-x", Machines.Map, "EXPRESS");
async Task<(int Runs, double Ms, List<double> Latencies)> SyncLoop(string arn, string input)
{
    var latencies = new List<double>();
    var sw = Stopwatch.StartNew();
    while (sw.Elapsed.TotalSeconds < seconds || latencies.Count < 3)
    {
        var t = Stopwatch.GetTimestamp();
        var r = await Call("StartSyncExecution", new JsonObject { ["stateMachineArn"] = arn, ["input"] = input });
        latencies.Add(Stopwatch.GetElapsedTime(t).TotalMilliseconds);
        if (r["status"]!.GetValue<string>() != "SUCCEEDED")
        {
            throw new InvalidOperationException(r.ToJsonString());
        }
    }

    return (latencies.Count, sw.Elapsed.TotalMilliseconds, latencies);
}

await SyncLoop(expressChain, "{\"n\":1}");
var (xr, xms, xlat) = await SyncLoop(expressChain, "{\"n\":1}");
Console.WriteLine($"http express pass-chain-1000: {xr} executions, p50 {Percentile(xlat, 0.5):F2} ms, {xr * 1000 / (xms / 1000):F0} states/s".ToString(inv));
var mapInputHttp = Machines.MapInput(10_000);
await SyncLoop(expressMap, mapInputHttp);
var (mr, mms, mlat) = await SyncLoop(expressMap, mapInputHttp);
Console.WriteLine($"http express map-10k: {mr} executions, p50 {Percentile(mlat, 0.5):F2} ms, {mr * 10_000 / (mms / 1000):F0} items/s".ToString(inv));

// Standard: durable, a checkpoint per state; several executions at once.
var standardChain = await Create("chain-s", Machines.PassChain(1000), "STANDARD");
const int Parallel = 8;
var startLatencies = new List<double>();
var total = Stopwatch.StartNew();
var executions = new List<string>();
for (var i = 0; i < Parallel; i++)
{
    var t = Stopwatch.GetTimestamp();
    var started = await Call("StartExecution", new JsonObject { ["stateMachineArn"] = standardChain, ["input"] = "{\"n\":1}" });
    startLatencies.Add(Stopwatch.GetElapsedTime(t).TotalMilliseconds);
    executions.Add(started["executionArn"]!.GetValue<string>());
}

foreach (var arn in executions)
{
    while ((await Call("DescribeExecution", new JsonObject { ["executionArn"] = arn }))["status"]!.GetValue<string>() == "RUNNING")
    {
        await Task.Delay(5);
    }
}

var standardMs = total.Elapsed.TotalMilliseconds;
Console.WriteLine($"http standard pass-chain-1000 x{Parallel}: {standardMs:F0} ms = {Parallel * 1000 / (standardMs / 1000):F0} durable state transitions/s".ToString(inv));

// StartExecution → first state: the API call's latency, and the gap between ExecutionStarted and the first StateEntered.
var single = await Create("one-s", Machines.PassChain(1), "STANDARD");
var gaps = new List<double>();
for (var i = 0; i < 50; i++)
{
    var t = Stopwatch.GetTimestamp();
    var arn = (await Call("StartExecution", new JsonObject { ["stateMachineArn"] = single, ["input"] = "{}" }))["executionArn"]!.GetValue<string>();
    startLatencies.Add(Stopwatch.GetElapsedTime(t).TotalMilliseconds);
    JsonArray events;
    do
    {
        events = (await Call("GetExecutionHistory", new JsonObject { ["executionArn"] = arn }))["events"]!.AsArray();
    }
    while (events.Count < 2);

    gaps.Add((events[1]!["timestamp"]!.GetValue<double>() - events[0]!["timestamp"]!.GetValue<double>()) * 1000);
}

Console.WriteLine($"http StartExecution latency p50 {Percentile(startLatencies, 0.5):F2} ms; ExecutionStarted->first StateEntered p50 {Percentile(gaps, 0.5):F2} ms, max {gaps.Max():F2} ms (history timestamps, ms resolution)".ToString(inv));
return 0;
