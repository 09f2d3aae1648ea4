using System.IO.Pipes;
using System.Runtime.InteropServices;
using System.Text;

namespace Nimbus.Functions.Sandboxes;

/// <summary>Reads a sandbox's stdout or stderr and hands each complete line to the sandbox.</summary>
/// <remarks>
/// A runtime writes its log lines before it posts its response, but this reader may not have read them yet when the
/// response arrives. <see cref="DrainAsync"/> closes that gap: it waits until the pipe holds no unread bytes
/// (<c>FIONREAD</c>) and no chunk is being split, so an invocation's lines are attributed to it and precede its END.
/// </remarks>
internal sealed partial class OutputPump
{
    private const int Fionread = 0x541B;
    private readonly Stream _stream;
    private readonly Action<string> _onLine;
    private readonly IntPtr _fd = -1;
    private volatile bool _busy;
    private volatile bool _closed;

    public OutputPump(Stream stream, Action<string> onLine)
    {
        _stream = stream;
        _onLine = onLine;
        if (stream is AnonymousPipeClientStream pipe && OperatingSystem.IsLinux())
        {
            _fd = pipe.SafePipeHandle.DangerousGetHandle();
        }

        Completion = Task.Run(RunAsync);
    }

    public Task Completion { get; }

    public async Task DrainAsync()
    {
        for (var i = 0; i < 200 && !_closed; i++)
        {
            if (!_busy && Available() == 0)
            {
                return;
            }

            await Task.Delay(i < 20 ? 0 : 1);
        }
    }

    private int Available()
    {
        if (_fd == -1)
        {
            return 0;
        }

        var n = 0;
        return Ioctl((int)_fd, Fionread, ref n) == 0 ? n : 0;
    }

    private async Task RunAsync()
    {
        var buffer = new byte[16 * 1024];
        var line = new MemoryStream();
        try
        {
            while (true)
            {
                var n = await _stream.ReadAsync(buffer);
                if (n == 0)
                {
                    break;
                }

                _busy = true;
                var span = buffer.AsSpan(0, n);
                int nl;
                while ((nl = span.IndexOf((byte)'\n')) >= 0)
                {
                    line.Write(span[..nl]);
                    Emit(line);
                    span = span[(nl + 1)..];
                }

                line.Write(span);
                _busy = false;
            }
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException)
        {
            // The process is gone.
        }
        finally
        {
            if (line.Length > 0)
            {
                Emit(line);
            }

            _busy = false;
            _closed = true;
        }
    }

    private void Emit(MemoryStream line)
    {
        var bytes = line.GetBuffer().AsSpan(0, (int)line.Length);
        if (bytes.Length > 0 && bytes[^1] == '\r')
        {
            bytes = bytes[..^1];
        }

        _onLine(Encoding.UTF8.GetString(bytes));
        line.SetLength(0);
    }

    [LibraryImport("libc", EntryPoint = "ioctl", SetLastError = true)]
    private static partial int Ioctl(int fd, int request, ref int value);
}
