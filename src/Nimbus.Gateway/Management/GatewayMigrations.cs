using Nimbus.Storage.Sqlite;

namespace Nimbus.Gateway.Management;

/// <summary>The API Gateway module's tables: one JSON document per API (v2 HTTP API or v1 REST API).</summary>
/// <remarks>An API and everything under it (routes, integrations, stages, deployments and their snapshots) changes
/// together and is read together, so the document is the unit of storage; writes replace it in one transaction.</remarks>
internal sealed class GatewayMigrations : IMigrationSource
{
    public IEnumerable<Migration> Migrations =>
    [
        new("gateway", 1, """
            CREATE TABLE apigw_apis (
                api_id TEXT NOT NULL PRIMARY KEY, kind TEXT NOT NULL, account TEXT NOT NULL, region TEXT NOT NULL,
                doc TEXT NOT NULL, updated INTEGER NOT NULL);
            CREATE INDEX apigw_apis_by_owner ON apigw_apis (account, region, kind);
            """),
    ];
}
