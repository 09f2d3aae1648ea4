using System.IO.Compression;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;

namespace Nimbus.Server.Tests;

/// <summary>One Nimbus server on a free loopback port with its own state directory, shared by a test class.</summary>
/// <remarks>Tests isolate themselves by unique function names and access keys (accounts), not by servers.</remarks>
public sealed class NimbusServerFixture : IAsyncLifetime
{

    private WebApplication? _app;

    public string StateDirectory { get; } = Path.Combine(Path.GetTempPath(), "nimbus-server-tests-" + Guid.NewGuid().ToString("N"));

    public Uri BaseAddress { get; private set; } = null!;

    public HttpClient Http { get; private set; } = null!;

    public IServiceProvider Services => _app!.Services;

    public async Task InitializeAsync()
    {
        _app = NimbusServer.Build(new NimbusOptions { Port = 0, StateDirectory = StateDirectory, Sandbox = "process" });
        await _app.StartAsync();
        var address = _app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        BaseAddress = new Uri(address);
        Http = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(60) };
    }

    public async Task DisposeAsync()
    {
        Http.Dispose();
        try
        {
            if (_app is not null)
            {
                await _app.StopAsync();
                await _app.DisposeAsync();
            }
        }
        finally
        {
            SqliteConnection.ClearAllPools();
            if (Directory.Exists(StateDirectory))
            {
                Directory.Delete(StateDirectory, recursive: true);
            }
        }
    }

    /// <summary>A request signed (in shape only) by <paramref name="accessKey"/> for <paramref name="region"/>.</summary>
    public static HttpRequestMessage Request(HttpMethod method, string path, string accessKey = "test", string region = "us-east-1", string service = "lambda", HttpContent? content = null)
    {
        var request = new HttpRequestMessage(method, path) { Content = content };
        request.Headers.TryAddWithoutValidation(
            "Authorization", $"AWS4-HMAC-SHA256 Credential={accessKey}/20240101/{region}/{service}/aws4_request, SignedHeaders=host;x-amz-date, Signature=0000");
        return request;
    }

    public static StringContent Json(string json, string mediaType = "application/json")
    {
        var content = new StringContent(json, Encoding.UTF8);
        content.Headers.ContentType = new MediaTypeHeaderValue(mediaType);
        return content;
    }

    public async Task<(HttpResponseMessage Response, JsonNode? Body)> SendAsync(HttpRequestMessage request)
    {
        using (request)
        {
            var response = await Http.SendAsync(request);
            var text = await response.Content.ReadAsStringAsync();
            return (response, text.Length == 0 ? null : JsonNode.Parse(text));
        }
    }

    /// <summary>Calls a CloudWatch Logs operation (JSON 1.1).</summary>
    public Task<(HttpResponseMessage Response, JsonNode? Body)> LogsAsync(string operation, string json, string accessKey = "test") =>
        SendAsync(WithTarget(Request(HttpMethod.Post, "/", accessKey, service: "logs", content: Json(json, "application/x-amz-json-1.1")), $"Logs_20140328.{operation}"));

    public static HttpRequestMessage WithTarget(HttpRequestMessage request, string target)
    {
        request.Headers.TryAddWithoutValidation("X-Amz-Target", target);
        return request;
    }

    /// <summary>A zip holding one executable <c>bootstrap</c> (mode 0755, regular file).</summary>
    public static byte[] BootstrapZip(string script)
    {
        using var buffer = new MemoryStream();
        using (var archive = new ZipArchive(buffer, ZipArchiveMode.Create, leaveOpen: true))
        {
            var entry = archive.CreateEntry("bootstrap");
            entry.ExternalAttributes = Convert.ToInt32("100755", 8) << 16;
            using var s = entry.Open();
            s.Write(Encoding.UTF8.GetBytes(script.ReplaceLineEndings("\n")));
        }

        return buffer.ToArray();
    }

    /// <summary>A runtime in shell and curl: echoes the event with the function's name and logs one line per event.</summary>
    public const string EchoBootstrap = """
        #!/bin/sh
        set -eu
        API="http://${AWS_LAMBDA_RUNTIME_API}/2018-06-01/runtime/invocation"
        WORK="$(mktemp -d)"
        trap 'rm -rf "$WORK"' EXIT
        while true; do
          curl -sS -D "$WORK/headers" -o "$WORK/event" "$API/next"
          ID="$(grep -i '^Lambda-Runtime-Aws-Request-Id:' "$WORK/headers" | cut -d' ' -f2 | tr -d '\r\n')"
          echo "handling $ID event $(cat "$WORK/event")"
          { printf '{"echo":'; cat "$WORK/event"; printf ',"fn":"%s","version":"%s"}' "$AWS_LAMBDA_FUNCTION_NAME" "$AWS_LAMBDA_FUNCTION_VERSION"; } > "$WORK/response"
          curl -sS -o /dev/null -X POST "$API/$ID/response" --data-binary "@$WORK/response"
        done
        """;

    public static string CreateBody(string name, string? zipBase64 = null, string extra = "") =>
        $$"""
        {"FunctionName":"{{name}}","Runtime":"provided.al2023","Handler":"bootstrap",
         "Role":"arn:aws:iam::123456789012:role/lambda-role",
         "Code":{"ZipFile":"{{zipBase64 ?? Convert.ToBase64String(BootstrapZip(EchoBootstrap))}}"}{{extra}}}
        """;

    public Task<(HttpResponseMessage Response, JsonNode? Body)> CreateFunctionAsync(string name, string accessKey = "test", string extra = "", string region = "us-east-1", string? zipBase64 = null) =>
        SendAsync(Request(HttpMethod.Post, "/2015-03-31/functions", accessKey, region, content: Json(CreateBody(name, zipBase64, extra))));

    public static string UniqueName(string prefix) => $"{prefix}-{Guid.NewGuid():N}"[..Math.Min(64, prefix.Length + 33)];

    /// <summary>A 12-digit access key naming a fresh account, so lists are not shared with other tests.</summary>
    public static string NewAccount() => "5" + Interlocked.Increment(ref _accounts).ToString("D11", System.Globalization.CultureInfo.InvariantCulture);

    private static long _accounts;
}
