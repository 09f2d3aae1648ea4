using System.Buffers;
using System.Globalization;
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

    private static readonly string[] KnownHeaders =
    [
        "host", "content-type", "content-length", "connection", "expect", "transfer-encoding", "user-agent", "accept",
        "lambda-runtime-function-error-type", "lambda-runtime-function-xray-error-cause",
    ];

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
        var scratch = new byte[4096];
        byte[]? deferred = null;
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
                    if (deferred is not null)
                    {
                        await socket.SendAsync(deferred, SocketFlags.None, _stop.Token);
                        deferred = null;
                    }

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

                var close = headers.TryGetValue("connection", out var conn) && conn.Equals("close", StringComparison.OrdinalIgnoreCase);
                if (!close && CanDefer(method, response, buffer.AsSpan(start, end - start)))
                {
                    // A pipelining runtime (the Node bootstrap) has already sent its GET /invocation/next behind this
                    // POST: its 202 goes out with the next event instead of on its own — one write and one runtime
                    // wake-up fewer per invocation. A runtime that waits for the 202 before asking never gets here.
                    deferred = Render(response);
                    response.AfterSend?.Invoke();
                    continue;
                }

                try
                {
                    await WriteAsync(socket, response, scratch, deferred);
                    deferred = null;
                }
                finally
                {
                    response.AfterSend?.Invoke();
                }

                if (close)
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

    /// <summary>Parses the request line and headers straight from the bytes (names lower-cased, values trimmed, the last
    /// of a repeated header wins); common names and methods are interned, so a request allocates only its values.</summary>
    internal static (string Method, string Path, Dictionary<string, string> Headers) ParseHead(ReadOnlySpan<byte> head)
    {
        var eol = head.IndexOf("\r\n"u8);
        var requestLine = eol < 0 ? head : head[..eol];
        var rest = eol < 0 ? [] : head[(eol + 2)..];
        string method, path;
        var sp = requestLine.IndexOf((byte)' ');
        if (sp < 0)
        {
            (method, path) = (Method(requestLine), "/");
        }
        else
        {
            method = Method(requestLine[..sp]);
            var target = requestLine[(sp + 1)..];
            var sp2 = target.IndexOf((byte)' ');
            path = Encoding.ASCII.GetString(sp2 < 0 ? target : target[..sp2]);
        }

        var headers = new Dictionary<string, string>(8, StringComparer.Ordinal);
        while (!rest.IsEmpty)
        {
            eol = rest.IndexOf("\r\n"u8);
            var line = eol < 0 ? rest : rest[..eol];
            rest = eol < 0 ? [] : rest[(eol + 2)..];
            var colon = line.IndexOf((byte)':');
            if (colon > 0)
            {
                headers[HeaderName(line[..colon].Trim(" \t"u8))] = Encoding.ASCII.GetString(line[(colon + 1)..].Trim(" \t"u8));
            }
        }

        return (method, path, headers);
    }

    private static string Method(ReadOnlySpan<byte> m) =>
        m.SequenceEqual("GET"u8) ? "GET" : m.SequenceEqual("POST"u8) ? "POST" : Encoding.ASCII.GetString(m);

    private static string HeaderName(ReadOnlySpan<byte> name)
    {
        foreach (var known in KnownHeaders)
        {
            if (Ascii.EqualsIgnoreCase(name, known))
            {
                return known;
            }
        }

        return Encoding.ASCII.GetString(name).ToLowerInvariant();
    }

    /// <summary>True for a small 202 to a POST when the next request, a GET without a body, is already buffered.</summary>
    private static bool CanDefer(string method, RuntimeResponse response, ReadOnlySpan<byte> buffered) =>
        method == "POST" && response.Status == 202 && response.Headers is null && response.Body.Length < 1024 &&
        buffered.StartsWith("GET "u8) && buffered.IndexOf("\r\n\r\n"u8) >= 0;

    private static byte[] Render(RuntimeResponse response)
    {
        Span<byte> head = stackalloc byte[128];
        var n = WriteHead(head, response);
        var bytes = new byte[n + response.Body.Length];
        head[..n].CopyTo(bytes);
        response.Body.Span.CopyTo(bytes.AsSpan(n));
        return bytes;
    }

    private async Task WriteAsync(Socket socket, RuntimeResponse response, byte[] scratch, byte[]? prefix = null)
    {
        // Head and a small body in one send; the head is written as bytes, without an intermediate string.
        var bodyLength = response.Body.Length;
        var headMax = 128;
        if (response.Headers is not null)
        {
            foreach (var (k, v) in response.Headers)
            {
                headMax += Encoding.UTF8.GetMaxByteCount(k.Length + v.Length) + 4;
            }
        }

        var inline = bodyLength < 16 * 1024;
        var before = prefix?.Length ?? 0;
        var needed = before + headMax + (inline ? bodyLength : 0);
        var buffer = needed <= scratch.Length ? scratch : ArrayPool<byte>.Shared.Rent(needed);
        try
        {
            prefix?.CopyTo(buffer, 0);
            var n = before + WriteHead(buffer.AsSpan(before), response);
            if (inline)
            {
                response.Body.Span.CopyTo(buffer.AsSpan(n));
                await socket.SendAsync(buffer.AsMemory(0, n + bodyLength), SocketFlags.None, _stop.Token);
            }
            else
            {
                await socket.SendAsync(buffer.AsMemory(0, n), SocketFlags.None, _stop.Token);
                await socket.SendAsync(response.Body, SocketFlags.None, _stop.Token);
            }
        }
        finally
        {
            if (!ReferenceEquals(buffer, scratch))
            {
                ArrayPool<byte>.Shared.Return(buffer);
            }
        }
    }

    private static int WriteHead(Span<byte> buffer, RuntimeResponse response)
    {
        var n = Put(buffer, 0, "HTTP/1.1 "u8);
        response.Status.TryFormat(buffer[n..], out var w, default, CultureInfo.InvariantCulture);
        n += w;
        buffer[n++] = (byte)' ';
        n += Encoding.ASCII.GetBytes(Reason(response.Status), buffer[n..]);
        n = Put(buffer, n, "\r\nContent-Type: application/json\r\nContent-Length: "u8);
        response.Body.Length.TryFormat(buffer[n..], out w, default, CultureInfo.InvariantCulture);
        n = Put(buffer, n + w, "\r\n"u8);
        if (response.Headers is not null)
        {
            foreach (var (k, v) in response.Headers)
            {
                n += Encoding.UTF8.GetBytes(k, buffer[n..]);
                n = Put(buffer, n, ": "u8);
                n += Encoding.UTF8.GetBytes(v, buffer[n..]);
                n = Put(buffer, n, "\r\n"u8);
            }
        }

        return Put(buffer, n, "\r\n"u8);
    }

    private static int Put(Span<byte> buffer, int at, ReadOnlySpan<byte> bytes)
    {
        bytes.CopyTo(buffer[at..]);
        return at + bytes.Length;
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
