using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Nimbus.Core.Errors;
using Nimbus.Core.Identity;
using Nimbus.Functions.Registry;
using Nimbus.Functions.Sandboxes;

namespace Nimbus.Functions.Api;

/// <summary>Reads and validates the configuration members of CreateFunction and UpdateFunctionConfiguration.</summary>
/// <remarks>Shape constraints are collected and reported together as one <c>ValidationException</c>, as AWS does;
/// semantic problems (reserved variables, the 4 KB environment, layers) are <c>InvalidParameterValueException</c>.</remarks>
internal static partial class FunctionSettings
{
    public static readonly HashSet<string> Runtimes =
    [
        "nodejs", "nodejs4.3", "nodejs6.10", "nodejs8.10", "nodejs10.x", "nodejs12.x", "nodejs14.x", "nodejs16.x", "java8", "java8.al2",
        "java11", "python2.7", "python3.6", "python3.7", "python3.8", "python3.9", "dotnetcore1.0", "dotnetcore2.0", "dotnetcore2.1",
        "dotnetcore3.1", "dotnet6", "dotnet8", "nodejs4.3-edge", "go1.x", "ruby2.5", "ruby2.7", "provided", "provided.al2", "nodejs18.x",
        "python3.10", "java17", "ruby3.2", "ruby3.3", "ruby3.4", "python3.11", "nodejs20.x", "provided.al2023", "python3.12", "java21",
        "python3.13", "nodejs22.x",
    ];

    [GeneratedRegex(@"^arn:(aws[a-zA-Z-]*)?:iam::\d{12}:role/?[a-zA-Z_0-9+=,.@\-_/]+$")]
    private static partial Regex RoleArn();

    [GeneratedRegex(@"^[^\s]+$")]
    private static partial Regex HandlerPattern();

    [GeneratedRegex(@"^arn:[a-zA-Z0-9-]+:lambda:(?<region>[a-zA-Z0-9-]+):(?<account>\d{12}):layer:(?<name>[a-zA-Z0-9-_]+):(?<version>[0-9]+)$")]
    internal static partial Regex LayerVersionArn();

    /// <summary>Applies the members present in <paramref name="body"/> to <paramref name="config"/>.</summary>
    public static FunctionConfig Apply(JsonObject body, FunctionConfig config, bool create, FunctionRegistry registry, AwsRequestContext caller)
    {
        var problems = new List<string>();
        var c = config;

        if (body.TryGetPropertyValue("Runtime", out var runtime) && runtime is not null)
        {
            var r = runtime.GetValue<string>();
            if (!Runtimes.Contains(r))
            {
                problems.Add($"Value '{r}' at 'runtime' failed to satisfy constraint: Member must satisfy enum value set: [{string.Join(", ", Runtimes)}] or be a valid ARN");
            }

            c = c with { Runtime = r };
        }

        if (body.TryGetPropertyValue("Role", out var role) && role is not null)
        {
            var r = role.GetValue<string>();
            if (!RoleArn().IsMatch(r))
            {
                problems.Add($"Value '{r}' at 'role' failed to satisfy constraint: Member must satisfy regular expression pattern: arn:(aws[a-zA-Z-]*)?:iam::\\d{{12}}:role/?[a-zA-Z_0-9+=,.@\\-_/]+");
            }

            c = c with { Role = r };
        }
        else if (create)
        {
            problems.Add("Value null at 'role' failed to satisfy constraint: Member must not be null");
        }

        if (body.TryGetPropertyValue("Handler", out var handler) && handler is not null)
        {
            var h = handler.GetValue<string>();
            if (h.Length > 128)
            {
                problems.Add($"Value '{h}' at 'handler' failed to satisfy constraint: Member must have length less than or equal to 128");
            }
            else if (!HandlerPattern().IsMatch(h))
            {
                problems.Add($"Value '{h}' at 'handler' failed to satisfy constraint: Member must satisfy regular expression pattern: [^\\s]+");
            }

            c = c with { Handler = h };
        }

        if (body.TryGetPropertyValue("Description", out var description) && description is not null)
        {
            var d = description.GetValue<string>();
            if (d.Length > 256)
            {
                problems.Add($"Value '{d}' at 'description' failed to satisfy constraint: Member must have length less than or equal to 256");
            }

            c = c with { Description = d };
        }

        if (body.TryGetPropertyValue("MemorySize", out var memory) && memory is not null)
        {
            var m = memory.GetValue<int>();
            if (m < 128)
            {
                problems.Add($"Value '{m}' at 'memorySize' failed to satisfy constraint: Member must have value greater than or equal to 128");
            }
            else if (m > 10240)
            {
                problems.Add($"Value '{m}' at 'memorySize' failed to satisfy constraint: Member must have value less than or equal to 10240");
            }

            c = c with { MemorySize = m };
        }

        if (body.TryGetPropertyValue("Timeout", out var timeout) && timeout is not null)
        {
            var t = timeout.GetValue<int>();
            if (t < 1)
            {
                problems.Add($"Value '{t}' at 'timeout' failed to satisfy constraint: Member must have value greater than or equal to 1");
            }
            else if (t > 900)
            {
                problems.Add($"Value '{t}' at 'timeout' failed to satisfy constraint: Member must have value less than or equal to 900");
            }

            c = c with { Timeout = t };
        }

        if (body.TryGetPropertyValue("EphemeralStorage", out var storage) && storage?["Size"] is { } size)
        {
            var s = size.GetValue<int>();
            if (s is < 512 or > 10240)
            {
                problems.Add($"Value '{s}' at 'ephemeralStorage.size' failed to satisfy constraint: Member must have value {(s < 512 ? "greater than or equal to 512" : "less than or equal to 10240")}");
            }

            c = c with { EphemeralStorage = new EphemeralStorage(s) };
        }

        if (problems.Count > 0)
        {
            var count = problems.Count == 1 ? "1 validation error" : $"{problems.Count} validation errors";
            throw new AwsError("ValidationException", $"{count} detected: {string.Join("; ", problems)}").ToException();
        }

        if (body.TryGetPropertyValue("Environment", out var environment) && environment is not null)
        {
            var variables = environment["Variables"]?.AsObject().ToDictionary(p => p.Key, p => p.Value?.GetValue<string>() ?? "", StringComparer.Ordinal)
                ?? [];
            var reserved = variables.Keys.Where(SandboxEnvironment.Reserved.Contains).ToList();
            if (reserved.Count > 0)
            {
                throw LambdaErrors.InvalidParameter($"Lambda was unable to configure your environment variables because the environment variables you have provided contains reserved keys that are currently not supported for modification. Reserved keys used in this request: {string.Join(", ", reserved)}").ToException();
            }

            var measured = "{" + string.Join(",", variables.Select(kv => $"{kv.Key}={kv.Value}")) + "}";
            if (Encoding.UTF8.GetByteCount(string.Concat(variables.Select(kv => kv.Key + kv.Value))) > 4096)
            {
                throw LambdaErrors.InvalidParameter($"Lambda was unable to configure your environment variables because the environment variables you have provided exceeded the 4KB limit. String measured: {measured}").ToException();
            }

            c = c with { Environment = variables.Count == 0 ? null : new EnvironmentResponse(variables) };
        }

        if (body.TryGetPropertyValue("Layers", out var layers) && layers is not null)
        {
            c = c with { Layers = ResolveLayers(layers.AsArray().Select(l => l!.GetValue<string>()).ToList(), registry, caller) };
        }

        if (body["TracingConfig"]?["Mode"] is { } mode)
        {
            c = c with { TracingConfig = new TracingConfig(mode.GetValue<string>()) };
        }

        if (body.TryGetPropertyValue("DeadLetterConfig", out var dlq))
        {
            var target = dlq?["TargetArn"]?.GetValue<string>();
            c = c with { DeadLetterConfig = string.IsNullOrEmpty(target) ? null : new DeadLetterConfig(target) };
        }

        if (body["Architectures"] is JsonArray architectures && architectures.Count > 0)
        {
            c = c with { Architectures = architectures.Select(a => a!.GetValue<string>()).ToList() };
        }

        if (body["LoggingConfig"] is JsonObject logging)
        {
            c = c with
            {
                LoggingConfig = new LoggingConfig(
                    logging["LogFormat"]?.GetValue<string>() ?? c.LoggingConfig.LogFormat,
                    logging["ApplicationLogLevel"]?.GetValue<string>() ?? c.LoggingConfig.ApplicationLogLevel,
                    logging["SystemLogLevel"]?.GetValue<string>() ?? c.LoggingConfig.SystemLogLevel,
                    logging["LogGroup"]?.GetValue<string>() ?? c.LoggingConfig.LogGroup),
            };
        }

        if (c.PackageType == "Zip" && (c.Runtime is null || c.Handler is null))
        {
            throw LambdaErrors.InvalidParameter("Runtime and Handler are mandatory parameters for functions created with deployment packages.").ToException();
        }

        return c;
    }

    private static List<LayerRef> ResolveLayers(List<string> arns, FunctionRegistry registry, AwsRequestContext caller)
    {
        if (arns.Count > 5)
        {
            throw LambdaErrors.InvalidParameter("Cannot reference more than 5 layers.").ToException();
        }

        var result = new List<LayerRef>();
        foreach (var arn in arns)
        {
            var m = LayerVersionArn().Match(arn);
            if (!m.Success)
            {
                throw new AwsError("ValidationException", $"1 validation error detected: Value '[{string.Join(", ", arns)}]' at 'layers' failed to satisfy constraint: Member must satisfy constraint: [Member must have length less than or equal to 140, Member must have length greater than or equal to 1, Member must satisfy regular expression pattern: (arn:[a-zA-Z0-9-]+:lambda:[a-zA-Z0-9-]+:\\d{{12}}:layer:[a-zA-Z0-9-_]+:[0-9]+)|(arn:[a-zA-Z0-9-]+:lambda:::awslayer:[a-zA-Z0-9-_]+), Member must not be null]").ToException();
            }

            var record = registry.LayerVersion(m.Groups["account"].Value, m.Groups["region"].Value, m.Groups["name"].Value, long.Parse(m.Groups["version"].Value, System.Globalization.CultureInfo.InvariantCulture))
                ?? throw LambdaErrors.InvalidParameter($"Layer version {arn} does not exist.").ToException();
            if (result.Any(r => r.Arn.StartsWith(record.LayerArn + ":", StringComparison.Ordinal)))
            {
                throw LambdaErrors.InvalidParameter($"Two different versions of the same layer are not allowed to be referenced in the same function. {record.LayerArn} is referenced more than once.").ToException();
            }

            result.Add(new LayerRef(arn, record.Content.CodeSize) { CodeHex = record.Content.CodeHex });
        }

        return result;
    }
}
