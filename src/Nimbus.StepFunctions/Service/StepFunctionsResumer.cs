using Microsoft.Extensions.Hosting;

namespace Nimbus.StepFunctions.Service;

/// <summary>Resumes the RUNNING standard executions at start-up and suspends all executions at shut-down.</summary>
internal sealed class StepFunctionsResumer(ExecutionCoordinator engine) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        engine.ResumeAll();
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => engine.SuspendAllAsync(cancellationToken);
}
