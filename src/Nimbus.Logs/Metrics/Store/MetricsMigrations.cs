using Nimbus.Storage.Sqlite;

namespace Nimbus.Logs.Metrics.Store;

/// <summary>The CloudWatch metrics module's tables: datapoints, alarms and alarm history.</summary>
internal sealed class MetricsMigrations : IMigrationSource
{
    public IEnumerable<Migration> Migrations =>
    [
        new("metrics", 1, """
            CREATE TABLE metric_data (
                id INTEGER PRIMARY KEY AUTOINCREMENT, account TEXT NOT NULL, region TEXT NOT NULL, namespace TEXT NOT NULL,
                name TEXT NOT NULL, dims TEXT NOT NULL, ts INTEGER NOT NULL, unit TEXT NOT NULL, sample_count REAL NOT NULL,
                sum REAL NOT NULL, min REAL NOT NULL, max REAL NOT NULL, vals TEXT NULL);
            CREATE INDEX metric_data_by_metric ON metric_data (account, region, namespace, name, dims, ts);
            CREATE INDEX metric_data_by_ts ON metric_data (ts);
            CREATE TABLE metric_alarms (
                account TEXT NOT NULL, region TEXT NOT NULL, name TEXT NOT NULL, config TEXT NOT NULL, state TEXT NOT NULL,
                state_reason TEXT NOT NULL, state_reason_data TEXT NULL, state_updated INTEGER NOT NULL,
                state_transitioned INTEGER NOT NULL, config_updated INTEGER NOT NULL, actions_enabled INTEGER NOT NULL,
                tags TEXT NOT NULL, PRIMARY KEY (account, region, name));
            CREATE TABLE alarm_history (
                id INTEGER PRIMARY KEY AUTOINCREMENT, account TEXT NOT NULL, region TEXT NOT NULL, alarm_name TEXT NOT NULL,
                ts INTEGER NOT NULL, type TEXT NOT NULL, summary TEXT NOT NULL, data TEXT NOT NULL);
            CREATE INDEX alarm_history_by_alarm ON alarm_history (account, region, alarm_name, ts);
            """),
    ];
}
