using System.IO.Compression;
using System.Text.Json.Nodes;
using Nimbus.Cli.Commands.Sam;
using Nimbus.Templates.Intrinsics;
using Nimbus.Templates.Sam;

namespace Nimbus.Cli.Commands.Local;

/// <summary>
/// A template read for the local commands: the SAM transform applied (Globals merged, events translated) with local code
/// paths kept, and each function's Api/HttpApi events read from the SAM resource as SAM CLI reads them.
/// </summary>
internal sealed class LocalTemplate
{
    private LocalTemplate(TemplateFile file, JsonObject transformed, IReadOnlyList<LocalFunction> functions, Dictionary<string, string> parameters)
    {
        File = file;
        Transformed = transformed;
        Functions = functions;
        Parameters = parameters;
    }

    public TemplateFile File { get; }

    public JsonObject Transformed { get; }

    public IReadOnlyList<LocalFunction> Functions { get; }

    public Dictionary<string, string> Parameters { get; }

    public static LocalTemplate Load(Arguments args)
    {
        var file = TemplateFile.Load(args);
        var parameters = file.ParameterValues(args);
        var prepared = LocalTransform.Prepare(file.Document, stripPolicies: true);
        JsonObject transformed;
        try
        {
            transformed = SamTranslator.HasSamTransform(prepared)
                ? SamTranslator.Transform(prepared, new SamTranslatorOptions(Region, "aws", parameters, new Dictionary<string, string>()))
                : prepared;
        }
        catch (InvalidSamDocumentException e)
        {
            throw new CliException($"{file.FilePath}: {e.FullMessage}");
        }

        var functions = new List<LocalFunction>();
        foreach (var (id, node) in transformed["Resources"] as JsonObject ?? [])
        {
            if (node?["Type"]?.ToString() != "AWS::Lambda::Function" || node["Properties"] is not JsonObject props)
            {
                continue;
            }

            var code = props["Code"];
            string directory;
            if (LocalTransform.LocalPath(code) is { } local)
            {
                directory = Unpacked(file.Resolve(local));
            }
            else if (code?["ZipFile"]?.ToString() is { } inline)
            {
                directory = InlineCode(id, props["Runtime"]?.ToString() ?? "", inline);
            }
            else
            {
                // Code in S3 or an image: SAM CLI cannot run these locally either.
                Console.Error.WriteLine(Output.Dim($"Skipping {id}: its code is not a local path."));
                continue;
            }

            functions.Add(new LocalFunction(id, directory, props, ApiEvents(file.Resources[id])));
        }

        return new LocalTemplate(file, transformed, functions, parameters);
    }

    public static string Region => Environment.GetEnvironmentVariable("AWS_REGION") ?? Environment.GetEnvironmentVariable("AWS_DEFAULT_REGION") ?? "us-east-1";

    public LocalFunction Function(string? name)
    {
        if (name is null)
        {
            return Functions.Count == 1
                ? Functions[0]
                : throw new CliException($"The template has {Functions.Count} functions; name one: {string.Join(", ", Functions.Select(f => f.LogicalId))}.");
        }

        return Functions.FirstOrDefault(f => f.LogicalId == name || f.Properties["FunctionName"]?.ToString() == name)
            ?? throw new CliException($"Function {name} not found. Possible options in your template: [{string.Join(", ", Functions.Select(f => f.LogicalId))}]");
    }

    /// <summary>
    /// The function's environment variables with intrinsics resolved (parameters, pseudo parameters; resources through
    /// <paramref name="resources"/>), then <c>--env-vars</c> overrides: the <c>Parameters</c> entry for every function,
    /// then the function's own entry.
    /// </summary>
    public Dictionary<string, string> EnvironmentFor(LocalFunction function, IResourceResolver resources, JsonObject? overrides)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        if (function.Properties["Environment"]?["Variables"] is JsonObject variables)
        {
            var evaluator = new IntrinsicEvaluator(new IntrinsicContext
            {
                Region = Region,
                StackName = "local",
                Parameters = Parameters.ToDictionary(kv => kv.Key, kv => (JsonNode?)JsonValue.Create(kv.Value)),
                Mappings = Transformed["Mappings"] as JsonObject,
                Conditions = Transformed["Conditions"] as JsonObject,
                Resources = resources,
            });
            foreach (var (k, v) in variables)
            {
                try
                {
                    if (evaluator.Evaluate(v) is JsonValue value)
                    {
                        result[k] = value.ToString();
                    }
                }
                catch (IntrinsicException e)
                {
                    Console.Error.WriteLine(Output.Dim($"{function.LogicalId}: environment variable {k} left out: {e.Message}"));
                }
            }
        }

        foreach (var key in (string[])["Parameters", function.LogicalId])
        {
            if (overrides?[key] is JsonObject values)
            {
                foreach (var (k, v) in values)
                {
                    if (v is JsonValue value)
                    {
                        result[k] = value.ToString();
                    }
                }
            }
        }

        return result;
    }

    /// <summary>Reads <c>--env-vars FILE</c> (SAM CLI's format: <c>{"FunctionId": {"VAR": "value"}, "Parameters": {…}}</c>).</summary>
    public static JsonObject? EnvVars(Arguments args)
    {
        if (args.Get("env-vars") is not { } path)
        {
            return null;
        }

        try
        {
            return JsonNode.Parse(System.IO.File.ReadAllText(path)) as JsonObject ?? throw new CliException($"--env-vars {path} must hold a JSON object.");
        }
        catch (Exception e) when (e is IOException or System.Text.Json.JsonException)
        {
            throw new CliException($"Could not read --env-vars {path}: {e.Message}");
        }
    }

    private static List<ApiEvent> ApiEvents(JsonNode? samResource)
    {
        var list = new List<ApiEvent>();
        if (samResource?["Properties"]?["Events"] is not JsonObject events)
        {
            return list;
        }

        foreach (var (eventId, ev) in events)
        {
            var type = ev?["Type"]?.ToString();
            if (type is not ("Api" or "HttpApi"))
            {
                continue;
            }

            var props = ev!["Properties"] as JsonObject ?? [];
            var apiRef = props[type == "Api" ? "RestApiId" : "ApiId"]?["Ref"]?.ToString();
            var payload = props["PayloadFormatVersion"]?.ToString() ?? (type == "Api" ? "1.0" : "2.0");
            // An HttpApi event without Path and Method is the catch-all $default route.
            var path = props["Path"]?.ToString() ?? (type == "HttpApi" ? "$default" : "/");
            var method = props["Method"]?.ToString()?.ToUpperInvariant() ?? "ANY";
            list.Add(new ApiEvent(eventId, type, path, method == "ANY" ? "ANY" : method, apiRef, payload));
        }

        return list;
    }

    private static string Unpacked(string path)
    {
        if (Directory.Exists(path))
        {
            return path;
        }

        if (System.IO.File.Exists(path) && path.EndsWith(".zip", StringComparison.OrdinalIgnoreCase))
        {
            var target = Path.Combine(Path.GetTempPath(), "nimbus-local-" + Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(path)))[..16]);
            if (Directory.Exists(target))
            {
                Directory.Delete(target, recursive: true);
            }

            ZipFile.ExtractToDirectory(path, target);
            return target;
        }

        throw new CliException($"Code path {path} does not exist.");
    }

    private static string InlineCode(string id, string runtime, string code)
    {
        var target = Path.Combine(Path.GetTempPath(), $"nimbus-inline-{id}-{Environment.ProcessId}");
        Directory.CreateDirectory(target);
        var file = runtime.StartsWith("python", StringComparison.Ordinal) ? "index.py" : "index.js";
        System.IO.File.WriteAllText(Path.Combine(target, file), code);
        return target;
    }
}
