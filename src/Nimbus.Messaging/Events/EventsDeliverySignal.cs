using Nimbus.Messaging.Delivery;

namespace Nimbus.Messaging.Events;

/// <summary>Wakes the EventBridge delivery worker when deliveries commit.</summary>
internal sealed class EventsDeliverySignal : DeliverySignal;
