using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Nimbus.Templates.CodeDeploy;

/// <summary>The traffic-shifting schedule of a Lambda deployment configuration: the new version's share after each step, and the wait after it.</summary>
/// <remarks>Predefined configurations are named <c>CodeDeployDefault.Lambda{AllAtOnce|CanaryPPercentNMinutes|LinearPPercentEveryNMinute(s)}</c>
/// ("Deployment configurations on an AWS Lambda compute platform" in the CodeDeploy guide); custom ones come from an
/// <c>AWS::CodeDeploy::DeploymentConfig</c>'s <c>TrafficRoutingConfig</c>.</remarks>
internal static partial class TrafficShifting
{
    [GeneratedRegex(@"^(?:CodeDeployDefault\.)?Lambda(?:Canary(\d+)Percent(\d+)Minutes?|Linear(\d+)PercentEvery(\d+)Minutes?|(AllAtOnce))$")]
    private static partial Regex Predefined();

    public static IReadOnlyList<(int Percent, TimeSpan Wait)>? Steps(string configName, JsonObject? customRouting = null)
    {
        if (Predefined().Match(configName) is { Success: true } m)
        {
            if (m.Groups[5].Success)
            {
                return [(100, TimeSpan.Zero)];
            }

            return m.Groups[1].Success
                ? Canary(Int(m.Groups[1].Value), Int(m.Groups[2].Value))
                : Linear(Int(m.Groups[3].Value), Int(m.Groups[4].Value));
        }

        return customRouting?["Type"]?.ToString() switch
        {
            "TimeBasedCanary" => Canary(Int(customRouting["TimeBasedCanary"]?["CanaryPercentage"]), Int(customRouting["TimeBasedCanary"]?["CanaryInterval"])),
            "TimeBasedLinear" => Linear(Int(customRouting["TimeBasedLinear"]?["LinearPercentage"]), Int(customRouting["TimeBasedLinear"]?["LinearInterval"])),
            "AllAtOnce" => [(100, TimeSpan.Zero)],
            _ => null,
        };
    }

    private static List<(int, TimeSpan)> Canary(int percent, int minutes) => [(percent, TimeSpan.FromMinutes(minutes)), (100, TimeSpan.Zero)];

    private static List<(int, TimeSpan)> Linear(int percent, int minutes)
    {
        var steps = new List<(int, TimeSpan)>();
        for (var p = percent; p < 100; p += Math.Max(1, percent))
        {
            steps.Add((p, TimeSpan.FromMinutes(minutes)));
        }

        steps.Add((100, TimeSpan.Zero));
        return steps;
    }

    private static int Int(object? value) => int.Parse(value?.ToString() ?? "0", CultureInfo.InvariantCulture);
}
