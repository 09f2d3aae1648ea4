using System.Net;
using System.Net.Sockets;

namespace Nimbus.EndToEnd.Tests;

/// <summary>Durability of SNS and EventBridge deliveries: what was accepted before a kill is delivered after the restart.</summary>
public sealed class SnsEventsRestartTests
{
    [Fact]
    public async Task Restart_AfterKill_DeliversPublishedMessagesAndPutEvents()
    {
        var state = Path.Combine(Path.GetTempPath(), "nimbus-restart-" + Guid.NewGuid().ToString("N"));
        var env = new Dictionary<string, string>
        {
            ["NIMBUS_SNS_RESTART_NAME"] = "sns-restart-" + Guid.NewGuid().ToString("N")[..8],
            ["NIMBUS_SNS_RESTART_PORT"] = FreePort().ToString(System.Globalization.CultureInfo.InvariantCulture),
        };
        try
        {
            await using (var first = await NimbusProcess.StartAsync(state))
            {
                await NodeClients.RunAsync(first, [Path.Combine("restart", "sns-phase1.mjs")], env);
                first.Kill();
            }

            await using var second = await NimbusProcess.StartAsync(state);
            await NodeClients.RunAsync(second, [Path.Combine("restart", "sns-phase2.mjs")], env);
        }
        finally
        {
            try
            {
                Directory.Delete(state, recursive: true);
            }
            catch (IOException)
            {
                // Best effort.
            }
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
