namespace Nimbus.Logs.Store;

/// <summary>One stored log event.</summary>
internal sealed record LogEventRecord(long Id, string Stream, long Timestamp, long Ingestion, string Message);
