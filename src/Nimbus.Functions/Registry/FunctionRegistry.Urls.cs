using System.Text.Json;
using Microsoft.Data.Sqlite;
using Nimbus.Storage.Sqlite;

namespace Nimbus.Functions.Registry;

/// <summary>Persistence of function URL configs (<c>lambda_function_urls</c>), inside the function's write transaction.</summary>
internal sealed partial class FunctionRegistry
{
    private static void PersistUrls(SqliteConnection c, SqliteTransaction tx, FunctionState? before, FunctionState after)
    {
        var k = after.Key;
        foreach (var slot in before?.UrlConfigs.Keys.Except(after.UrlConfigs.Keys) ?? [])
        {
            c.Execute("DELETE FROM lambda_function_urls WHERE account=$a AND region=$r AND function_name=$n AND qualifier=$q", tx,
                ("$a", k.AccountId), ("$r", k.Region), ("$n", k.Name), ("$q", slot));
        }

        foreach (var (slot, config) in after.UrlConfigs)
        {
            if (before is null || !before.UrlConfigs.TryGetValue(slot, out var old) || old != config)
            {
                c.Execute(
                    """
                    INSERT INTO lambda_function_urls (account, region, function_name, qualifier, url_id, config_json) VALUES ($a, $r, $n, $q, $u, $j)
                    ON CONFLICT (account, region, function_name, qualifier) DO UPDATE SET url_id=$u, config_json=$j
                    """,
                    tx, ("$a", k.AccountId), ("$r", k.Region), ("$n", k.Name), ("$q", slot), ("$u", config.UrlId),
                    ("$j", JsonSerializer.Serialize(config, FunctionsJson.Default.FunctionUrlConfig)));
            }
        }
    }

    private static ILookup<FunctionKey, FunctionUrlConfig> LoadUrls(SqliteConnection c) =>
        c.Query(
            "SELECT account, region, function_name, config_json FROM lambda_function_urls",
            r => (Key: new FunctionKey(r.GetString(0), r.GetString(1), r.GetString(2)),
                  Config: JsonSerializer.Deserialize(r.GetString(3), FunctionsJson.Default.FunctionUrlConfig)!))
            .ToLookup(x => x.Key, x => x.Config);
}
