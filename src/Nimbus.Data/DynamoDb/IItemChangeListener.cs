using System.Text.Json.Nodes;
using Microsoft.Data.Sqlite;

namespace Nimbus.Data.DynamoDb;

/// <summary>Sees every item change inside the transaction that makes it (DynamoDB Streams capture, secondary indexes…).</summary>
/// <remarks>
/// Every write path of <see cref="DynamoStore"/> (single-item writes, batch writes, transactions, TTL expiry) must call
/// <see cref="DynamoStore.ItemChanged"/> for each item it changes, so listeners commit or roll back with the write.
/// </remarks>
internal interface IItemChangeListener
{
    /// <param name="oldItem">The item before the change, or null when it was created.</param>
    /// <param name="newItem">The item after the change, or null when it was deleted.</param>
    /// <param name="expired">True when the deletion was done by Time to Live (stream records then name the service as the user).</param>
    void OnItemChanged(SqliteConnection connection, SqliteTransaction transaction, DynamoTable table, JsonObject? oldItem, JsonObject? newItem, bool expired);

    /// <summary>A table was created (<paramref name="before"/> null), updated, or deleted (<paramref name="after"/> null), inside the
    /// transaction that stores the change (DynamoDB Streams opens and closes streams here).</summary>
    void OnTableChanged(SqliteConnection connection, SqliteTransaction transaction, DynamoTable? before, DynamoTable? after)
    {
    }
}
