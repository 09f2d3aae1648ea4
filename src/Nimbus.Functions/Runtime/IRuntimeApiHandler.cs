namespace Nimbus.Functions.Runtime;

/// <summary>Answers the Runtime API requests of one sandbox.</summary>
internal interface IRuntimeApiHandler
{
    ValueTask<RuntimeResponse> HandleAsync(RuntimeRequest request, CancellationToken cancellationToken);
}
