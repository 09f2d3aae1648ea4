using System.Net.WebSockets;
using System.Text;

namespace Nimbus.Gateway.WebSockets;

/// <summary>One open WebSocket connection of a WebSocket API stage.</summary>
/// <remarks>Sends are serialised (a WebSocket allows one send at a time): replies to messages and
/// <c>@connections</c> posts may come from any thread.</remarks>
internal sealed class WebSocketSession(
    string connectionId,
    string apiId,
    string stage,
    string domainName,
    string sourceIp,
    string? userAgent,
    IReadOnlyDictionary<string, string> stageVariables,
    DateTimeOffset connectedAt)
{
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);
    private readonly SemaphoreSlim _send = new(1, 1);
    private long _lastActive = connectedAt.ToUnixTimeMilliseconds();
    private int _closing;

    public string ConnectionId => connectionId;

    public string ApiId => apiId;

    public string Stage => stage;

    public string DomainName => domainName;

    public string SourceIp => sourceIp;

    public string? UserAgent => userAgent;

    public IReadOnlyDictionary<string, string> StageVariables => stageVariables;

    public DateTimeOffset ConnectedAt => connectedAt;

    public DateTimeOffset LastActiveAt => DateTimeOffset.FromUnixTimeMilliseconds(Interlocked.Read(ref _lastActive));

    /// <summary>Set once the socket is accepted.</summary>
    public WebSocket? Socket { get; set; }

    /// <summary>The close status and description the server sent, when it closed the connection.</summary>
    public (int Code, string Reason)? ServerClose { get; private set; }

    public bool IsOpen => Socket is { State: WebSocketState.Open } && Volatile.Read(ref _closing) == 0;

    public void Touch(DateTimeOffset now) => Interlocked.Exchange(ref _lastActive, now.ToUnixTimeMilliseconds());

    /// <summary>Sends one message: a text frame when the data is UTF-8, else a binary frame.</summary>
    public async Task<bool> SendAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken)
    {
        var type = IsUtf8(data.Span) ? WebSocketMessageType.Text : WebSocketMessageType.Binary;
        await _send.WaitAsync(cancellationToken);
        try
        {
            if (!IsOpen)
            {
                return false;
            }

            await Socket!.SendAsync(data, type, endOfMessage: true, cancellationToken);
            return true;
        }
        catch (Exception e) when (e is WebSocketException or ObjectDisposedException or OperationCanceledException)
        {
            return false;
        }
        finally
        {
            _send.Release();
        }
    }

    public Task<bool> SendTextAsync(string text, CancellationToken cancellationToken) => SendAsync(Encoding.UTF8.GetBytes(text), cancellationToken);

    /// <summary>Starts the closing handshake from the server side (idle timeout, maximum duration, DeleteConnection).</summary>
    public async Task CloseAsync(WebSocketCloseStatus status, string reason)
    {
        if (Interlocked.Exchange(ref _closing, 1) == 1 || Socket is null)
        {
            return;
        }

        ServerClose = ((int)status, reason);
        await _send.WaitAsync();
        try
        {
            if (Socket.State is WebSocketState.Open or WebSocketState.CloseReceived)
            {
                using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
                await Socket.CloseOutputAsync(status, reason, timeout.Token);
            }
        }
        catch (Exception e) when (e is WebSocketException or ObjectDisposedException or OperationCanceledException)
        {
            Socket.Abort();
        }
        finally
        {
            _send.Release();
        }
    }

    private static bool IsUtf8(ReadOnlySpan<byte> data)
    {
        try
        {
            StrictUtf8.GetCharCount(data);
            return true;
        }
        catch (DecoderFallbackException)
        {
            return false;
        }
    }
}
