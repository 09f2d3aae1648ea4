using System.Text;

namespace Nimbus.Data.S3;

/// <summary>Decodes an <c>aws-chunked</c> body (<c>hex-size[;chunk-signature=…]\r\n data \r\n … 0\r\n trailers \r\n\r\n</c>).</summary>
/// <remarks>Chunk signatures are not verified. Trailing headers (e.g. <c>x-amz-checksum-crc32</c>) are collected in <see cref="Trailers"/>.</remarks>
internal sealed class AwsChunkedStream(Stream inner) : Stream
{
    private readonly byte[] _buffer = new byte[64 * 1024];
    private int _start;
    private int _end;
    private long _remaining;
    private bool _done;

    public Dictionary<string, string> Trailers { get; } = new(StringComparer.OrdinalIgnoreCase);

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override void Flush()
    {
    }

    public override int Read(byte[] buffer, int offset, int count) => ReadAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();

    public override async ValueTask<int> ReadAsync(Memory<byte> destination, CancellationToken cancellationToken = default)
    {
        while (true)
        {
            if (_done || destination.Length == 0)
            {
                return 0;
            }

            if (_remaining > 0)
            {
                if (_start == _end && !await FillAsync(cancellationToken))
                {
                    throw new InvalidDataException("IncompleteBody");
                }

                if (_start < _end)
                {
                    var n = (int)Math.Min(Math.Min(_remaining, _end - _start), destination.Length);
                    _buffer.AsSpan(_start, n).CopyTo(destination.Span);
                    _start += n;
                    _remaining -= n;
                    if (_remaining == 0)
                    {
                        var crlf = await ReadLineAsync(cancellationToken);
                        if (crlf.Length != 0)
                        {
                            throw new InvalidDataException("Malformed aws-chunked body");
                        }
                    }

                    return n;
                }

                // Large reads bypass the buffer.
                var direct = await inner.ReadAsync(destination[..(int)Math.Min(_remaining, destination.Length)], cancellationToken);
                if (direct == 0)
                {
                    throw new InvalidDataException("IncompleteBody");
                }

                _remaining -= direct;
                if (_remaining == 0 && (await ReadLineAsync(cancellationToken)).Length != 0)
                {
                    throw new InvalidDataException("Malformed aws-chunked body");
                }

                return direct;
            }

            var header = await ReadLineAsync(cancellationToken);
            var semi = header.IndexOf(';', StringComparison.Ordinal);
            var hex = (semi < 0 ? header : header[..semi]).Trim();
            if (!long.TryParse(hex, System.Globalization.NumberStyles.HexNumber, null, out var size) || size < 0)
            {
                throw new InvalidDataException("Malformed aws-chunked body");
            }

            if (size == 0)
            {
                while (true)
                {
                    var line = await ReadLineAsync(cancellationToken, allowEof: true);
                    if (line.Length == 0)
                    {
                        break;
                    }

                    var colon = line.IndexOf(':', StringComparison.Ordinal);
                    if (colon > 0)
                    {
                        Trailers[line[..colon].Trim()] = line[(colon + 1)..].Trim();
                    }
                }

                _done = true;
                return 0;
            }

            _remaining = size;
        }
    }

    private async ValueTask<bool> FillAsync(CancellationToken ct)
    {
        if (_start > 0)
        {
            Buffer.BlockCopy(_buffer, _start, _buffer, 0, _end - _start);
            _end -= _start;
            _start = 0;
        }

        if (_end == _buffer.Length)
        {
            return true;
        }

        var n = await inner.ReadAsync(_buffer.AsMemory(_end), ct);
        _end += n;
        return n > 0;
    }

    private async ValueTask<string> ReadLineAsync(CancellationToken ct, bool allowEof = false)
    {
        while (true)
        {
            var idx = Array.IndexOf(_buffer, (byte)'\n', _start, _end - _start);
            if (idx >= 0)
            {
                var line = Encoding.ASCII.GetString(_buffer, _start, idx - _start).TrimEnd('\r');
                _start = idx + 1;
                return line;
            }

            if (_end - _start >= _buffer.Length)
            {
                throw new InvalidDataException("Malformed aws-chunked body");
            }

            if (!await FillAsync(ct))
            {
                if (allowEof)
                {
                    var rest = Encoding.ASCII.GetString(_buffer, _start, _end - _start).TrimEnd('\r');
                    _start = _end;
                    return rest;
                }

                throw new InvalidDataException("IncompleteBody");
            }
        }
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
