namespace Nimbus.Templates.Sam;

/// <summary>The SAM translator's InvalidDocumentException: a header plus every cause found in one pass.</summary>
public sealed class InvalidSamDocumentException : Exception
{
    public InvalidSamDocumentException(IReadOnlyList<string> causes)
        : base($"Invalid Serverless Application Specification document. Number of errors found: {causes?.Count ?? 0}.")
    {
        Causes = causes ?? [];
    }

    public IReadOnlyList<string> Causes { get; }

    /// <summary>The message followed by each cause's message, separated by spaces (as the translator's callers print it).</summary>
    public string FullMessage => Causes.Count == 0 ? Message : Message + " " + string.Join(" ", Causes);
}

/// <summary>One resource is invalid ("Resource with id [X] is invalid. ...").</summary>
internal sealed class InvalidResourceException(string logicalId, string reason) : Exception($"Resource with id [{logicalId}] is invalid. {reason}")
{
    public string LogicalId { get; } = logicalId;
    public string Reason { get; } = reason;
}

/// <summary>One event of a function/state machine is invalid; wrapped into the resource's error.</summary>
internal sealed class InvalidEventException(string eventId, string reason) : Exception($"Event with id [{eventId}] is invalid. {reason}")
{
    public string EventId { get; } = eventId;

    /// <summary>Reported as is, not wrapped into the resource being translated (a state machine's event, say).</summary>
    public bool Bare { get; init; }
}

/// <summary>The template itself is invalid ("Structure of the SAM template is invalid. ..." and friends).</summary>
internal sealed class InvalidTemplateException(string message) : Exception(message);
