namespace Nimbus.Gateway.WebSockets;

/// <summary>API Gateway's WebSocket quotas ("Amazon API Gateway quotas for WebSocket APIs").</summary>
/// <param name="IdleTimeout">A connection without traffic is closed after 10 minutes.</param>
/// <param name="MaxDuration">Any connection is closed after 2 hours.</param>
/// <param name="MaxMessageBytes">Message payload size: 128 KB (a larger message closes the connection with 1009).</param>
/// <param name="MaxFrameBytes">Frame size: 32 KB; the receive buffer reads at most this much per frame.</param>
internal sealed record WebSocketLimits(TimeSpan IdleTimeout, TimeSpan MaxDuration, int MaxMessageBytes, int MaxFrameBytes)
{
    public static readonly WebSocketLimits Aws = new(TimeSpan.FromMinutes(10), TimeSpan.FromHours(2), 128 * 1024, 32 * 1024);
}
