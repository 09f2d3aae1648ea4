namespace Nimbus.Core.Logs;

/// <summary>Writes CloudWatch-Logs-shaped events (log group, log stream, timestamp, message).</summary>
/// <remarks>Implementations must not block the caller: they buffer and persist in the background.</remarks>
public interface ILogSink
{
    void Append(LogStreamRef stream, long timestampMs, string message);
}
