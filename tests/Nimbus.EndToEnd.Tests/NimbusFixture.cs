namespace Nimbus.EndToEnd.Tests;

/// <summary>One Nimbus process shared by the client test files of a collection.</summary>
public sealed class NimbusFixture : IAsyncLifetime
{
    private readonly string _state = Path.Combine(Path.GetTempPath(), "nimbus-e2e-" + Guid.NewGuid().ToString("N"));

    internal NimbusProcess Nimbus { get; private set; } = null!;

    public async Task InitializeAsync() => Nimbus = await NimbusProcess.StartAsync(_state);

    public async Task DisposeAsync()
    {
        await Nimbus.DisposeAsync();
        try
        {
            Directory.Delete(_state, recursive: true);
        }
        catch (IOException)
        {
            // Best effort.
        }
    }
}

[CollectionDefinition("nimbus")]
public sealed class NimbusCollection : ICollectionFixture<NimbusFixture>;
