namespace Nimbus.Functions.Sandboxes;

/// <summary>How an invocation ended inside a sandbox.</summary>
internal enum OutcomeKind
{
    Success,
    FunctionError,
    InitError,
    Timeout,
    Exited,
    OutOfMemory,
    ResponseTooLarge,
}
