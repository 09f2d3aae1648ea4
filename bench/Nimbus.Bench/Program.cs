using Nimbus.Bench;

try
{
    return await Cli.RunAsync(args);
}
catch (UsageException e)
{
    Console.Error.WriteLine(e.Message);
    Console.Error.WriteLine(Cli.Usage);
    return 2;
}
