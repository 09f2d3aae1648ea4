using System.Text.Json.Nodes;
using Nimbus.Cli.Commands.Sam;

namespace Nimbus.Cli.Commands.Local;

/// <summary>Prints a log group's new events as they arrive (FilterLogEvents polling), and a last time when stopped.</summary>
internal static class LogFollower
{
    public static async Task FollowAsync(AwsClient client, string group, Action<string> print, CancellationToken stop)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        long since = 0;
        while (true)
        {
            var stopping = stop.IsCancellationRequested;
            string? token = null;
            do
            {
                // Events at or after the newest one seen (ids de-duplicate the boundary).
                var body = new JsonObject { ["logGroupName"] = group, ["startTime"] = since };
                if (token is not null)
                {
                    body["nextToken"] = token;
                }

                JsonNode page;
                try
                {
                    page = await client.JsonAsync("logs", "Logs_20140328.FilterLogEvents", body, "1.1");
                }
                catch (AwsCallException e) when (e.Code == "ResourceNotFoundException")
                {
                    break;
                }

                foreach (var e in page["events"]?.AsArray() ?? [])
                {
                    if (e?["eventId"]?.ToString() is { } id && seen.Add(id))
                    {
                        since = Math.Max(since, e["timestamp"]?.GetValue<long>() ?? 0);
                        print(e["message"]?.ToString().TrimEnd('\n') ?? "");
                    }
                }

                token = page["nextToken"]?.ToString();
            }
            while (token is not null);

            if (stopping)
            {
                return;
            }

            try
            {
                await Task.Delay(100, stop);
            }
            catch (OperationCanceledException)
            {
                // One last read after the invocation ends.
            }
        }
    }
}
