namespace Nimbus.Server;

/// <summary>Settings of one Nimbus process. Defaults need no configuration: 127.0.0.1:4566, state under ./.nimbus.</summary>
public sealed class NimbusOptions
{
    public string Host { get; set; } = "127.0.0.1";

    /// <summary>The edge port; 0 picks a free one (tests).</summary>
    public int Port { get; set; } = 4566;

    public string StateDirectory { get; set; } = ".nimbus";

    /// <summary><c>auto</c>, <c>bubblewrap</c> or <c>process</c>.</summary>
    public string Sandbox { get; set; } = "auto";

    public TimeSpan KeepAlive { get; set; } = TimeSpan.FromMinutes(10);

    public int AccountConcurrency { get; set; } = 1000;

    /// <summary>Divides long waits (async retry delays) for local runs: 60 turns minutes into seconds. 1 is real time.</summary>
    public double TimeScale { get; set; } = 1;

    /// <summary>A Step Functions Local mock config file (<c>MockConfigFile.json</c>); also <c>SFN_MOCK_CONFIG</c>.</summary>
    public string? SfnMockConfig { get; set; }

    /// <summary>Log level of Nimbus's own console log (<c>Warning</c> by default).</summary>
    public string LogLevel { get; set; } = "Warning";

    /// <summary>Reads <c>NIMBUS_*</c> environment variables over the defaults.</summary>
    public static NimbusOptions FromEnvironment()
    {
        var o = new NimbusOptions();
        string? Env(string name) => Environment.GetEnvironmentVariable("NIMBUS_" + name) is { Length: > 0 } v ? v : null;
        o.Host = Env("HOST") ?? o.Host;
        o.Port = Env("PORT") is { } p ? int.Parse(p, System.Globalization.CultureInfo.InvariantCulture) : o.Port;
        o.StateDirectory = Env("STATE_DIR") ?? o.StateDirectory;
        o.Sandbox = Env("SANDBOX") ?? o.Sandbox;
        o.KeepAlive = Env("KEEP_ALIVE") is { } k ? TimeSpan.FromSeconds(double.Parse(k, System.Globalization.CultureInfo.InvariantCulture)) : o.KeepAlive;
        o.AccountConcurrency = Env("ACCOUNT_CONCURRENCY") is { } c ? int.Parse(c, System.Globalization.CultureInfo.InvariantCulture) : o.AccountConcurrency;
        o.LogLevel = Env("LOG_LEVEL") ?? o.LogLevel;
        o.SfnMockConfig = Env("SFN_MOCK_CONFIG") ?? o.SfnMockConfig;
        o.TimeScale = Env("TIME_SCALE") is { } t ? double.Parse(t, System.Globalization.CultureInfo.InvariantCulture) : o.TimeScale;
        return o;
    }
}
