using System.IO.Compression;
using System.Text.Json.Nodes;

namespace Nimbus.Cli.Commands;

/// <summary><c>nimbus functions create|list|get|delete</c>.</summary>
internal static class FunctionsCommand
{
    public static async Task<int> RunAsync(Arguments args)
    {
        using var endpoint = new Endpoint(args);
        switch (args.Positional(1, "functions sub-command (create, list, get, delete)"))
        {
            case "create":
                return await CreateAsync(endpoint, args);
            case "list":
                var list = await endpoint.SendAsync(HttpMethod.Get, "/2015-03-31/functions?MaxItems=10000");
                Output.Table(
                    ["NAME", "RUNTIME", "HANDLER", "MEMORY", "TIMEOUT", "LAST MODIFIED"],
                    list["Functions"]!.AsArray().Select(f => (IReadOnlyList<string>)
                    [
                        Str(f, "FunctionName"), Str(f, "Runtime"), Str(f, "Handler"), Str(f, "MemorySize"), Str(f, "Timeout"), Str(f, "LastModified"),
                    ]));
                return 0;
            case "get":
                var get = await endpoint.SendAsync(HttpMethod.Get, $"/2015-03-31/functions/{Uri.EscapeDataString(args.Positional(2, "function name"))}");
                Console.WriteLine(get.ToJsonString(new System.Text.Json.JsonSerializerOptions { WriteIndented = true }));
                return 0;
            case "delete":
                var name = args.Positional(2, "function name");
                await endpoint.SendAsync(HttpMethod.Delete, $"/2015-03-31/functions/{Uri.EscapeDataString(name)}");
                Console.WriteLine($"Deleted {name}");
                return 0;
            case var other:
                throw new CliException($"Unknown functions sub-command '{other}'.");
        }
    }

    private static async Task<int> CreateAsync(Endpoint endpoint, Arguments args)
    {
        var name = args.Positional(2, "function name");
        var code = Path.GetFullPath(args.Get("code") ?? throw new CliException("Missing --code DIR|ZIP."));
        JsonObject codeNode;
        if (args.Has("hot-reload"))
        {
            codeNode = new JsonObject { ["S3Bucket"] = "hot-reload", ["S3Key"] = code };
        }
        else if (Directory.Exists(code))
        {
            using var buffer = new MemoryStream();
            await ZipFile.CreateFromDirectoryAsync(code, buffer, CompressionLevel.Fastest, includeBaseDirectory: false);
            codeNode = new JsonObject { ["ZipFile"] = Convert.ToBase64String(buffer.ToArray()) };
        }
        else if (File.Exists(code))
        {
            codeNode = new JsonObject { ["ZipFile"] = Convert.ToBase64String(await File.ReadAllBytesAsync(code)) };
        }
        else
        {
            throw new CliException($"Code path {code} does not exist.");
        }

        var body = new JsonObject
        {
            ["FunctionName"] = name,
            ["Runtime"] = args.Get("runtime") ?? throw new CliException("Missing --runtime (e.g. nodejs20.x, python3.12, provided.al2023)."),
            ["Handler"] = args.Get("handler") ?? "index.handler",
            ["Role"] = args.Get("role") ?? "arn:aws:iam::000000000000:role/lambda-role",
            ["Code"] = codeNode,
        };
        if (args.Get("memory") is { } memory)
        {
            body["MemorySize"] = int.Parse(memory, System.Globalization.CultureInfo.InvariantCulture);
        }

        if (args.Get("timeout") is { } timeout)
        {
            body["Timeout"] = int.Parse(timeout, System.Globalization.CultureInfo.InvariantCulture);
        }

        if (args.All("env").Count > 0)
        {
            var vars = new JsonObject();
            foreach (var kv in args.All("env"))
            {
                var eq = kv.IndexOf('=', StringComparison.Ordinal);
                if (eq <= 0)
                {
                    throw new CliException($"--env expects KEY=VALUE, got '{kv}'.");
                }

                vars[kv[..eq]] = kv[(eq + 1)..];
            }

            body["Environment"] = new JsonObject { ["Variables"] = vars };
        }

        if (args.All("layer").Count > 0)
        {
            body["Layers"] = new JsonArray(args.All("layer").Select(l => (JsonNode)l).ToArray());
        }

        var created = await endpoint.SendAsync(HttpMethod.Post, "/2015-03-31/functions", body);
        Console.WriteLine($"Created {Output.Green(Str(created, "FunctionArn"))} ({Str(created, "Runtime")}, {Str(created, "CodeSize")} bytes)");
        return 0;
    }

    internal static string Str(JsonNode? node, string member) => node?[member]?.ToString() ?? "";
}
