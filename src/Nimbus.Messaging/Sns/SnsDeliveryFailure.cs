namespace Nimbus.Messaging.Sns;

/// <summary>An endpoint refused a delivery (a non-2xx answer, an unsupported protocol): the entry is retried.</summary>
internal sealed class SnsDeliveryFailure(string message) : Exception(message);
