namespace Nimbus.Cli.Commands.Sam;

/// <summary>One thing wrong with a template: where (a path of keys from the root) and what.</summary>
/// <param name="Limitation">True when the template is valid but Nimbus cannot run this part yet (reported as a warning).</param>
internal sealed record TemplateProblem(string[] Path, string Message, bool Limitation = false)
{
    public string Location => string.Join('/', Path);
}
