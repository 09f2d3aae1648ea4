namespace Nimbus.Functions;

/// <summary>Settings of the Lambda module (<c>NIMBUS_*</c> environment variables and command-line options feed these).</summary>
public sealed class FunctionsOptions
{
    /// <summary>Where the state directory is; code is unpacked under it.</summary>
    public string StateDirectory { get; set; } = ".nimbus";

    /// <summary><c>auto</c> (bubblewrap when present), <c>bubblewrap</c> (required) or <c>process</c> (plain child processes).</summary>
    public string Sandbox { get; set; } = "auto";

    /// <summary>Folder holding the language bootstraps (<c>node/bootstrap.mjs</c>, <c>python/bootstrap.py</c>).</summary>
    public string? RuntimesDirectory { get; set; }

    /// <summary>How long an idle sandbox stays warm before it is reaped.</summary>
    public TimeSpan KeepAlive { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>The account's concurrent executions limit per region (AWS default 1,000).</summary>
    public int AccountConcurrency { get; set; } = 1000;

    /// <summary>The Init phase limit (10 s on AWS).</summary>
    public TimeSpan InitTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>The URL functions use to reach Nimbus itself (set as <c>AWS_ENDPOINT_URL</c> in sandboxes).</summary>
    public string? EndpointUrl { get; set; }

    /// <summary>Speeds up long waits (async retry delays): 60 makes a one-minute retry delay one second. 1 is real time.</summary>
    public double TimeScale { get; set; } = 1;

    public void Validate()
    {
        if (Sandbox is not ("auto" or "bubblewrap" or "process"))
        {
            throw new InvalidOperationException($"Sandbox must be auto, bubblewrap or process, not '{Sandbox}'.");
        }

        if (!(TimeScale > 0))
        {
            throw new InvalidOperationException("TimeScale must be greater than 0.");
        }

        if (AccountConcurrency < 1)
        {
            throw new InvalidOperationException("AccountConcurrency must be at least 1.");
        }
    }
}
