using System.Diagnostics;
using System.Text.Json.Nodes;
using Nimbus.Cli.Commands.Sam;

namespace Nimbus.Cli.Commands;

/// <summary>
/// <c>nimbus build [FUNCTION]</c>: builds each function and layer with local code into <c>.nimbus/build/&lt;LogicalId&gt;</c>
/// and writes <c>.nimbus/build/template.yaml</c> pointing at the results, as <c>sam build</c> does with <c>.aws-sam/build</c>.
/// Node: copy, then <c>npm ci</c> (lockfile) or <c>npm install</c> when package.json exists. .NET: <c>dotnet publish</c>.
/// <c>Metadata: BuildMethod: makefile</c>: <c>make build-&lt;LogicalId&gt;</c> with ARTIFACTS_DIR. Others: copy.
/// </summary>
internal static class BuildCommand
{
    public static async Task<int> RunAsync(Arguments args)
    {
        var started = Stopwatch.GetTimestamp();
        var template = TemplateFile.Load(args, preferBuilt: false);
        var buildDir = TemplateFile.BuildDirectory(args);
        var only = args.Positionals.Count > 1 ? args.Positionals[1] : null;
        Directory.CreateDirectory(buildDir);
        var output = template.Document.DeepClone().AsObject();
        var globalCode = template.Document["Globals"]?["Function"]?["CodeUri"];
        var built = 0;
        foreach (var (id, node) in output["Resources"] as JsonObject ?? [])
        {
            if (node is not JsonObject resource || resource["Properties"] is not JsonObject props)
            {
                continue;
            }

            var type = resource["Type"]?.ToString();
            var (property, source) = type switch
            {
                "AWS::Serverless::Function" => ("CodeUri", props["CodeUri"] ?? globalCode),
                "AWS::Serverless::LayerVersion" => ("ContentUri", props["ContentUri"]),
                "AWS::Lambda::Function" => ("Code", props["Code"]),
                _ => ("", null),
            };
            if (!TemplateFile.IsLocalPath(source) || (props["PackageType"]?.ToString() == "Image"))
            {
                continue;
            }

            if (only is not null && only != id)
            {
                continue;
            }

            var sourceDir = template.Resolve(source!.GetValue<string>());
            var artifacts = Path.Combine(buildDir, id);
            var runtime = props["Runtime"]?.ToString() ?? template.Document["Globals"]?["Function"]?["Runtime"]?.ToString() ?? "";
            var method = resource["Metadata"]?["BuildMethod"]?.ToString();
            Console.WriteLine($"Building {(type == "AWS::Serverless::LayerVersion" ? "layer" : "codeuri")}: {source} runtime: {(runtime.Length > 0 ? runtime : method ?? "-")} metadata: {(method is null ? "{}" : "{BuildMethod: " + method + "}")} functions: {id}");
            if (Directory.Exists(artifacts))
            {
                Directory.Delete(artifacts, recursive: true);
            }

            Directory.CreateDirectory(artifacts);
            await BuildOneAsync(id, sourceDir, artifacts, runtime, method);
            props[property] = id;
            built++;
        }

        // Paths the build did not touch stay valid from the build folder: make them relative to it.
        foreach (var (_, node) in output["Resources"] as JsonObject ?? [])
        {
            if (node?["Properties"] is JsonObject props)
            {
                foreach (var name in (string[])["DefinitionUri"])
                {
                    if (TemplateFile.IsLocalPath(props[name]))
                    {
                        props[name] = Path.GetRelativePath(buildDir, template.Resolve(props[name]!.GetValue<string>()));
                    }
                }
            }
        }

        if (output["Globals"]?["Function"] is JsonObject gf && gf["CodeUri"] is not null)
        {
            gf.Remove("CodeUri");
        }

        var target = Path.Combine(buildDir, "template.yaml");
        await File.WriteAllTextAsync(target, YamlWriter.Write(output));
        Console.WriteLine();
        Console.WriteLine(Output.Green("Build Succeeded") + Output.Dim($" ({built} built in {Stopwatch.GetElapsedTime(started).TotalSeconds:F1} s)"));
        Console.WriteLine();
        Console.WriteLine($"Built Artifacts  : {Path.GetRelativePath(Environment.CurrentDirectory, buildDir)}");
        Console.WriteLine($"Built Template   : {Path.GetRelativePath(Environment.CurrentDirectory, target)}");
        Console.WriteLine();
        Console.WriteLine("Commands you can use next\n=========================\n[*] Validate SAM template: nimbus validate\n[*] Invoke Function: nimbus local invoke\n[*] Test Function in the Cloud: nimbus deploy --stack-name NAME");
        return 0;
    }

    private static async Task BuildOneAsync(string id, string source, string artifacts, string runtime, string? method)
    {
        if (method == "makefile")
        {
            await RunAsync("make", [$"build-{id}"], source, new Dictionary<string, string> { ["ARTIFACTS_DIR"] = artifacts });
            return;
        }

        if (runtime.StartsWith("dotnet", StringComparison.Ordinal) || method == "dotnet7")
        {
            await RunAsync("dotnet", ["publish", "-c", "Release", "-o", artifacts, "--nologo"], source, []);
            return;
        }

        if (!Directory.Exists(source))
        {
            if (File.Exists(source))
            {
                File.Copy(source, Path.Combine(artifacts, Path.GetFileName(source)));
                return;
            }

            throw new CliException($"{id}: code path {source} does not exist.");
        }

        Copy(source, artifacts);
        if ((runtime.StartsWith("nodejs", StringComparison.Ordinal) || method?.StartsWith("nodejs", StringComparison.Ordinal) == true)
            && File.Exists(Path.Combine(artifacts, "package.json")))
        {
            var ci = File.Exists(Path.Combine(artifacts, "package-lock.json"));
            await RunAsync("npm", ci ? ["ci", "--omit=dev", "--no-audit", "--no-fund"] : ["install", "--omit=dev", "--no-audit", "--no-fund"], artifacts, []);
        }
    }

    /// <summary>Copies a code folder, leaving out what SAM CLI leaves out (node_modules is rebuilt, VCS folders and the build output).</summary>
    private static void Copy(string from, string to)
    {
        foreach (var dir in Directory.EnumerateDirectories(from))
        {
            var name = Path.GetFileName(dir);
            if (name is "node_modules" or ".git" or ".aws-sam" or ".nimbus")
            {
                continue;
            }

            Directory.CreateDirectory(Path.Combine(to, name));
            Copy(dir, Path.Combine(to, name));
        }

        foreach (var file in Directory.EnumerateFiles(from))
        {
            File.Copy(file, Path.Combine(to, Path.GetFileName(file)), overwrite: true);
        }
    }

    private static async Task RunAsync(string file, string[] arguments, string directory, Dictionary<string, string> env)
    {
        var start = new ProcessStartInfo(file) { WorkingDirectory = directory, UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in arguments)
        {
            start.ArgumentList.Add(a);
        }

        foreach (var (k, v) in env)
        {
            start.Environment[k] = v;
        }

        Console.WriteLine(Output.Dim($"Running {file} {string.Join(' ', arguments)}"));
        Process process;
        try
        {
            process = Process.Start(start)!;
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new CliException($"Cannot run {file}: {e.Message}");
        }

        using (process)
        {
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            await process.WaitForExitAsync();
            var text = (await stdout + await stderr).TrimEnd();
            if (process.ExitCode != 0)
            {
                throw new CliException($"Build failed: {file} {string.Join(' ', arguments)} exited with {process.ExitCode}\n{text}");
            }
        }
    }
}
