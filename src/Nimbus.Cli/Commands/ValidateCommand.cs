using Nimbus.Cli.Commands.Sam;

namespace Nimbus.Cli.Commands;

/// <summary><c>nimbus validate [-t TEMPLATE]</c>: every error of a template, each with its line, resource and property.</summary>
internal static class ValidateCommand
{
    public static int Run(Arguments args)
    {
        var template = TemplateFile.Load(args, preferBuilt: false);
        var problems = TemplateValidator.Validate(template.Document, Environment.GetEnvironmentVariable("AWS_REGION") ?? "us-east-1");
        var relative = Path.GetRelativePath(Environment.CurrentDirectory, template.FilePath);
        foreach (var p in problems.OrderBy(p => p.Limitation).ThenBy(p => template.Lines.Find(p.Path)))
        {
            var line = template.Lines.Find(p.Path);
            var where = p.Path.Length == 0 ? "" : $" [{p.Location}]";
            var label = p.Limitation ? "warning (not supported by Nimbus yet)" : "error";
            Console.Error.WriteLine($"{relative}:{line}:{where} {(p.Limitation ? label : Output.Red(label))}: {p.Message}");
        }

        var errors = problems.Count(p => !p.Limitation);
        if (errors > 0)
        {
            Console.Error.WriteLine($"{relative} is not a valid SAM Template: {errors} error(s).");
            return 1;
        }

        Console.WriteLine($"{relative} is a valid SAM Template");
        return 0;
    }
}
