using Microsoft.Extensions.Hosting;

namespace Nimbus.Data.DynamoDb;

/// <summary>Deletes expired items (Time to Live) and trims stream records older than 24 hours, in the background, every ten seconds.</summary>
internal sealed class TtlSweeper(DynamoStore store, Streams.StreamStore streams, TimeProvider time) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(10), time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                try
                {
                    store.ExpireItems(time.GetUtcNow());
                    streams.Trim(time.GetUtcNow());
                }
                catch (Microsoft.Data.Sqlite.SqliteException)
                {
                    // The next tick retries; a busy or closing database must not stop the sweeper.
                }
            }
        }
        catch (OperationCanceledException)
        {
            // Shutting down.
        }
    }
}
