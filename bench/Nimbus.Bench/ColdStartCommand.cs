using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Nimbus.Bench;

/// <summary>
/// <c>coldstart</c>: first-invoke latency of brand-new functions, split with the REPORT line into the runtime's
/// Init Duration, the invocation's Duration and what is left (Nimbus's own overhead). For a second opinion on "the
/// runtime's own start", the same runtime is also started by the harness itself — bare, and under the same bwrap
/// arguments Nimbus uses — against a one-shot in-harness Runtime API, timing spawn to first response.
/// </summary>
internal static class ColdStartCommand
{
    private const string Payload = """{"hello":"world"}""";

    public static async Task<int> RunAsync(Options options)
    {
        var endpoint = new Uri(options.Require("endpoint"));
        var runtime = options.Require("runtime");
        var code = Path.GetFullPath(options.Require("code"));
        var handler = options.Get("handler") ?? "bootstrap";
        var count = options.Int("count", 10);
        var runtimes = options.Get("runtimes") ?? FindRuntimesDirectory();
        var baseline = options.Flag("baseline", true);

        using var control = new RawHttp(endpoint);
        using var invoker = new RawHttp(endpoint);
        var latencies = new List<double>();
        var inits = new List<double>();
        var durations = new List<double>();
        var overheads = new List<double>();
        var warm = new List<double>();
        var bare = new List<double>();
        var wrapped = new List<double>();
        var errors = 0;
        string? firstError = null;
        var tag = runtime.Replace(".", "", StringComparison.Ordinal);
        for (var i = 0; i < count; i++)
        {
            var name = $"cold-{tag}-{Environment.ProcessId}-{i}";
            var create = new JsonObject
            {
                ["FunctionName"] = name,
                ["Runtime"] = runtime,
                ["Handler"] = handler,
                ["Role"] = "arn:aws:iam::000000000000:role/x",
                ["Timeout"] = 30,
                ["Code"] = new JsonObject { ["S3Bucket"] = "hot-reload", ["S3Key"] = code },
            };
            var created = await control.SendAsync("POST", "/2015-03-31/functions", create.ToJsonString());
            if (created.Status != 201)
            {
                throw new InvalidOperationException($"CreateFunction {name}: HTTP {created.Status} {Encoding.UTF8.GetString(created.Body ?? [])}");
            }

            await WaitActiveAsync(control, name);
            var request = invoker.BuildRequest("POST", $"/2015-03-31/functions/{name}/invocations", Encoding.UTF8.GetBytes(Payload), [new("X-Amz-Log-Type", "Tail")]);
            var t0 = Stopwatch.GetTimestamp();
            var r = await invoker.SendAsync(request, capture: true);
            var latency = Stopwatch.GetElapsedTime(t0).TotalMilliseconds;
            var report = r.Headers!.TryGetValue("X-Amz-Log-Result", out var tail) ? ReportLine.Parse(tail) : null;
            if (r.Status != 200 || r.FunctionError || report?.InitDurationMs is null)
            {
                errors++;
                firstError ??= $"HTTP {r.Status} {Encoding.UTF8.GetString(r.Body ?? [])} (REPORT {(report is null ? "missing" : "without Init Duration")})";
            }
            else
            {
                latencies.Add(latency);
                inits.Add(report.InitDurationMs.Value);
                durations.Add(report.DurationMs);
                overheads.Add(latency - report.InitDurationMs.Value - report.DurationMs);
            }

            var w0 = Stopwatch.GetTimestamp();
            await invoker.SendAsync(request, capture: true);
            warm.Add(Stopwatch.GetElapsedTime(w0).TotalMilliseconds);

            await control.SendAsync("DELETE", $"/2015-03-31/functions/{name}");
            await Task.Delay(100);

            // Interleaved with the Nimbus runs so background load affects all three alike.
            if (baseline)
            {
                bare.Add(await BareStartAsync(runtime, code, handler, runtimes, bubblewrap: false));
                wrapped.Add(await BareStartAsync(runtime, code, handler, runtimes, bubblewrap: true));
            }
        }

        var result = new JsonObject
        {
            ["endpoint"] = endpoint.ToString(),
            ["runtime"] = runtime,
            ["code"] = code,
            ["count"] = count,
            ["errors"] = errors,
            ["first_error"] = firstError,
            ["first_invoke_ms"] = Results.Distribution(latencies),
            ["init_duration_ms"] = Results.Distribution(inits),
            ["duration_ms"] = Results.Distribution(durations),
            ["overhead_ms"] = Results.Distribution(overheads),
            ["second_invoke_ms"] = Results.Distribution(warm),
        };

        var ci = CultureInfo.InvariantCulture;
        var label = options.Get("label") ?? runtime;
        Console.WriteLine(string.Create(ci, $"{label} cold start x{count}: first invoke p50 {result["first_invoke_ms"]!["p50"]} ms (max {result["first_invoke_ms"]!["max"]})  " +
            $"Init Duration p50 {result["init_duration_ms"]!["p50"]} ms  Duration p50 {result["duration_ms"]!["p50"]} ms  " +
            $"overhead (latency-init-duration) p50 {result["overhead_ms"]!["p50"]} ms  second invoke p50 {result["second_invoke_ms"]!["p50"]} ms  errors {errors}"));
        if (firstError is not null)
        {
            Console.WriteLine($"  first error: {firstError}");
        }

        if (baseline)
        {
            result["bare_first_invoke_ms"] = Results.Distribution(bare);
            result["bwrap_first_invoke_ms"] = Results.Distribution(wrapped);
            var nimbusP50 = (double)result["first_invoke_ms"]!["p50"]!;
            var bareP50 = (double)result["bare_first_invoke_ms"]!["p50"]!;
            result["overhead_vs_bare_p50_ms"] = Results.Round(nimbusP50 - bareP50);
            Console.WriteLine(string.Create(ci, $"  same runtime started by the harness: bare p50 {bareP50} ms, under bwrap p50 {result["bwrap_first_invoke_ms"]!["p50"]} ms " +
                $"-> Nimbus first invoke minus bare start p50 {result["overhead_vs_bare_p50_ms"]} ms"));
        }

        Results.Write(options, "coldstart", result);
        return 0;
    }

    private static async Task WaitActiveAsync(RawHttp control, string name)
    {
        var deadline = Stopwatch.GetTimestamp() + (10 * Stopwatch.Frequency);
        while (true)
        {
            var r = await control.SendAsync("GET", $"/2015-03-31/functions/{name}/configuration");
            if (r.Status == 200 && JsonNode.Parse(r.Body!)?["State"]?.GetValue<string>() == "Active")
            {
                return;
            }

            if (Stopwatch.GetTimestamp() > deadline)
            {
                throw new InvalidOperationException($"{name} did not become Active: HTTP {r.Status} {Encoding.UTF8.GetString(r.Body ?? [])}");
            }

            await Task.Delay(5);
        }
    }

    /// <summary>Spawn-to-first-response time of a runtime against a one-shot in-harness Runtime API.</summary>
    private static async Task<double> BareStartAsync(string runtime, string code, string handler, string runtimes, bool bubblewrap)
    {
        using var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        listener.Listen(4);
        var api = $"127.0.0.1:{((IPEndPoint)listener.LocalEndPoint!).Port}";
        var taskRoot = bubblewrap ? "/var/task" : code;
        var runtimeDir = bubblewrap ? "/var/runtime" : runtimes;
        string[] command;
        string? pythonPrefix = null;
        if (runtime.StartsWith("nodejs", StringComparison.Ordinal))
        {
            command = [Which("node"), $"{runtimeDir}/node/bootstrap.mjs"];
        }
        else if (runtime.StartsWith("python", StringComparison.Ordinal))
        {
            var (exe, prefix) = Python();
            pythonPrefix = prefix;
            command = [exe, $"{runtimeDir}/python/bootstrap.py"];
        }
        else
        {
            command = [$"{taskRoot}/bootstrap"];
        }

        var start = new ProcessStartInfo { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true, WorkingDirectory = code };
        start.Environment.Clear();
        start.Environment["PATH"] = "/usr/local/bin:/usr/bin:/bin";
        start.Environment["AWS_LAMBDA_RUNTIME_API"] = api;
        start.Environment["_HANDLER"] = handler;
        start.Environment["LAMBDA_TASK_ROOT"] = taskRoot;
        start.Environment["AWS_LAMBDA_FUNCTION_NAME"] = "bare";
        start.Environment["AWS_LAMBDA_FUNCTION_VERSION"] = "$LATEST";
        start.Environment["AWS_LAMBDA_FUNCTION_MEMORY_SIZE"] = "128";
        start.Environment["AWS_REGION"] = "us-east-1";
        start.Environment["TZ"] = ":UTC";
        start.Environment["LANG"] = "en_US.UTF-8";
        start.Environment["AWS_EXECUTION_ENV"] = $"AWS_Lambda_{runtime}";
        start.Environment["LAMBDA_RUNTIME_DIR"] = runtimeDir;
        start.Environment["HOME"] = "/tmp";
        start.Environment["NODE_PATH"] = $"{runtimeDir}/node_modules:{runtimeDir}:{taskRoot}";
        start.Environment["PYTHONPATH"] = runtimeDir;
        if (bubblewrap)
        {
            start.FileName = Which("bwrap");
            string[] args =
            [
                "--ro-bind", "/usr", "/usr", "--ro-bind", "/etc", "/etc",
                "--ro-bind-try", "/lib", "/lib", "--ro-bind-try", "/lib64", "/lib64",
                "--ro-bind-try", "/bin", "/bin", "--ro-bind-try", "/sbin", "/sbin",
                "--ro-bind", code, "/var/task", "--ro-bind", runtimes, "/var/runtime",
                "--tmpfs", "/tmp", "--proc", "/proc", "--dev", "/dev",
                "--unshare-pid", "--unshare-ipc", "--die-with-parent", "--chdir", "/var/task", "--dir", "/opt",
            ];
            foreach (var a in args)
            {
                start.ArgumentList.Add(a);
            }

            if (pythonPrefix is not null && !pythonPrefix.StartsWith("/usr", StringComparison.Ordinal))
            {
                start.ArgumentList.Add("--ro-bind");
                start.ArgumentList.Add(pythonPrefix);
                start.ArgumentList.Add(pythonPrefix);
            }

            start.ArgumentList.Add("--");
            foreach (var a in command)
            {
                start.ArgumentList.Add(a);
            }
        }
        else
        {
            start.FileName = command[0];
            foreach (var a in command[1..])
            {
                start.ArgumentList.Add(a);
            }
        }

        var t0 = Stopwatch.GetTimestamp();
        using var process = Process.Start(start)!;
        process.StandardInput.Close();
        var drainOut = process.StandardOutput.ReadToEndAsync();
        var drainErr = process.StandardError.ReadToEndAsync();
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            using var socket = await listener.AcceptAsync(timeout.Token);
            socket.NoDelay = true;
            var conn = new MiniConnection(socket);
            while (true)
            {
                var (method, path, _) = await conn.ReadRequestAsync(timeout.Token);
                if (method == "GET" && path.EndsWith("/invocation/next", StringComparison.Ordinal))
                {
                    var deadline = DateTimeOffset.UtcNow.AddSeconds(30).ToUnixTimeMilliseconds();
                    await conn.WriteAsync(200, Payload,
                        $"Lambda-Runtime-Aws-Request-Id: bare-1\r\nLambda-Runtime-Deadline-Ms: {deadline}\r\n" +
                        "Lambda-Runtime-Invoked-Function-Arn: arn:aws:lambda:us-east-1:000000000000:function:bare\r\nLambda-Runtime-Trace-Id: Root=1-00000000-000000000000000000000000;Sampled=0\r\n",
                        timeout.Token);
                }
                else if (method == "POST" && path.EndsWith("/response", StringComparison.Ordinal))
                {
                    var elapsed = Stopwatch.GetElapsedTime(t0).TotalMilliseconds;
                    await conn.WriteAsync(202, "{}", "", timeout.Token);
                    return elapsed;
                }
                else
                {
                    throw new InvalidOperationException($"bare {runtime}: unexpected {method} {path}");
                }
            }
        }
        catch (OperationCanceledException)
        {
            throw new InvalidOperationException($"bare {runtime} (bwrap={bubblewrap}) did not answer in 30 s: {await drainErr}");
        }
        finally
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
            await drainOut;
            await drainErr;
        }
    }

    private static string Which(string name) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "/usr/bin:/bin").Split(':').Select(d => Path.Combine(d, name)).FirstOrDefault(File.Exists)
        ?? throw new InvalidOperationException($"{name} not found on PATH");

    private static (string Executable, string Prefix) Python()
    {
        var probe = Process.Start(new ProcessStartInfo(Which("python3"), ["-c", "import sys;print(sys.executable);print(sys.base_prefix)"]) { RedirectStandardOutput = true, UseShellExecute = false })!;
        var lines = probe.StandardOutput.ReadToEnd().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        probe.WaitForExit();
        var exe = lines[0].Trim();
        return (new FileInfo(exe).ResolveLinkTarget(returnFinalTarget: true)?.FullName ?? exe, lines[1].Trim());
    }

    internal static string FindRuntimesDirectory()
    {
        foreach (var start in new[] { Environment.CurrentDirectory, AppContext.BaseDirectory })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                var candidate = Path.Combine(dir.FullName, "runtimes");
                if (File.Exists(Path.Combine(candidate, "node", "bootstrap.mjs")))
                {
                    return candidate;
                }
            }
        }

        throw new UsageException("Cannot find the runtimes folder; pass --runtimes DIR.");
    }

    /// <summary>Just enough HTTP/1.1 server for one Runtime API client on one connection.</summary>
    private sealed class MiniConnection(Socket socket)
    {
        private byte[] _buffer = new byte[64 * 1024];
        private int _end;

        public async Task<(string Method, string Path, byte[] Body)> ReadRequestAsync(CancellationToken cancellationToken)
        {
            int headerEnd;
            while ((headerEnd = _buffer.AsSpan(0, _end).IndexOf("\r\n\r\n"u8)) < 0)
            {
                await FillAsync(cancellationToken);
            }

            var head = Encoding.ASCII.GetString(_buffer, 0, headerEnd).Split("\r\n");
            var requestLine = head[0].Split(' ');
            var length = head.Skip(1).Select(l => l.Split(':', 2)).Where(p => p.Length == 2 && p[0].Trim().Equals("content-length", StringComparison.OrdinalIgnoreCase))
                .Select(p => int.Parse(p[1].Trim(), CultureInfo.InvariantCulture)).FirstOrDefault();
            var total = headerEnd + 4 + length;
            while (_end < total)
            {
                await FillAsync(cancellationToken);
            }

            var body = _buffer.AsSpan(headerEnd + 4, length).ToArray();
            Buffer.BlockCopy(_buffer, total, _buffer, 0, _end - total);
            _end -= total;
            return (requestLine[0], requestLine.Length > 1 ? requestLine[1] : "/", body);
        }

        public async Task WriteAsync(int status, string body, string extraHeaders, CancellationToken cancellationToken)
        {
            var bytes = Encoding.UTF8.GetBytes(body);
            var head = Encoding.ASCII.GetBytes($"HTTP/1.1 {status} {(status == 200 ? "OK" : "Accepted")}\r\nContent-Type: application/json\r\nContent-Length: {bytes.Length}\r\n{extraHeaders}\r\n");
            await socket.SendAsync(head.Concat(bytes).ToArray(), SocketFlags.None, cancellationToken);
        }

        private async Task FillAsync(CancellationToken cancellationToken)
        {
            if (_end == _buffer.Length)
            {
                Array.Resize(ref _buffer, _buffer.Length * 2);
            }

            var n = await socket.ReceiveAsync(_buffer.AsMemory(_end), SocketFlags.None, cancellationToken);
            if (n == 0)
            {
                throw new IOException("Runtime closed the connection.");
            }

            _end += n;
        }
    }
}
