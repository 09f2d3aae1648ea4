using System.Text.Json.Nodes;

namespace Nimbus.Core.Messaging;

/// <summary>EventBridge's event pattern language, shared by EventBridge rules, SNS filter policies (where the semantics agree)
/// and Lambda event filtering (<c>FilterCriteria</c>).</summary>
public interface IEventPatterns
{
    /// <summary>Compiles a pattern; throws <see cref="ArgumentException"/> with AWS's message when it is not a valid pattern.</summary>
    IEventPattern Compile(string pattern);
}

/// <summary>A compiled, thread-safe event pattern.</summary>
public interface IEventPattern
{
    bool Matches(JsonNode? document);
}
