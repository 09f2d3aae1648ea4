using Nimbus.Messaging.Delivery;

namespace Nimbus.Messaging.Scheduler;

/// <summary>Wakes the Scheduler's delivery worker when invocations commit.</summary>
internal sealed class SchedulerSignal : DeliverySignal;
