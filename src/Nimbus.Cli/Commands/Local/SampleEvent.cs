namespace Nimbus.Cli.Commands.Local;

/// <summary>One <c>generate-event</c> template: its options (name → default, encoding) and Mustache-style body.</summary>
internal sealed record SampleEvent(string Service, string Name, string Help, IReadOnlyList<SampleEventOption> Options, string Template);

/// <summary>A <c>--option</c> of a sample event: its default and how the value is encoded before it is inserted.</summary>
/// <param name="Encoding"><c>base64</c>, <c>url</c>, <c>dict</c> (JSON object replacing the quoted placeholder) or null.</param>
/// <param name="Md5Child">The name of a placeholder filled with the MD5 hex digest of the value (SQS <c>md5OfBody</c>).</param>
internal sealed record SampleEventOption(string Name, string Default, string? Encoding = null, string? Md5Child = null);
