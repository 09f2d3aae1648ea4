using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Nimbus.Functions.Runtime;

/// <summary>A minimal HTTP/1.1 server for the Lambda Runtime API, one per sandbox, on its own loopback port.</summary>
/// <remarks>
/// The sandbox is identified by the address it was given (<c>AWS_LAMBDA_RUNTIME_API=127.0.0.1:port</c>, no path),
/// so clients that parse it as an authority (Go, Rust, the C++ runtime client) work. Supports keep-alive,
/// <c>Content-Length</c> and chunked bodies, and <c>Expect: 100-continue</c> (libcurl sends it for large POSTs).
/// Thread-safety: each connection is served by one task; the handler must be thread-safe across connections.
/// </remarks>
internal sealed class RuntimeApiServer : IAsyncDisposable
{
    private const int MaxHeaderBytes = 64 * 1024;
    private const int MaxBodyBytes = 16 * 1024 * 1024;
    private static readonly byte[] Continue = "HTTP/1.1 100 Continue\r\n\r\n"u8.ToArray();

    private readonly Socket _listener;
    private readonly IRuntimeApiHandler _handler;
    private readonly CancellationTokenSource _stop = new();
    private readonly List<Socket> _connections = [];

    public RuntimeApiServer(IRuntimeApiHandler handler)
    {
        _handler = handler;
        _listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        _listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        _listener.Listen(16);
        Address = $"127.0.0.1:{((IPEndPoint)_listener.LocalEndPoint!).Port}";
        _ = AcceptLoopAsync();
    }

    /// <summary>The <c>host:port</c> the runtime is given as <c>AWS_LAMBDA_RUNTIME_API</c>.</summary>
    public string Address { get; }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Dispose();
        lock (_connections)
        {
            foreach (var c in _connections)
            {
                c.Dispose();
            }
        }

        _stop.Dispose();
    }

    private async Task AcceptLoopAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            Socket socket;
            try
            {
                socket = await _listener.AcceptAsync(_stop.Token);
            }
            catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException or SocketException)
            {
                return;
            }

            socket.NoDelay = true;
            lock (_connections)
            {
                _connections.Add(socket);
            }

            _ = ServeAsync(socket);
        }
    }

    private async Task ServeAsync(Socket socket)
    {
        var buffer = new byte[8192];
        int start = 0, end = 0;
        try
        {
            while (!_stop.IsCancellationRequested)
            {
                // Read until the end of the headers.
                int headerEnd;
                while ((headerEnd = IndexOfHeaderEnd(buffer, start, end)) < 0)
                {
                    if (end - start >= MaxHeaderBytes)
                    {
                        return;
                    }

                    (buffer, start, end) = Compact(buffer, start, end, 4096);
                    var n = await socket.ReceiveAsync(buffer.AsMemory(end), SocketFlags.None, _stop.Token);
                    if (n == 0)
                    {
                        return;
                    }

                    end += n;
                }

                var (method, path, headers) = ParseHead(buffer.AsSpan(start, headerEnd - start));
                start = headerEnd + 4;

                if (headers.TryGetValue("expect", out var expect) && expect.Equals("100-continue", StringComparison.OrdinalIgnoreCase))
                {
                    await socket.SendAsync(Continue, SocketFlags.None, _stop.Token);
                }

                byte[] body;
                if (headers.TryGetValue("transfer-encoding", out var te) && te.Contains("chunked", StringComparison.OrdinalIgnoreCase))
                {
                    (body, buffer, start, end) = await ReadChunkedAsync(socket, buffer, start, end);
                }
                else
                {
                    var length = headers.TryGetValue("content-length", out var cl) && int.TryParse(cl, out var l) ? l : 0;
                    if (length > MaxBodyBytes)
                    {
                        return;
                    }

                    body = new byte[length];
                    var have = Math.Min(length, end - start);
                    buffer.AsSpan(start, have).CopyTo(body);
                    start += have;
                    var filled = have;
                    while (filled < length)
                    {
                        var n = await socket.ReceiveAsync(body.AsMemory(filled), SocketFlags.None, _stop.Token);
                        if (n == 0)
                        {
                            return;
                        }

                        filled += n;
                    }
                }

                RuntimeResponse response;
                try
                {
                    response = await _handler.HandleAsync(new RuntimeRequest(method, path, headers, body), _stop.Token);
                }
                catch (OperationCanceledException)
                {
                    return;
                }

                await WriteAsync(socket, response);
                if (headers.TryGetValue("connection", out var conn) && conn.Equals("close", StringComparison.OrdinalIgnoreCase))
                {
                    return;
                }
            }
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException or OperationCanceledException or IOException)
        {
            // The runtime went away; nothing to answer.
        }
        finally
        {
            lock (_connections)
            {
                _connections.Remove(socket);
            }

            socket.Dispose();
        }
    }

    private async Task<(byte[] Body, byte[] Buffer, int Start, int End)> ReadChunkedAsync(Socket socket, byte[] buffer, int start, int end)
    {
        using var body = new MemoryStream();
        while (true)
        {
            int lineEnd;
            while ((lineEnd = buffer.AsSpan(start, end - start).IndexOf("\r\n"u8)) < 0)
            {
                (buffer, start, end) = await FillAsync(socket, buffer, start, end);
            }

            var sizeText = Encoding.ASCII.GetString(buffer, start, lineEnd).Split(';')[0].Trim();
            var size = Convert.ToInt32(sizeText, 16);
            start += lineEnd + 2;
            if (size == 0)
            {
                // Trailers end with an empty line.
                while (true)
                {
                    while ((lineEnd = buffer.AsSpan(start, end - start).IndexOf("\r\n"u8)) < 0)
                    {
                        (buffer, start, end) = await FillAsync(socket, buffer, start, end);
                    }

                    start += lineEnd + 2;
                    if (lineEnd == 0)
                    {
                        return (body.ToArray(), buffer, start, end);
                    }
                }
            }

            if (body.Length + size > MaxBodyBytes)
            {
                throw new IOException("Chunked body too large.");
            }

            while (end - start < size + 2)
            {
                (buffer, start, end) = await FillAsync(socket, buffer, start, end);
            }

            body.Write(buffer, start, size);
            start += size + 2;
        }
    }

    private async Task<(byte[] Buffer, int Start, int End)> FillAsync(Socket socket, byte[] buffer, int start, int end)
    {
        (buffer, start, end) = Compact(buffer, start, end, 64 * 1024);
        var n = await socket.ReceiveAsync(buffer.AsMemory(end), SocketFlags.None, _stop.Token);
        if (n == 0)
        {
            throw new IOException("Connection closed.");
        }

        return (buffer, start, end + n);
    }

    private static (byte[] Buffer, int Start, int End) Compact(byte[] buffer, int start, int end, int minFree)
    {
        var used = end - start;
        if (start > 0)
        {
            Buffer.BlockCopy(buffer, start, buffer, 0, used);
        }

        if (buffer.Length - used < minFree)
        {
            Array.Resize(ref buffer, Math.Max(buffer.Length * 2, used + minFree));
        }

        return (buffer, 0, used);
    }

    private static int IndexOfHeaderEnd(byte[] buffer, int start, int end)
    {
        var i = buffer.AsSpan(start, end - start).IndexOf("\r\n\r\n"u8);
        return i < 0 ? -1 : start + i;
    }

    private static (string Method, string Path, Dictionary<string, string> Headers) ParseHead(ReadOnlySpan<byte> head)
    {
        var text = Encoding.ASCII.GetString(head);
        var lines = text.Split("\r\n");
        var requestLine = lines[0].Split(' ');
        var headers = new Dictionary<string, string>(lines.Length, StringComparer.Ordinal);
        for (var i = 1; i < lines.Length; i++)
        {
            var colon = lines[i].IndexOf(':');
            if (colon > 0)
            {
                headers[lines[i][..colon].Trim().ToLowerInvariant()] = lines[i][(colon + 1)..].Trim();
            }
        }

        return (requestLine[0], requestLine.Length > 1 ? requestLine[1] : "/", headers);
    }

    private async Task WriteAsync(Socket socket, RuntimeResponse response)
    {
        var head = new StringBuilder(256);
        head.Append("HTTP/1.1 ").Append(response.Status).Append(' ').Append(Reason(response.Status)).Append("\r\n");
        head.Append("Content-Type: application/json\r\n");
        head.Append("Content-Length: ").Append(response.Body.Length).Append("\r\n");
        if (response.Headers is not null)
        {
            foreach (var (k, v) in response.Headers)
            {
                head.Append(k).Append(": ").Append(v).Append("\r\n");
            }
        }

        head.Append("\r\n");
        var headBytes = Encoding.UTF8.GetBytes(head.ToString());
        if (response.Body.Length < 16 * 1024)
        {
            var all = new byte[headBytes.Length + response.Body.Length];
            headBytes.CopyTo(all, 0);
            response.Body.Span.CopyTo(all.AsSpan(headBytes.Length));
            await socket.SendAsync(all, SocketFlags.None, _stop.Token);
        }
        else
        {
            await socket.SendAsync(headBytes, SocketFlags.None, _stop.Token);
            await socket.SendAsync(response.Body, SocketFlags.None, _stop.Token);
        }
    }

    private static string Reason(int status) => status switch
    {
        200 => "OK",
        202 => "Accepted",
        400 => "Bad Request",
        403 => "Forbidden",
        404 => "Not Found",
        413 => "Request Entity Too Large",
        500 => "Internal Server Error",
        _ => "Status",
    };
}
