using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Nimbus.Core.Errors;
using Nimbus.Core.Identity;
using Nimbus.Core.Protocols;
using Nimbus.Core.Targets;
using Nimbus.Data;
using Nimbus.Functions;
using Nimbus.Gateway;
using Nimbus.Logs;
using Nimbus.Messaging;
using Nimbus.Server.Edge;
using Nimbus.StepFunctions;
using Nimbus.Templates;
using Nimbus.Storage.Blobs;
using Nimbus.Storage.Sqlite;

namespace Nimbus.Server;

/// <summary>The composition root: wires every module into one Kestrel application on one edge listener.</summary>
public static class NimbusServer
{
    public static WebApplication Build(NimbusOptions options)
    {
        var stateDirectory = Path.GetFullPath(options.StateDirectory);

        // Opening SQLite (native library, WAL) overlaps with building the host: it is the slowest part of a start.
        var opening = Task.Run(() => new StateStore(stateDirectory));
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { ContentRootPath = AppContext.BaseDirectory });
        builder.Logging.ClearProviders();
        builder.Logging.AddSimpleConsole(o => o.SingleLine = true);
        builder.Logging.SetMinimumLevel(Enum.Parse<LogLevel>(options.LogLevel, ignoreCase: true));
        builder.WebHost.ConfigureKestrel(k =>
        {
            k.Limits.MaxRequestBodySize = 128L * 1024 * 1024;
            k.AddServerHeader = false;
        });
        builder.WebHost.UseUrls($"http://{options.Host}:{options.Port}");

        builder.Services.AddSingleton(options);
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddSingleton(_ => opening.GetAwaiter().GetResult());
        builder.Services.AddSingleton(new BlobStore(stateDirectory));
        builder.Services.AddSingleton<IArnTargets, ArnTargets>();
        builder.Services.AddSingleton<Nimbus.Core.Services.IAwsServiceCaller, InProcessServiceCaller>();
        builder.Services.AddNimbusLogs();
        builder.Services.AddNimbusMessaging();
        builder.Services.AddNimbusGateway();
        builder.Services.AddNimbusData();
        builder.Services.AddNimbusTemplates(o => o.TimeScale = options.TimeScale);
        builder.Services.AddNimbusStepFunctions(o => o.MockConfigPath = options.SfnMockConfig);
        builder.Services.AddNimbusMetrics(o => o.TimeScale = options.TimeScale);
        builder.Services.AddNimbusFunctions(new FunctionsOptions
        {
            StateDirectory = stateDirectory,
            Sandbox = options.Sandbox,
            KeepAlive = options.KeepAlive,
            AccountConcurrency = options.AccountConcurrency,
            TimeScale = options.TimeScale,
            EndpointUrl = options.Port == 0 ? null : $"http://{(options.Host == "0.0.0.0" ? "127.0.0.1" : options.Host)}:{options.Port}",
        });

        var app = builder.Build();
        opening.GetAwaiter().GetResult().Migrate(app.Services.GetServices<IMigrationSource>());
        app.UseNimbusGateway();
        app.UseNimbusData();
        app.UseNimbusMessaging();
        app.UseMiddleware<EdgeMiddleware>();
        app.MapNimbusFunctions();
        app.MapNimbusGateway();
        app.MapFallback(http => ErrorWriter.WriteAsync(
            http,
            new AwsError("UnknownOperationException", $"Nimbus has no operation for {http.Request.Method} {http.Request.Path}", 404),
            AwsProtocol.RestJson,
            CallerResolver.Resolve(http).RequestId));
        return app;
    }
}
