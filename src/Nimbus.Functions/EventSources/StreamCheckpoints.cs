using Nimbus.Storage.Sqlite;

namespace Nimbus.Functions.EventSources;

/// <summary>Where each stream mapping is in each shard: the sequence number of the last record processed (durable).</summary>
/// <remarks>A row with a null position means "before the first record"; no row means the mapping has not started on that
/// shard yet (its StartingPosition applies). A mapping's rows are removed with it.</remarks>
internal sealed class StreamCheckpoints(StateStore store, TimeProvider time)
{
    /// <summary>(found, position): found is false when the mapping never started on the shard.</summary>
    public (bool Found, string? Position) Get(string uuid, string shardId)
    {
        using var c = store.Open();
        var rows = c.Query("SELECT position FROM lambda_stream_checkpoints WHERE uuid=$u AND shard_id=$s", r => r.StringOrNull(0), null, ("$u", uuid), ("$s", shardId));
        return rows.Count == 0 ? (false, null) : (true, rows[0]);
    }

    public void Set(string uuid, string shardId, string? position) =>
        store.Write((c, tx) => c.Execute(
            """
            INSERT INTO lambda_stream_checkpoints (uuid, shard_id, position, updated_at) VALUES ($u, $s, $p, $t)
            ON CONFLICT (uuid, shard_id) DO UPDATE SET position=$p, updated_at=$t
            """, tx, ("$u", uuid), ("$s", shardId), ("$p", position), ("$t", time.GetUtcNow().ToUnixTimeMilliseconds())));

    public void Delete(string uuid) =>
        store.Write((c, tx) => c.Execute("DELETE FROM lambda_stream_checkpoints WHERE uuid=$u", tx, ("$u", uuid)));
}
