namespace Nimbus.Storage.Sqlite;

/// <summary>One schema step of one module; versions of a module apply in order, once.</summary>
public sealed record Migration(string Module, int Version, string Sql);
