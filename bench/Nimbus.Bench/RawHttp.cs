using System.Net;
using System.Net.Sockets;
using System.Globalization;
using System.Text;

namespace Nimbus.Bench;

/// <summary>One HTTP response as the load generator sees it.</summary>
internal readonly record struct RawResponse(int Status, bool FunctionError, byte[]? Body, Dictionary<string, string>? Headers);

/// <summary>
/// A minimal keep-alive HTTP/1.1 client over one socket: pre-built request bytes in, status (and optionally headers
/// and body) out. Used instead of HttpClient so the generator's own cost stays small next to the server's on a
/// 2-core machine. Supports Content-Length and chunked responses. Not thread-safe: one connection per worker.
/// </summary>
internal sealed class RawHttp : IDisposable
{
    private static readonly byte[] FunctionErrorHeader = "\r\nx-amz-function-error:"u8.ToArray();
    private readonly Uri _endpoint;
    private Socket? _socket;
    private byte[] _buffer = new byte[64 * 1024];
    private int _start;
    private int _end;

    public RawHttp(Uri endpoint) => _endpoint = endpoint;

    public string HostHeader => $"{_endpoint.Host}:{_endpoint.Port}";

    /// <summary>Builds request bytes once, for reuse in a hot loop.</summary>
    public byte[] BuildRequest(string method, string path, ReadOnlySpan<byte> body, IEnumerable<KeyValuePair<string, string>>? headers = null)
    {
        var head = new StringBuilder(256);
        head.Append(method).Append(' ').Append(path).Append(" HTTP/1.1\r\nHost: ").Append(HostHeader).Append("\r\n");
        if (headers is not null)
        {
            foreach (var (k, v) in headers)
            {
                head.Append(k).Append(": ").Append(v).Append("\r\n");
            }
        }

        if (body.Length > 0 || method is "POST" or "PUT")
        {
            head.Append("Content-Type: application/json\r\nContent-Length: ").Append(body.Length).Append("\r\n");
        }

        head.Append("\r\n");
        var headBytes = Encoding.ASCII.GetBytes(head.ToString());
        var all = new byte[headBytes.Length + body.Length];
        headBytes.CopyTo(all, 0);
        body.CopyTo(all.AsSpan(headBytes.Length));
        return all;
    }

    public async Task<RawResponse> SendAsync(byte[] request, bool capture, CancellationToken cancellationToken = default)
    {
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                if (_socket is null)
                {
                    await ConnectAsync(cancellationToken);
                }

                await _socket!.SendAsync(request, SocketFlags.None, cancellationToken);
                return await ReadResponseAsync(capture, cancellationToken);
            }
            catch (Exception e) when (attempt == 0 && e is SocketException or IOException)
            {
                // The server closed an idle keep-alive connection: reconnect once.
                Close();
            }
        }
    }

    public async Task<RawResponse> SendAsync(string method, string path, string? body = null, IEnumerable<KeyValuePair<string, string>>? headers = null, CancellationToken cancellationToken = default) =>
        await SendAsync(BuildRequest(method, path, body is null ? [] : Encoding.UTF8.GetBytes(body), headers), capture: true, cancellationToken);

    public void Dispose() => Close();

    private async Task ConnectAsync(CancellationToken cancellationToken)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            var address = IPAddress.TryParse(_endpoint.Host, out var ip) ? ip : IPAddress.Loopback;
            await socket.ConnectAsync(new IPEndPoint(address, _endpoint.Port), cancellationToken);
        }
        catch
        {
            socket.Dispose();
            throw;
        }

        _socket = socket;
        _start = _end = 0;
    }

    private void Close()
    {
        _socket?.Dispose();
        _socket = null;
        _start = _end = 0;
    }

    private async Task FillAsync(CancellationToken cancellationToken)
    {
        if (_start > 0)
        {
            Buffer.BlockCopy(_buffer, _start, _buffer, 0, _end - _start);
            _end -= _start;
            _start = 0;
        }

        if (_end == _buffer.Length)
        {
            Array.Resize(ref _buffer, _buffer.Length * 2);
        }

        var n = await _socket!.ReceiveAsync(_buffer.AsMemory(_end), SocketFlags.None, cancellationToken);
        if (n == 0)
        {
            throw new IOException("Connection closed by the server.");
        }

        _end += n;
    }

    private async Task<RawResponse> ReadResponseAsync(bool capture, CancellationToken cancellationToken)
    {
        int headerEnd;
        while ((headerEnd = _buffer.AsSpan(_start, _end - _start).IndexOf("\r\n\r\n"u8)) < 0)
        {
            await FillAsync(cancellationToken);
        }

        var head = _buffer.AsSpan(_start, headerEnd);
        var status = ParseStatus(head);
        var contentLength = -1L;
        var chunked = false;
        var close = false;
        var functionError = ContainsIgnoreCase(head, FunctionErrorHeader);
        Dictionary<string, string>? headers = capture ? new(StringComparer.OrdinalIgnoreCase) : null;
        var rest = head[(head.IndexOf("\r\n"u8) + 2)..];
        while (rest.Length > 0)
        {
            var eol = rest.IndexOf("\r\n"u8);
            var line = eol < 0 ? rest : rest[..eol];
            rest = eol < 0 ? [] : rest[(eol + 2)..];
            var colon = line.IndexOf((byte)':');
            if (colon <= 0)
            {
                continue;
            }

            var name = line[..colon].Trim((byte)' ');
            var value = line[(colon + 1)..].Trim((byte)' ');
            if (Ascii.EqualsIgnoreCase(name, "content-length"u8))
            {
                contentLength = long.Parse(value, CultureInfo.InvariantCulture);
            }
            else if (Ascii.EqualsIgnoreCase(name, "transfer-encoding"u8) && value.IndexOf("chunked"u8) >= 0)
            {
                chunked = true;
            }
            else if (Ascii.EqualsIgnoreCase(name, "connection"u8) && Ascii.EqualsIgnoreCase(value, "close"u8))
            {
                close = true;
            }

            headers?.TryAdd(Encoding.ASCII.GetString(name), Encoding.ASCII.GetString(value));
        }

        _start += headerEnd + 4;
        byte[]? body = null;
        if (chunked)
        {
            using var ms = new MemoryStream();
            while (true)
            {
                int lineEnd;
                while ((lineEnd = _buffer.AsSpan(_start, _end - _start).IndexOf("\r\n"u8)) < 0)
                {
                    await FillAsync(cancellationToken);
                }

                var size = int.Parse(Encoding.ASCII.GetString(_buffer, _start, lineEnd).Split(';')[0].Trim(), NumberStyles.HexNumber, CultureInfo.InvariantCulture);
                _start += lineEnd + 2;
                while (_end - _start < size + 2)
                {
                    await FillAsync(cancellationToken);
                }

                if (capture)
                {
                    ms.Write(_buffer, _start, size);
                }

                _start += size + 2;
                if (size == 0)
                {
                    break;
                }
            }

            body = capture ? ms.ToArray() : null;
        }
        else if (contentLength > 0)
        {
            while (_end - _start < contentLength)
            {
                await FillAsync(cancellationToken);
            }

            body = capture ? _buffer.AsSpan(_start, (int)contentLength).ToArray() : null;
            _start += (int)contentLength;
        }

        if (close)
        {
            Close();
        }

        return new RawResponse(status, functionError, body ?? (capture ? [] : null), headers);
    }

    private static int ParseStatus(ReadOnlySpan<byte> head)
    {
        // "HTTP/1.1 200 OK"
        var space = head.IndexOf((byte)' ');
        if (space < 0 || head.Length < space + 4)
        {
            throw new IOException("Malformed status line.");
        }

        return ((head[space + 1] - '0') * 100) + ((head[space + 2] - '0') * 10) + (head[space + 3] - '0');
    }

    private static bool ContainsIgnoreCase(ReadOnlySpan<byte> haystack, ReadOnlySpan<byte> lowerNeedle)
    {
        for (var i = 0; i + lowerNeedle.Length <= haystack.Length; i++)
        {
            var match = true;
            for (var j = 0; j < lowerNeedle.Length; j++)
            {
                var c = haystack[i + j];
                if (c is >= (byte)'A' and <= (byte)'Z')
                {
                    c = (byte)(c | 0x20);
                }

                if (c != lowerNeedle[j])
                {
                    match = false;
                    break;
                }
            }

            if (match)
            {
                return true;
            }
        }

        return false;
    }
}
