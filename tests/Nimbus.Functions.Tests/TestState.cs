using System.Collections.Immutable;
using System.IO.Compression;
using System.Text;
using Microsoft.Data.Sqlite;
using Nimbus.Functions.Registry;
using Nimbus.Storage.Sqlite;

namespace Nimbus.Functions.Tests;

/// <summary>A temporary state directory with a migrated store; deleted on dispose.</summary>
internal sealed class TestState : IDisposable
{
    public TestState()
    {
        Directory = Path.Combine(Path.GetTempPath(), "nimbus-functions-tests-" + Guid.NewGuid().ToString("N"));
        Store = OpenStore();
    }

    public string Directory { get; }

    public StateStore Store { get; }

    /// <summary>A new store on the same directory, as a restarted process would open it.</summary>
    public StateStore OpenStore()
    {
        var store = new StateStore(Directory);
        store.Migrate([new FunctionsMigrations()]);
        return store;
    }

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        if (System.IO.Directory.Exists(Directory))
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
    }

    public static FunctionConfig Config(FunctionKey key, string? codeHex = "00") => new()
    {
        FunctionName = key.Name,
        FunctionArn = key.UnqualifiedArn,
        Runtime = "provided.al2023",
        Handler = "bootstrap",
        LastModified = "2024-01-31T12:00:00.000+0000",
        CodeSha256 = "c2hh",
        CodeHex = codeHex,
        RevisionId = Guid.NewGuid().ToString(),
    };

    public static FunctionState State(FunctionKey key, int? reserved = null) =>
        new(key, Config(key), ImmutableSortedDictionary<long, FunctionConfig>.Empty, ImmutableDictionary<string, AliasConfig>.Empty,
            reserved, ImmutableDictionary<string, string>.Empty, 0);

    /// <summary>Builds a zip whose entries carry the given unix permissions (regular-file type bits included).</summary>
    public static byte[] Zip(params (string Name, string Content, int Mode)[] entries)
    {
        using var buffer = new MemoryStream();
        using (var archive = new ZipArchive(buffer, ZipArchiveMode.Create, leaveOpen: true))
        {
            foreach (var (name, content, mode) in entries)
            {
                var entry = archive.CreateEntry(name);
                entry.ExternalAttributes = (0b1000_0000_0000_0000 | mode) << 16;
                using var s = entry.Open();
                s.Write(Encoding.UTF8.GetBytes(content));
            }
        }

        return buffer.ToArray();
    }

    /// <summary>A launcher without bubblewrap, with this state directory.</summary>
    public Sandboxes.SandboxLauncher ProcessLauncher() =>
        new(new FunctionsOptions { Sandbox = "process", StateDirectory = Directory }, Microsoft.Extensions.Logging.Abstractions.NullLogger<Sandboxes.SandboxLauncher>.Instance);

    /// <summary>The spec of a sandbox for function <paramref name="name"/> in account 123456789012, us-east-1.</summary>
    public static Sandboxes.SandboxSpec Spec(string name, string runtime, string handler, string codeDirectory, int memorySize = 128) => new()
    {
        FunctionName = name,
        Version = "$LATEST",
        Runtime = runtime,
        Handler = handler,
        MemorySize = memorySize,
        TimeoutSeconds = 3,
        CodeDirectory = codeDirectory,
        Region = "us-east-1",
        AccountId = "123456789012",
        UserEnvironment = new Dictionary<string, string>(),
        LogStream = new Core.Logs.LogStreamRef("123456789012", "us-east-1", "/aws/lambda/" + name, ""),
    };
}
