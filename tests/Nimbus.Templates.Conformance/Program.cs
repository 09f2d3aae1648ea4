using Nimbus.Templates.Conformance;

if (args.Length < 1)
{
    Console.Error.WriteLine("usage: Nimbus.Templates.Conformance DIR [--verbose] [--only NAME]");
    return 2;
}
var verbose = args.Contains("--verbose");
var onlyIndex = Array.IndexOf(args, "--only");
var only = onlyIndex >= 0 && onlyIndex + 1 < args.Length ? args[onlyIndex + 1] : null;
var result = SamConformanceRunner.Run(args[0], Console.Out, verbose, only);
return result.Failed == 0 ? 0 : 1;
