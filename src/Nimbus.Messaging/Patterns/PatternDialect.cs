namespace Nimbus.Messaging.Patterns;

/// <summary>Which service's rules a pattern is compiled under: EventBridge event patterns or SNS filter policies.</summary>
internal enum PatternDialect
{
    EventBridge,
    SnsMessageAttributes,
    SnsMessageBody,
}
