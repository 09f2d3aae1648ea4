using System.Text;

namespace Nimbus.Cli.Commands;

/// <summary><c>nimbus invoke NAME</c>: a synchronous or asynchronous invocation; prints the result (and the log tail).</summary>
internal static class InvokeCommand
{
    public static async Task<int> RunAsync(Arguments args)
    {
        var name = args.Positional(1, "function name");
        var payload = args.Get("payload") ?? "{}";
        if (payload.StartsWith('@'))
        {
            payload = await File.ReadAllTextAsync(payload[1..]);
        }

        using var endpoint = new Endpoint(args);
        var path = $"/2015-03-31/functions/{Uri.EscapeDataString(name)}/invocations";
        if (args.Get("qualifier") is { } qualifier)
        {
            path += "?Qualifier=" + Uri.EscapeDataString(qualifier);
        }

        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new StringContent(payload, Encoding.UTF8, "application/json") };
        request.Headers.Add("X-Amz-Invocation-Type", args.Has("async") ? "Event" : "RequestResponse");
        if (args.Has("log"))
        {
            request.Headers.Add("X-Amz-Log-Type", "Tail");
        }

        using var response = await endpoint.RawAsync(request);
        var body = await response.Content.ReadAsStringAsync();
        if (!response.IsSuccessStatusCode)
        {
            var type = response.Headers.TryGetValues("x-amzn-ErrorType", out var t) ? t.First() : $"HTTP {(int)response.StatusCode}";
            throw new CliException($"{type}: {body}");
        }

        if (args.Has("async"))
        {
            Console.WriteLine($"Accepted ({(int)response.StatusCode})");
            return 0;
        }

        if (response.Headers.TryGetValues("X-Amz-Log-Result", out var log))
        {
            Console.Error.WriteLine(Output.Dim(Encoding.UTF8.GetString(Convert.FromBase64String(log.First())).TrimEnd()));
        }

        var failed = response.Headers.Contains("X-Amz-Function-Error");
        Console.WriteLine(failed ? Output.Red(body) : body);
        return failed ? 2 : 0;
    }
}
