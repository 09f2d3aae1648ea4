namespace Nimbus.Cli;

/// <summary>A failure to report to the user as one line, with exit code 1.</summary>
internal sealed class CliException(string message) : Exception(message);
