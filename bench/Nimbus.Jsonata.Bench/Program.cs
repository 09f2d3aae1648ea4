using BenchmarkDotNet.Running;

BenchmarkSwitcher.FromAssembly(typeof(Nimbus.Jsonata.Bench.EvaluationBenchmarks).Assembly).Run(args);
