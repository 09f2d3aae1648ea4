using System.Diagnostics;
using System.Globalization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Nimbus.Cli.Commands.Local;

/// <summary>
/// <c>nimbus local start-api [-p 3000]</c>: serves a template's Api and HttpApi events without deploying a stack. The
/// functions and APIs live in a private in-process Nimbus (real API Gateway routing and event shapes, warm sandboxes
/// reused across requests); this front door maps each request to the API that owns the route, as SAM CLI merges all
/// of a template's APIs on one port. Code changes replace the function's sandboxes (a file watcher per code folder).
/// </summary>
internal static class StartApiCommand
{
    public static async Task<int> RunAsync(Arguments args)
    {
        var started = Stopwatch.GetTimestamp();
        var template = LocalTemplate.Load(args);
        var serving = template.Functions.Where(f => f.ApiEvents.Count > 0).ToList();
        if (serving.Count == 0)
        {
            throw new CliException("Template does not have any APIs connected to Lambda functions");
        }

        await using var nimbus = await LocalNimbus.StartAsync(args);
        var resources = new LocalResources(nimbus, template);
        var first = true;
        foreach (var function in template.Functions)
        {
            // Resources are created once, before the first function's environment is resolved.
            var environment = first
                ? await LocalInvokeCommand.PrepareAsync(args, nimbus, template, resources, function)
                : template.EnvironmentFor(function, resources, LocalTemplate.EnvVars(args));
            if (!first && args.Get("endpoint-url") is { } external)
            {
                environment["AWS_ENDPOINT_URL"] = external;
            }

            first = false;
            await nimbus.CreateFunctionAsync(function, environment);
        }

        var routes = await LocalApis.CreateAsync(nimbus, template, resources);
        var host = args.Get("host") ?? "127.0.0.1";
        var port = int.Parse(args.Get("port") ?? "3000", CultureInfo.InvariantCulture);
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls($"http://{host}:{port}");
        builder.WebHost.ConfigureKestrel(k => k.AddServerHeader = false);
        var app = builder.Build();
        using var forward = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false, UseCookies = false, AutomaticDecompression = System.Net.DecompressionMethods.None })
        {
            Timeout = TimeSpan.FromMinutes(15),
        };
        app.Run(http => ForwardAsync(http, routes, nimbus.Port, forward));
        try
        {
            await app.StartAsync();
        }
        catch (IOException e)
        {
            throw new CliException($"Cannot listen on http://{host}:{port}: {e.Message}");
        }

        foreach (var route in routes)
        {
            var path = route.Path == "$default" ? "/{proxy+} ($default)" : route.Path;
            Console.WriteLine($"Mounting {route.FunctionId} at http://{host}:{port}{path} [{route.Method}]");
        }

        using var stopLogs = new CancellationTokenSource();
        var followers = template.Functions
            .Select(f => LogFollower.FollowAsync(nimbus.Client, $"/aws/lambda/{f.LogicalId}", line => Console.Error.WriteLine(line), stopLogs.Token))
            .ToList();
        using var watcher = new CodeWatcher(template.Functions, async f =>
        {
            await nimbus.ReloadAsync(f);
            Console.WriteLine($"Reloaded {f.LogicalId}: code changed in {f.CodeDirectory}");
        });
        Console.WriteLine($"Running on http://{host}:{port}/ (ready in {Stopwatch.GetElapsedTime(started).TotalMilliseconds.ToString("F0", CultureInfo.InvariantCulture)} ms; CTRL+C to quit)");

        using var stop = new CancellationTokenSource();
        Console.CancelKeyPress += (_, e) =>
        {
            e.Cancel = true;
            stop.Cancel();
        };
        // SIGTERM: the host's console lifetime turns it into ApplicationStopping (and keeps the process alive for us to stop).
        app.Lifetime.ApplicationStopping.Register(stop.Cancel);
        try
        {
            await Task.Delay(Timeout.Infinite, stop.Token);
        }
        catch (OperationCanceledException)
        {
            // Ctrl+C or SIGTERM.
        }

        await stopLogs.CancelAsync();
        await Task.WhenAll(followers);
        await app.StopAsync();
        await app.DisposeAsync();
        return 0;
    }

    private static async Task ForwardAsync(HttpContext http, List<LocalRoute> routes, int nimbusPort, HttpClient forward)
    {
        var path = http.Request.Path.Value ?? "/";
        var route = routes.FirstOrDefault(r => r.Matches(http.Request.Method, path));
        if (route is null)
        {
            // What API Gateway (and SAM CLI) answer for a path no route matches.
            http.Response.StatusCode = 403;
            http.Response.ContentType = "application/json";
            await http.Response.WriteAsync("{\"message\":\"Missing Authentication Token\"}");
            return;
        }

        var target = route.IsHttpApi ? path : $"/{route.Stage}{path}";
        using var request = new HttpRequestMessage(new HttpMethod(http.Request.Method), $"http://127.0.0.1:{nimbusPort}{target}{http.Request.QueryString}");
        if (http.Request.ContentLength > 0 || http.Request.Headers.TransferEncoding.Count > 0)
        {
            request.Content = new StreamContent(http.Request.Body);
        }

        foreach (var (name, values) in http.Request.Headers)
        {
            if (name.Equals("Host", StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            if (!request.Headers.TryAddWithoutValidation(name, (IEnumerable<string?>)values))
            {
                request.Content?.Headers.TryAddWithoutValidation(name, (IEnumerable<string?>)values);
            }
        }

        request.Headers.Host = $"{route.ApiId}.execute-api.localhost:{nimbusPort}";
        using var response = await forward.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, http.RequestAborted);
        http.Response.StatusCode = (int)response.StatusCode;
        foreach (var (name, values) in response.Headers.Concat(response.Content.Headers))
        {
            if (!name.Equals("Transfer-Encoding", StringComparison.OrdinalIgnoreCase))
            {
                http.Response.Headers[name] = values.ToArray();
            }
        }

        await response.Content.CopyToAsync(http.Response.Body, http.RequestAborted);
    }
}
