using Nimbus.StepFunctions.Conformance;

return await ConformanceRunner.RunAsync(args, Console.Out).ConfigureAwait(false);
