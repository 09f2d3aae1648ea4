namespace Nimbus.Functions.Sandboxes;

/// <summary>The environment variables Lambda sets in every execution environment, plus the function's own.</summary>
internal static class SandboxEnvironment
{
    /// <summary>Keys a function may not set itself (Lambda's reserved environment variables).</summary>
    public static readonly HashSet<string> Reserved =
    [
        "_HANDLER", "_X_AMZN_TRACE_ID", "AWS_DEFAULT_REGION", "AWS_REGION", "AWS_EXECUTION_ENV",
        "AWS_LAMBDA_FUNCTION_NAME", "AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "AWS_LAMBDA_FUNCTION_VERSION",
        "AWS_LAMBDA_INITIALIZATION_TYPE", "AWS_LAMBDA_LOG_GROUP_NAME", "AWS_LAMBDA_LOG_STREAM_NAME",
        "AWS_ACCESS_KEY", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN",
        "AWS_LAMBDA_RUNTIME_API", "LAMBDA_TASK_ROOT", "LAMBDA_RUNTIME_DIR",
    ];

    public static Dictionary<string, string> Build(
        SandboxSpec spec, string runtimeApi, string taskRoot, string runtimeDir, string optDir, string logStreamName, string? endpointUrl)
    {
        var env = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["PATH"] = "/usr/local/bin:/usr/bin/:/bin:/opt/bin",
            ["LD_LIBRARY_PATH"] = "/var/lang/lib:/lib64:/usr/lib64:/var/runtime:/var/runtime/lib:/var/task:/var/task/lib:/opt/lib",
            ["LANG"] = "en_US.UTF-8",
            ["TZ"] = ":UTC",
            ["LAMBDA_TASK_ROOT"] = taskRoot,
            ["LAMBDA_RUNTIME_DIR"] = runtimeDir,
            ["AWS_LAMBDA_RUNTIME_API"] = runtimeApi,
            ["_HANDLER"] = spec.Handler,
            ["AWS_REGION"] = spec.Region,
            ["AWS_DEFAULT_REGION"] = spec.Region,
            ["AWS_EXECUTION_ENV"] = $"AWS_Lambda_{spec.Runtime}",
            ["AWS_LAMBDA_FUNCTION_NAME"] = spec.FunctionName,
            ["AWS_LAMBDA_FUNCTION_VERSION"] = spec.Version,
            ["AWS_LAMBDA_FUNCTION_MEMORY_SIZE"] = spec.MemorySize.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["AWS_LAMBDA_INITIALIZATION_TYPE"] = "on-demand",
            ["AWS_LAMBDA_LOG_GROUP_NAME"] = spec.LogStream.GroupName,
            ["AWS_LAMBDA_LOG_STREAM_NAME"] = logStreamName,
            ["AWS_ACCESS_KEY_ID"] = spec.AccountId == "000000000000" ? "test" : spec.AccountId,
            ["AWS_SECRET_ACCESS_KEY"] = "test",
            ["AWS_SESSION_TOKEN"] = "nimbus-session-token",
            ["AWS_XRAY_CONTEXT_MISSING"] = "LOG_ERROR",
            ["AWS_XRAY_DAEMON_ADDRESS"] = "169.254.79.129:2000",
            ["NODE_PATH"] = $"{optDir}/nodejs/node22/node_modules:{optDir}/nodejs/node20/node_modules:{optDir}/nodejs/node_modules:{runtimeDir}/node_modules:{runtimeDir}:{taskRoot}",
            ["PYTHONPATH"] = $"{optDir}/python/lib/{PythonDir(spec.Runtime)}/site-packages:{optDir}/python:{runtimeDir}",
            ["HOME"] = "/tmp",
        };
        if (endpointUrl is not null)
        {
            env["AWS_ENDPOINT_URL"] = endpointUrl;
        }

        foreach (var (k, v) in spec.UserEnvironment)
        {
            if (!Reserved.Contains(k))
            {
                env[k] = v;
            }
        }

        return env;
    }

    private static string PythonDir(string runtime) => runtime.StartsWith("python", StringComparison.Ordinal) ? runtime : "python3.12";
}
