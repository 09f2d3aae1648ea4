using Nimbus.Jsonata.Conformance;

if (args.Length < 1 || !Directory.Exists(args[0]))
{
    Console.Error.WriteLine("usage: Nimbus.Jsonata.Conformance <jsonata-suite directory>");
    return 2;
}

var filter = args.Length > 1 ? args[1] : null;
var runner = new SuiteRunner(args[0], filter);

// Deeply recursive (non tail-call) expressions need a generous stack; run the suite on a big-stack thread.
var thread = new Thread(runner.Run, 512 * 1024 * 1024);
thread.Start();
thread.Join();
Console.WriteLine($"{runner.Passed} passed, {runner.Failed} failed");
return 0;
