namespace Nimbus.EndToEnd.Tests;

/// <summary>Durability: state and accepted Event invokes survive Nimbus being killed and started again.</summary>
public sealed class RestartTests
{
    [Fact]
    public async Task Restart_AfterKill_KeepsFunctionsVersionsAliasesLayersAndQueuedEvents()
    {
        var state = Path.Combine(Path.GetTempPath(), "nimbus-restart-" + Guid.NewGuid().ToString("N"));
        var env = new Dictionary<string, string> { ["NIMBUS_RESTART_NAME"] = "restart-" + Guid.NewGuid().ToString("N")[..8] };
        try
        {
            await using (var first = await NimbusProcess.StartAsync(state))
            {
                await NodeClients.RunAsync(first, [Path.Combine("restart", "phase1.mjs")], env);
                first.Kill();
            }

            await using var second = await NimbusProcess.StartAsync(state);
            await NodeClients.RunAsync(second, [Path.Combine("restart", "phase2.mjs")], env);
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

    [Fact]
    public async Task Restart_DuringWait_StepFunctionsExecutionResumesWithoutDuplicateEvents()
    {
        var state = Path.Combine(Path.GetTempPath(), "nimbus-restart-" + Guid.NewGuid().ToString("N"));
        var env = new Dictionary<string, string>
        {
            ["NIMBUS_SFN_RESTART_NAME"] = "sfn-restart-" + Guid.NewGuid().ToString("N")[..8],
            ["NIMBUS_SFN_WAIT_SECONDS"] = "4",
            ["NIMBUS_SFN_TOKEN_FILE"] = state + ".token",
        };
        try
        {
            await using (var first = await NimbusProcess.StartAsync(state))
            {
                await NodeClients.RunAsync(first, [Path.Combine("restart", "sfn-phase1.mjs")], env);
                first.Kill();
            }

            await using var second = await NimbusProcess.StartAsync(state);
            await NodeClients.RunAsync(second, [Path.Combine("restart", "sfn-phase2.mjs")], env);
        }
        finally
        {
            File.Delete(state + ".token");
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
}
