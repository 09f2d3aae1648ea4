using Nimbus.Messaging.Delivery;

namespace Nimbus.Messaging.Sns;

/// <summary>Wakes the SNS delivery worker when new outbox entries commit.</summary>
internal sealed class SnsDeliverySignal : DeliverySignal;
