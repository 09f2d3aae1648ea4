using System.Text.Json;
using System.Text.Json.Nodes;
using Nimbus.Core.Identity;
using Nimbus.Core.Targets;

namespace Nimbus.Messaging.Events;

/// <summary>The <c>events</c> delivery target: puts an event on a bus (the body is the detail).</summary>
internal sealed class EventsArnTarget(EventsStore store, EventRouter router) : IArnTarget
{
    public string Service => "events";

    public Task<ArnDeliveryResult> DeliverAsync(Arn arn, ArnMessage message, CancellationToken cancellationToken)
    {
        if (!arn.Resource.StartsWith("event-bus/", StringComparison.Ordinal))
        {
            throw new ArnDeliveryException("InvalidParameterValue", $"Not an event bus ARN: {arn}");
        }

        var bus = store.Bus(arn.Account, arn.Region, arn.Resource[10..]) ?? throw new ArnDeliveryException("ResourceNotFoundException", $"Event bus {arn.Resource[10..]} does not exist.");
        JsonNode detail;
        try
        {
            detail = JsonNode.Parse(message.Body) as JsonObject ?? throw new ArnDeliveryException("MalformedDetail", "Detail is malformed.");
        }
        catch (JsonException)
        {
            throw new ArnDeliveryException("MalformedDetail", "Detail is malformed.");
        }

        var @event = router.NewEvent(bus.Account, bus.Region, message.EventSource ?? "nimbus", message.DetailType ?? "Event", detail, [], null);
        router.Route(bus, @event);
        return Task.FromResult(new ArnDeliveryResult(@event["id"]!.GetValue<string>()));
    }
}
