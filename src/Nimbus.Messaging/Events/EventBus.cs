using System.Text.Json.Nodes;

namespace Nimbus.Messaging.Events;

/// <summary>An event bus (immutable snapshot); <see cref="Doc"/> holds Description, CreationTime and Tags as stored.</summary>
internal sealed record EventBus(string Arn, string Name, string Account, string Region, JsonObject Doc)
{
    public static string ArnFor(string region, string account, string name) => $"arn:aws:events:{region}:{account}:event-bus/{name}";
}
