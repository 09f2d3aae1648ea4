namespace Nimbus.Cli.Commands.Local;

/// <summary>Watches each function's code folder and calls back once per burst of changes (debounced 300 ms).</summary>
/// <remarks>Callbacks run on the thread pool; a failing reload is printed and the watch goes on.</remarks>
internal sealed class CodeWatcher : IDisposable
{
    private readonly List<FileSystemWatcher> _watchers = [];
    private readonly List<Timer> _timers = [];

    public CodeWatcher(IEnumerable<LocalFunction> functions, Func<LocalFunction, Task> reload)
    {
        foreach (var group in functions.GroupBy(f => f.CodeDirectory))
        {
            var affected = group.ToList();
            var timer = new Timer(_ =>
            {
                foreach (var f in affected)
                {
                    _ = Run(f);
                }
            });
            _timers.Add(timer);
            var watcher = new FileSystemWatcher(group.Key) { IncludeSubdirectories = true, NotifyFilter = NotifyFilters.FileName | NotifyFilters.DirectoryName | NotifyFilters.LastWrite | NotifyFilters.Size };
            FileSystemEventHandler changed = (_, _) => timer.Change(300, Timeout.Infinite);
            watcher.Changed += changed;
            watcher.Created += changed;
            watcher.Deleted += changed;
            watcher.Renamed += (_, _) => timer.Change(300, Timeout.Infinite);
            watcher.EnableRaisingEvents = true;
            _watchers.Add(watcher);
        }

        async Task Run(LocalFunction f)
        {
            try
            {
                await reload(f);
            }
            catch (Exception e) when (e is CliException or Sam.AwsCallException or HttpRequestException)
            {
                Console.Error.WriteLine($"Reloading {f.LogicalId} failed: {e.Message}");
            }
        }
    }

    public void Dispose()
    {
        foreach (var w in _watchers)
        {
            w.Dispose();
        }

        foreach (var t in _timers)
        {
            t.Dispose();
        }
    }
}
