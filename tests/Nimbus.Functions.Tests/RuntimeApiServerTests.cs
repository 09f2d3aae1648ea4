using System.Collections.Concurrent;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using Nimbus.Functions.Runtime;

namespace Nimbus.Functions.Tests;

public sealed class RuntimeApiServerTests : IAsyncLifetime
{
    private readonly RecordingHandler _handler = new();
    private readonly RuntimeApiServer _server;
    private readonly TcpClient _client = new();
    private readonly CancellationTokenSource _timeout = new(TimeSpan.FromSeconds(30));

    public RuntimeApiServerTests() => _server = new RuntimeApiServer(_handler);

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        _client.Dispose();
        await _server.DisposeAsync();
        _timeout.Dispose();
    }

    /// <summary>Echoes the request back as JSON; 404 for anything outside <c>/2018-06-01/</c>.</summary>
    private sealed class RecordingHandler : IRuntimeApiHandler
    {
        public ConcurrentQueue<RuntimeRequest> Requests { get; } = new();

        /// <summary>Set when a 202 to <c>…/accept</c> has been handed over (its AfterSend ran).</summary>
        public TaskCompletionSource Accepted { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        /// <summary>Holds <c>…/gated</c> requests, as GET /invocation/next waits for an event.</summary>
        public TaskCompletionSource Gate { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        private async ValueTask<RuntimeResponse> GatedAsync()
        {
            await Gate.Task;
            return RuntimeResponse.Json(200, """{"event":1}""");
        }

        public ValueTask<RuntimeResponse> HandleAsync(RuntimeRequest request, CancellationToken cancellationToken)
        {
            Requests.Enqueue(request);
            if (!request.Path.StartsWith("/2018-06-01/", StringComparison.Ordinal))
            {
                return ValueTask.FromResult(RuntimeResponse.Error(404, "InvalidRequest", "Unknown path"));
            }

            if (request.Path.EndsWith("/accept", StringComparison.Ordinal))
            {
                return ValueTask.FromResult(RuntimeResponse.Accepted with { AfterSend = () => Accepted.TrySetResult() });
            }

            if (request.Path.EndsWith("/gated", StringComparison.Ordinal))
            {
                return GatedAsync();
            }

            if (request.Path.EndsWith("/big", StringComparison.Ordinal))
            {
                return ValueTask.FromResult(new RuntimeResponse(200, Encoding.ASCII.GetBytes(new string('z', 100_000))));
            }

            var json = JsonSerializer.Serialize(new Dictionary<string, string>
            {
                ["method"] = request.Method,
                ["path"] = request.Path,
                ["body"] = Encoding.UTF8.GetString(request.Body),
                ["x"] = request.Header("X-Test") ?? "",
            });
            return ValueTask.FromResult(new RuntimeResponse(200, Encoding.UTF8.GetBytes(json), [new("Lambda-Runtime-Aws-Request-Id", "rid-1")]));
        }
    }

    private sealed record Response(int Status, string Reason, Dictionary<string, string> Headers, byte[] Body)
    {
        public string Text => Encoding.UTF8.GetString(Body);

        public JsonElement Json => JsonDocument.Parse(Body).RootElement;
    }

    private async Task<NetworkStream> ConnectAsync()
    {
        var (host, port) = (_server.Address.Split(':')[0], int.Parse(_server.Address.Split(':')[1], System.Globalization.CultureInfo.InvariantCulture));
        await _client.ConnectAsync(host, port, _timeout.Token);
        return _client.GetStream();
    }

    private Task SendAsync(NetworkStream stream, string text) => stream.WriteAsync(Encoding.ASCII.GetBytes(text), _timeout.Token).AsTask();

    private async Task<string> ReadLineAsync(NetworkStream stream)
    {
        var line = new List<byte>();
        var one = new byte[1];
        while (true)
        {
            var n = await stream.ReadAsync(one, _timeout.Token);
            if (n == 0)
            {
                throw new IOException("Connection closed while reading a line.");
            }

            if (one[0] == '\n' && line.Count > 0 && line[^1] == '\r')
            {
                return Encoding.ASCII.GetString(line.ToArray(), 0, line.Count - 1);
            }

            line.Add(one[0]);
        }
    }

    private async Task<Response> ReadResponseAsync(NetworkStream stream)
    {
        var status = (await ReadLineAsync(stream)).Split(' ', 3);
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        string line;
        while ((line = await ReadLineAsync(stream)).Length > 0)
        {
            var colon = line.IndexOf(':', StringComparison.Ordinal);
            headers[line[..colon]] = line[(colon + 1)..].Trim();
        }

        var body = new byte[int.Parse(headers.GetValueOrDefault("Content-Length", "0"), System.Globalization.CultureInfo.InvariantCulture)];
        await stream.ReadExactlyAsync(body, _timeout.Token);
        return new Response(int.Parse(status[1], System.Globalization.CultureInfo.InvariantCulture), status.Length > 2 ? status[2] : "", headers, body);
    }

    [Fact]
    public void Address_IsLoopbackHostAndPortWithoutPath()
    {
        Assert.Matches(@"^127\.0\.0\.1:\d+$", _server.Address);
    }

    [Fact]
    public async Task Serve_KeepAliveSequence_AnswersEveryRequestOnOneConnection()
    {
        var stream = await ConnectAsync();

        await SendAsync(stream, "GET /2018-06-01/runtime/invocation/next HTTP/1.1\r\nHost: x\r\n\r\n");
        var first = await ReadResponseAsync(stream);
        await SendAsync(stream, "POST /2018-06-01/runtime/invocation/rid-1/response HTTP/1.1\r\nHost: x\r\nContent-Length: 11\r\nX-Test: yes\r\n\r\n{\"ok\":true}");
        var second = await ReadResponseAsync(stream);
        await SendAsync(stream, "GET /2018-06-01/runtime/invocation/next HTTP/1.1\r\nHost: x\r\n\r\n");
        var third = await ReadResponseAsync(stream);

        Assert.Equal(200, first.Status);
        Assert.Equal("OK", first.Reason);
        Assert.Equal("application/json", first.Headers["Content-Type"]);
        Assert.Equal("rid-1", first.Headers["Lambda-Runtime-Aws-Request-Id"]);
        Assert.Equal("GET", first.Json.GetProperty("method").GetString());
        Assert.Equal("/2018-06-01/runtime/invocation/next", first.Json.GetProperty("path").GetString());
        Assert.Equal("POST", second.Json.GetProperty("method").GetString());
        Assert.Equal("{\"ok\":true}", second.Json.GetProperty("body").GetString());
        Assert.Equal("yes", second.Json.GetProperty("x").GetString());
        Assert.Equal("GET", third.Json.GetProperty("method").GetString());
        Assert.Equal(3, _handler.Requests.Count);
    }

    [Fact]
    public async Task Serve_PipelinedRequests_AnswersInOrder()
    {
        var stream = await ConnectAsync();

        await SendAsync(stream,
            "POST /2018-06-01/a HTTP/1.1\r\nContent-Length: 3\r\n\r\none"
            + "POST /2018-06-01/b HTTP/1.1\r\nContent-Length: 3\r\n\r\ntwo");
        var a = await ReadResponseAsync(stream);
        var b = await ReadResponseAsync(stream);

        Assert.Equal("/2018-06-01/a", a.Json.GetProperty("path").GetString());
        Assert.Equal("one", a.Json.GetProperty("body").GetString());
        Assert.Equal("/2018-06-01/b", b.Json.GetProperty("path").GetString());
        Assert.Equal("two", b.Json.GetProperty("body").GetString());
    }

    [Fact]
    public async Task Serve_PostWithPipelinedGet_Its202GoesOutWithTheNextAnswerAndCompletesAtOnce()
    {
        var stream = await ConnectAsync();

        await SendAsync(stream,
            "POST /2018-06-01/runtime/invocation/r1/accept HTTP/1.1\r\nContent-Length: 2\r\n\r\n{}"
            + "GET /2018-06-01/runtime/gated HTTP/1.1\r\n\r\n");

        // The invocation completes although its 202 waits for the next answer.
        await _handler.Accepted.Task.WaitAsync(_timeout.Token);
        Assert.Equal(0, _client.Available);
        _handler.Gate.SetResult();
        var accepted = await ReadResponseAsync(stream);
        var next = await ReadResponseAsync(stream);

        Assert.Equal(202, accepted.Status);
        Assert.Equal("Accepted", accepted.Reason);
        Assert.Equal("""{"status":"OK"}""", accepted.Text);
        Assert.Equal(200, next.Status);
        Assert.Equal("""{"event":1}""", next.Text);
    }

    [Fact]
    public async Task Serve_PostWithoutPipelinedRequest_Answers202AtOnce()
    {
        var stream = await ConnectAsync();

        await SendAsync(stream, "POST /2018-06-01/runtime/invocation/r1/accept HTTP/1.1\r\nContent-Length: 2\r\n\r\n{}");
        var accepted = await ReadResponseAsync(stream);
        await SendAsync(stream, "GET /2018-06-01/runtime/gated HTTP/1.1\r\n\r\n");
        _handler.Gate.SetResult();
        var next = await ReadResponseAsync(stream);

        Assert.Equal(202, accepted.Status);
        Assert.True(_handler.Accepted.Task.IsCompleted);
        Assert.Equal("""{"event":1}""", next.Text);
    }

    [Fact]
    public async Task Serve_ContentLengthBodyLargerThanBuffer_ReadsWholeBody()
    {
        var stream = await ConnectAsync();
        var payload = string.Concat(Enumerable.Range(0, 20_000).Select(i => (char)('a' + (i % 26))));

        await SendAsync(stream, $"POST /2018-06-01/runtime/invocation/r/response HTTP/1.1\r\nContent-Length: {payload.Length}\r\n\r\n");
        await SendAsync(stream, payload[..5000]);
        await stream.FlushAsync(_timeout.Token);
        await SendAsync(stream, payload[5000..]);
        var response = await ReadResponseAsync(stream);

        Assert.Equal(payload, response.Json.GetProperty("body").GetString());
        Assert.Equal(payload.Length, _handler.Requests.Single().Body.Length);
    }

    [Fact]
    public async Task Serve_ChunkedBody_ReassemblesChunks()
    {
        var stream = await ConnectAsync();

        await SendAsync(stream,
            "POST /2018-06-01/runtime/invocation/r/error HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n"
            + "5\r\nhello\r\n" + "6;name=value\r\n world\r\n" + "A\r\n0123456789\r\n" + "0\r\nX-Trailer: t\r\n\r\n"
            + "GET /2018-06-01/after HTTP/1.1\r\n\r\n");
        var chunked = await ReadResponseAsync(stream);
        var after = await ReadResponseAsync(stream);

        Assert.Equal("hello world0123456789", chunked.Json.GetProperty("body").GetString());
        Assert.Equal("/2018-06-01/after", after.Json.GetProperty("path").GetString());
    }

    [Fact]
    public async Task Serve_ExpectContinue_SendsContinueBeforeBody()
    {
        var stream = await ConnectAsync();

        await SendAsync(stream, "POST /2018-06-01/runtime/invocation/r/response HTTP/1.1\r\nExpect: 100-continue\r\nContent-Length: 4\r\n\r\n");
        var interim = await ReadLineAsync(stream);
        var blank = await ReadLineAsync(stream);
        await SendAsync(stream, "body");
        var response = await ReadResponseAsync(stream);

        Assert.Equal("HTTP/1.1 100 Continue", interim);
        Assert.Equal("", blank);
        Assert.Equal(200, response.Status);
        Assert.Equal("body", response.Json.GetProperty("body").GetString());
    }

    [Fact]
    public async Task Serve_UnknownPath_ReturnsHandlerNotFound()
    {
        var stream = await ConnectAsync();

        await SendAsync(stream, "GET /nowhere HTTP/1.1\r\n\r\n");
        var response = await ReadResponseAsync(stream);

        Assert.Equal(404, response.Status);
        Assert.Equal("Not Found", response.Reason);
        Assert.Equal("InvalidRequest", response.Json.GetProperty("errorType").GetString());
    }

    [Fact]
    public async Task Serve_LargeResponse_SendsWholeBody()
    {
        var stream = await ConnectAsync();

        await SendAsync(stream, "GET /2018-06-01/big HTTP/1.1\r\n\r\n");
        var response = await ReadResponseAsync(stream);

        Assert.Equal(100_000, response.Body.Length);
        Assert.All(response.Body, b => Assert.Equal((byte)'z', b));
    }

    [Fact]
    public async Task Serve_ConnectionClose_ClosesAfterResponse()
    {
        var stream = await ConnectAsync();

        await SendAsync(stream, "GET /2018-06-01/x HTTP/1.1\r\nConnection: close\r\n\r\n");
        var response = await ReadResponseAsync(stream);
        var n = await stream.ReadAsync(new byte[1], _timeout.Token);

        Assert.Equal(200, response.Status);
        Assert.Equal(0, n);
    }

    [Fact]
    public async Task Serve_HeaderNames_AreCaseInsensitiveForHandler()
    {
        var stream = await ConnectAsync();

        await SendAsync(stream, "POST /2018-06-01/x HTTP/1.1\r\ncontent-LENGTH: 2\r\nx-TEST: mixed\r\n\r\nhi");
        var response = await ReadResponseAsync(stream);

        Assert.Equal("hi", response.Json.GetProperty("body").GetString());
        Assert.Equal("mixed", response.Json.GetProperty("x").GetString());
    }

    [Fact]
    public async Task Serve_ConcurrentConnections_EachServed()
    {
        var (host, port) = (_server.Address.Split(':')[0], int.Parse(_server.Address.Split(':')[1], System.Globalization.CultureInfo.InvariantCulture));
        var results = await Task.WhenAll(Enumerable.Range(0, 4).Select(async i =>
        {
            using var client = new TcpClient();
            await client.ConnectAsync(host, port, _timeout.Token);
            var s = client.GetStream();
            await SendAsync(s, $"POST /2018-06-01/c{i} HTTP/1.1\r\nContent-Length: 1\r\n\r\n{i}");
            return (await ReadResponseAsync(s)).Json.GetProperty("body").GetString()!;
        }));

        Assert.Equal(new[] { "0", "1", "2", "3" }, results);
    }
}
