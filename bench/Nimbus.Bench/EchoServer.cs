using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Nimbus.Bench;

/// <summary>
/// <c>echo-server</c>: the loopback baseline. Kestrel, configured as Nimbus's edge is (slim builder, no server
/// header), answering every request with its body as <c>application/json</c> with a Content-Length — what a warm
/// invoke returns, minus everything Nimbus does in between.
/// </summary>
internal static class EchoServer
{
    public static async Task<int> RunAsync(Options options)
    {
        var port = options.Int("port", 0);
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.AddServerHeader = false);
        builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
        var app = builder.Build();
        app.Run(async http =>
        {
            var request = http.Request;
            var buffer = new byte[request.ContentLength ?? 0];
            await request.Body.ReadExactlyAsync(buffer);
            http.Response.StatusCode = 200;
            http.Response.ContentType = "application/json";
            http.Response.ContentLength = buffer.Length;
            await http.Response.Body.WriteAsync(buffer);
        });
        await app.StartAsync();
        Console.WriteLine($"echo-server ready on http://127.0.0.1:{port}");
        await app.WaitForShutdownAsync();
        return 0;
    }
}
