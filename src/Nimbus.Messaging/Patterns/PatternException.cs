namespace Nimbus.Messaging.Patterns;

/// <summary>An event pattern or filter policy that does not compile; the message is AWS's reason text.</summary>
internal sealed class PatternException(string reason) : Exception(reason)
{
    public string Reason { get; } = reason;
}
