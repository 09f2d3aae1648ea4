namespace Nimbus.Templates;

/// <summary>Settings of the CloudFormation module.</summary>
public sealed class TemplatesOptions
{
    /// <summary>Divides the waits of gradual deployments (traffic-shifting intervals, hook timeouts): 60 turns minutes into seconds.</summary>
    public double TimeScale { get; set; } = 1;

    /// <summary>How long a PreTraffic/PostTraffic hook has to report its status (CodeDeploy's limit is one hour), before scaling.</summary>
    public TimeSpan HookTimeout { get; set; } = TimeSpan.FromHours(1);

    public TimeSpan Scaled(TimeSpan wait) => TimeScale is > 0 and not 1 ? wait / TimeScale : wait;
}
