using System.Net.Sockets;
using System.Text;
using Nimbus.Core.Logs;
using Nimbus.Functions.Runtime;
using Nimbus.Functions.Sandboxes;

namespace Nimbus.Functions.Tests;

/// <summary>The real Runtime API handler of a sandbox, served by <see cref="RuntimeApiServer"/>, without a runtime process.</summary>
public sealed class SandboxRuntimeApiTests : IAsyncLifetime
{
    private readonly TestState _state = new();
    private readonly Sandbox _sandbox;
    private readonly RuntimeApiServer _server;
    private readonly List<string> _lines = [];

    public SandboxRuntimeApiTests()
    {
        var launcher = _state.ProcessLauncher();
        var spec = TestState.Spec("fn", "unsupported-runtime", "h", _state.Directory);
        _sandbox = new Sandbox(spec, launcher, new ListSink(_lines), TimeProvider.System);
        _server = new RuntimeApiServer(_sandbox);
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        await _sandbox.DisposeAsync();
        _state.Dispose();
    }

    private sealed class ListSink(List<string> lines) : ILogSink
    {
        public void Append(LogStreamRef stream, long timestampMs, string message)
        {
            lock (lines)
            {
                lines.Add(message);
            }
        }
    }

    private async Task<string> RoundTripAsync(string request)
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        using var client = new TcpClient();
        var parts = _server.Address.Split(':');
        await client.ConnectAsync(parts[0], int.Parse(parts[1], System.Globalization.CultureInfo.InvariantCulture), cts.Token);
        var stream = client.GetStream();
        await stream.WriteAsync(Encoding.ASCII.GetBytes(request), cts.Token);
        using var reader = new StreamReader(stream, Encoding.ASCII);
        return await reader.ReadToEndAsync(cts.Token);
    }

    [Fact]
    public void Constructor_UnsupportedRuntime_IsDeadWithoutProcess()
    {
        Assert.True(_sandbox.IsDead);
        Assert.Null(_sandbox.ProcessId);
    }

    [Fact]
    public async Task HandleAsync_UnknownPath_Returns404InvalidRequest()
    {
        var response = await RoundTripAsync("GET /2018-06-01/runtime/nope HTTP/1.1\r\nConnection: close\r\n\r\n");

        Assert.StartsWith("HTTP/1.1 404 Not Found\r\n", response, StringComparison.Ordinal);
        Assert.Contains("\"errorType\":\"InvalidRequest\"", response, StringComparison.Ordinal);
        Assert.Contains("Unknown Runtime API path GET /2018-06-01/runtime/nope", response, StringComparison.Ordinal);
    }

    [Fact]
    public async Task HandleAsync_Ping_ReturnsPong()
    {
        var response = await RoundTripAsync("GET /2018-06-01/ping HTTP/1.1\r\nConnection: close\r\n\r\n");

        Assert.StartsWith("HTTP/1.1 200 OK\r\n", response, StringComparison.Ordinal);
        Assert.EndsWith("\r\n\r\n\"pong\"", response, StringComparison.Ordinal);
    }

    [Fact]
    public async Task HandleAsync_ResponseForUnknownRequestId_Returns400()
    {
        var response = await RoundTripAsync("POST /2018-06-01/runtime/invocation/not-a-request/response HTTP/1.1\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}");

        Assert.StartsWith("HTTP/1.1 400 Bad Request\r\n", response, StringComparison.Ordinal);
        Assert.Contains("InvalidRequestID", response, StringComparison.Ordinal);
    }
}
