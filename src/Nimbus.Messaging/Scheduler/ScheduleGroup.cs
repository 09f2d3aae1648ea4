using System.Text.Json.Nodes;

namespace Nimbus.Messaging.Scheduler;

/// <summary>A schedule group (immutable snapshot); <see cref="Doc"/> holds CreationDate, LastModificationDate and Tags.</summary>
internal sealed record ScheduleGroup(string Arn, string Name, string Account, string Region, JsonObject Doc)
{
    public const string Default = "default";

    public static string ArnFor(string region, string account, string name) => $"arn:aws:scheduler:{region}:{account}:schedule-group/{name}";
}
