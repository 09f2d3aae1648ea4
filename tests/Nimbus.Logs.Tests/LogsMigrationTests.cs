using Microsoft.Data.Sqlite;
using Nimbus.Logs.Store;
using Nimbus.Storage.Sqlite;

namespace Nimbus.Logs.Tests;

/// <summary>A state directory written by the v1 schema (string-keyed events) keeps its logs after the v2 migration.</summary>
public sealed class LogsMigrationTests : IDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "nimbus-logs-migration-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_directory, recursive: true);
    }

    private sealed class Only(Migration migration) : IMigrationSource
    {
        public IEnumerable<Migration> Migrations => [migration];
    }

    [Fact]
    public async Task Migrate_V1Rows_EventsStreamsAndGroupsReadableAfterV2()
    {
        var store = new StateStore(_directory);
        var all = new LogsMigrations().Migrations.ToList();
        store.Migrate([new Only(all.Single(m => m.Version == 1))]);
        using (var c = store.Open())
        {
            c.Execute(
                """
                INSERT INTO log_groups (account, region, name, created, retention_days) VALUES ('111111111111', 'us-east-1', '/aws/lambda/a', 1, 7);
                INSERT INTO log_groups (account, region, name, created) VALUES ('111111111111', 'us-east-1', '/aws/lambda/b', 2);
                INSERT INTO log_streams (account, region, group_name, name, created, first_event, last_event, stored_bytes)
                    VALUES ('111111111111', 'us-east-1', '/aws/lambda/a', 's1', 3, 10, 12, 9);
                INSERT INTO log_streams (account, region, group_name, name, created) VALUES ('111111111111', 'us-east-1', '/aws/lambda/b', 's2', 4);
                INSERT INTO log_events (account, region, group_name, stream, ts, ingestion, message) VALUES
                    ('111111111111', 'us-east-1', '/aws/lambda/a', 's1', 10, 20, 'one'),
                    ('111111111111', 'us-east-1', '/aws/lambda/b', 's2', 11, 21, 'other'),
                    ('111111111111', 'us-east-1', '/aws/lambda/a', 's1', 12, 22, 'two'),
                    ('111111111111', 'us-east-1', '/aws/lambda/a', 'deleted-stream', 13, 23, 'orphan');
                """);
        }

        store.Migrate([new LogsMigrations()]);
        var logs = new LogStore(store, TimeProvider.System);
        try
        {
            var events = logs.StreamEvents("111111111111", "us-east-1", "/aws/lambda/a", "s1", null, null, 0, long.MaxValue, 10, fromHead: true);
            Assert.Equal(["one", "two"], events.Select(e => e.Message));
            Assert.Equal([10L, 12L], events.Select(e => e.Timestamp));
            Assert.Equal([20L, 22L], events.Select(e => e.Ingestion));
            var group = logs.GroupEvents("111111111111", "us-east-1", "/aws/lambda/a", null, null, null, null, 0, 10);
            Assert.Equal(["one", "two"], group.Select(e => e.Message));
            Assert.All(group, e => Assert.Equal("s1", e.Stream));
            Assert.Equal(7, logs.Groups("111111111111", "us-east-1", "/aws/lambda/a").Single().RetentionDays);
            Assert.Equal(9, logs.Streams("111111111111", "us-east-1", "/aws/lambda/a", null).Single().StoredBytes);

            // New events continue after the migrated ids, in the migrated stream.
            logs.Append(new Core.Logs.LogStreamRef("111111111111", "us-east-1", "/aws/lambda/a", "s1"), 30, "three");
            await logs.FlushAsync().WaitAsync(TimeSpan.FromSeconds(30));
            var after = logs.StreamEvents("111111111111", "us-east-1", "/aws/lambda/a", "s1", null, null, 0, long.MaxValue, 10, fromHead: true);
            Assert.Equal(["one", "two", "three"], after.Select(e => e.Message));
            Assert.True(after[2].Id > 4);
            Assert.Equal(["other"], logs.GroupEvents("111111111111", "us-east-1", "/aws/lambda/b", null, null, null, null, 0, 10).Select(e => e.Message));
        }
        finally
        {
            await logs.DisposeAsync();
        }
    }
}
