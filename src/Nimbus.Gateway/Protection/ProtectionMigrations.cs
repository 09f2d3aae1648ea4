using Nimbus.Storage.Sqlite;

namespace Nimbus.Gateway.Protection;

/// <summary>Tables for API keys, usage plans, their keys and per-day usage (quota) — module <c>gateway-keys</c>.</summary>
/// <remarks>Keys and plans are account-level resources (not under an API), so they live beside <c>apigw_apis</c> rather
/// than in an API's document. Usage is counted per plan, key and UTC day so quotas survive a restart.</remarks>
internal sealed class ProtectionMigrations : IMigrationSource
{
    public IEnumerable<Migration> Migrations =>
    [
        new("gateway-keys", 1, """
            CREATE TABLE apigw_api_keys (
                key_id TEXT NOT NULL PRIMARY KEY, account TEXT NOT NULL, region TEXT NOT NULL, doc TEXT NOT NULL);
            CREATE TABLE apigw_usage_plans (
                plan_id TEXT NOT NULL PRIMARY KEY, account TEXT NOT NULL, region TEXT NOT NULL, doc TEXT NOT NULL);
            CREATE TABLE apigw_usage_plan_keys (
                plan_id TEXT NOT NULL, key_id TEXT NOT NULL, PRIMARY KEY (plan_id, key_id));
            CREATE TABLE apigw_usage (
                plan_id TEXT NOT NULL, key_id TEXT NOT NULL, day TEXT NOT NULL, used INTEGER NOT NULL,
                PRIMARY KEY (plan_id, key_id, day));
            """),
    ];
}
