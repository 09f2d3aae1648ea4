namespace Nimbus.Core.Provisioning;

/// <summary>A resource operation that failed; the message is the reason shown in the stack's events.</summary>
public sealed class ProvisioningException(string message, Exception? inner = null) : Exception(message, inner);
