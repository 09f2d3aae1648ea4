namespace Nimbus.Jsonata.Parsing;

internal sealed record Token(string Type, object? Value, int Position);
