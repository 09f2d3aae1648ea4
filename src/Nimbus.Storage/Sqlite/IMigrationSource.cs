namespace Nimbus.Storage.Sqlite;

/// <summary>A module's schema history. Each service owns its tables and registers one of these.</summary>
public interface IMigrationSource
{
    IEnumerable<Migration> Migrations { get; }
}
