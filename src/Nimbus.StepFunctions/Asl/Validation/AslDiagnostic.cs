namespace Nimbus.StepFunctions.Asl.Validation;

/// <summary>Severity of a definition problem, as in ValidateStateMachineDefinition.</summary>
public enum DiagnosticSeverity
{
    Error,
    Warning,
}

/// <summary>One problem found in a definition: an AWS-style code, a message and a JSON-pointer-like location (e.g. <c>/States/A/Next</c>).</summary>
public sealed record AslDiagnostic(string Code, string Message, string Location, DiagnosticSeverity Severity = DiagnosticSeverity.Error)
{
    public const string SchemaValidationFailed = "SCHEMA_VALIDATION_FAILED";
    public const string InvalidJson = "INVALID_JSON_DESCRIPTION";
    public const string MissingTransitionTarget = "MISSING_TRANSITION_TARGET";
    public const string UnreachableState = "UNREACHABLE_STATE";
    public const string NoTerminalState = "NO_TERMINAL_STATE";
    public const string InvalidPath = "INVALID_JSON_PATH";
    public const string UnsupportedQueryLanguage = "UNSUPPORTED_QUERY_LANGUAGE";

    public override string ToString() => $"{Code} at {Location}: {Message}";
}

/// <summary>The outcome of parsing + validating a definition: a model when there are no errors, and every problem found.</summary>
public sealed record AslParseResult(Model.StateMachineDefinition? Definition, IReadOnlyList<AslDiagnostic> Diagnostics)
{
    public bool IsValid => Definition is not null && Diagnostics.All(d => d.Severity != DiagnosticSeverity.Error);
}
