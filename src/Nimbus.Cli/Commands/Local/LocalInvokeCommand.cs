using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using Nimbus.Cli.Commands.Sam;

namespace Nimbus.Cli.Commands.Local;

/// <summary>
/// <c>nimbus local invoke [FUNCTION] [-e EVENT|-]</c>: runs a template function once in a sandbox of a private in-process
/// Nimbus (no stack). As SAM CLI: the function's logs go to stderr while it runs, its result to stdout.
/// </summary>
internal static class LocalInvokeCommand
{
    public static async Task<int> RunAsync(Arguments args)
    {
        var started = Stopwatch.GetTimestamp();
        var template = LocalTemplate.Load(args);
        var function = template.Function(args.Positionals.Count > 2 ? args.Positionals[2] : null);
        var payload = await ReadEventAsync(args);

        await using var nimbus = await LocalNimbus.StartAsync(args);
        var resources = new LocalResources(nimbus, template);
        var environment = await PrepareAsync(args, nimbus, template, resources, function);
        Console.Error.WriteLine($"Invoking {function.Handler} ({function.Runtime})");
        await nimbus.CreateFunctionAsync(function, environment);

        using var request = new HttpRequestMessage(HttpMethod.Post, $"/2015-03-31/functions/{function.LogicalId}/invocations")
        {
            Content = new StringContent(payload, Encoding.UTF8, "application/json"),
        };
        nimbus.Client.Sign(request, "lambda");
        using var stop = new CancellationTokenSource();
        var logs = LogFollower.FollowAsync(nimbus.Client, $"/aws/lambda/{function.LogicalId}", line => Console.Error.WriteLine(line), stop.Token);
        using var response = await nimbus.Client.Http.SendAsync(request);
        var body = await response.Content.ReadAsStringAsync();
        await stop.CancelAsync();
        await logs;
        if (!response.IsSuccessStatusCode)
        {
            throw new CliException($"{(response.Headers.TryGetValues("x-amzn-ErrorType", out var t) ? t.First() : ((int)response.StatusCode).ToString(CultureInfo.InvariantCulture))}: {body}");
        }

        Console.Out.WriteLine(body);
        if (args.Has("debug"))
        {
            Console.Error.WriteLine(Output.Dim($"local invoke took {Stopwatch.GetElapsedTime(started).TotalMilliseconds:F0} ms"));
        }

        return response.Headers.Contains("X-Amz-Function-Error") ? 2 : 0;
    }

    /// <summary>
    /// Creates the template's data resources (unless functions are pointed at another Nimbus with <c>--endpoint-url</c>)
    /// and returns the function's environment.
    /// </summary>
    internal static async Task<Dictionary<string, string>> PrepareAsync(Arguments args, LocalNimbus nimbus, LocalTemplate template, LocalResources resources, LocalFunction function)
    {
        var external = args.Get("endpoint-url");
        if (external is null)
        {
            await resources.CreateAsync();
        }

        var environment = template.EnvironmentFor(function, resources, LocalTemplate.EnvVars(args));
        if (external is not null)
        {
            environment["AWS_ENDPOINT_URL"] = external;
        }

        return environment;
    }

    private static async Task<string> ReadEventAsync(Arguments args)
    {
        var source = args.Get("event");
        string text;
        if (source is null)
        {
            text = args.Get("event-payload") ?? "{}";
        }
        else if (source == "-")
        {
            text = await Console.In.ReadToEndAsync();
        }
        else
        {
            try
            {
                text = await File.ReadAllTextAsync(source);
            }
            catch (IOException e)
            {
                throw new CliException($"Could not read event file {source}: {e.Message}");
            }
        }

        try
        {
            JsonNode.Parse(text);
        }
        catch (System.Text.Json.JsonException e)
        {
            throw new CliException($"The event is not valid JSON: {e.Message}");
        }

        return text;
    }
}
