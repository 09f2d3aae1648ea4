using System.Text.Json.Nodes;
using Nimbus.Core.Messaging;

namespace Nimbus.Messaging.Patterns;

/// <summary>The platform's <see cref="IEventPatterns"/>: EventBridge's pattern language (Lambda's <c>FilterCriteria</c> uses it).</summary>
internal sealed class EventPatterns : IEventPatterns
{
    public IEventPattern Compile(string pattern)
    {
        try
        {
            return new Compiled(PatternParser.Parse(pattern, PatternDialect.EventBridge));
        }
        catch (PatternException e)
        {
            throw new ArgumentException(e.Reason, nameof(pattern), e);
        }
        catch (System.Text.Json.JsonException e)
        {
            throw new ArgumentException("Filter is not valid JSON.", nameof(pattern), e);
        }
    }

    private sealed class Compiled(EventPattern pattern) : IEventPattern
    {
        public bool Matches(JsonNode? document) => pattern.Matches(document);
    }
}
