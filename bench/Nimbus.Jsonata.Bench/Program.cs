using BenchmarkDotNet.Running;

if (args.Length > 0 && args[0] == "--quick")
{
    return Nimbus.Jsonata.Bench.QuickBench.Run(args);
}

BenchmarkSwitcher.FromAssembly(typeof(Nimbus.Jsonata.Bench.EvaluationBenchmarks).Assembly).Run(args);
return 0;
