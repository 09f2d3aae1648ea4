using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization.Metadata;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Nimbus.Core.Errors;
using Nimbus.Core.Identity;
using Nimbus.Core.Protocols;
using Nimbus.Functions.Code;
using Nimbus.Functions.Invocation;
using Nimbus.Functions.Registry;

namespace Nimbus.Functions.Api;

/// <summary>The Lambda API (REST-JSON, 2015-03-31 and its later path versions) on the edge.</summary>
internal static partial class LambdaApi
{
    public static void Map(IEndpointRouteBuilder app)
    {
        var f = "/2015-03-31/functions";
        app.MapPost(f, Handle(CreateFunction));
        app.MapGet(f, Handle(ListFunctions));
        app.MapGet(f + "/{name}", Handle(GetFunction));
        app.MapDelete(f + "/{name}", Handle(DeleteFunction));
        app.MapGet(f + "/{name}/configuration", Handle(GetFunctionConfiguration));
        app.MapPut(f + "/{name}/configuration", Handle(UpdateFunctionConfiguration));
        app.MapPut(f + "/{name}/code", Handle(UpdateFunctionCode));
        app.MapPost(f + "/{name}/invocations", Invoke);
        app.MapPost("/2014-11-13/functions/{name}/invoke-async", Handle(InvokeAsyncLegacy));
        app.MapPost(f + "/{name}/versions", Handle(PublishVersion));
        app.MapGet(f + "/{name}/versions", Handle(ListVersionsByFunction));
        app.MapPost(f + "/{name}/aliases", Handle(CreateAlias));
        app.MapGet(f + "/{name}/aliases", Handle(ListAliases));
        app.MapGet(f + "/{name}/aliases/{alias}", Handle(GetAlias));
        app.MapPut(f + "/{name}/aliases/{alias}", Handle(UpdateAlias));
        app.MapDelete(f + "/{name}/aliases/{alias}", Handle(DeleteAlias));
        app.MapPut("/2017-10-31/functions/{name}/concurrency", Handle(PutFunctionConcurrency));
        app.MapDelete("/2017-10-31/functions/{name}/concurrency", Handle(DeleteFunctionConcurrency));
        app.MapGet("/2019-09-30/functions/{name}/concurrency", Handle(GetFunctionConcurrency));
        app.MapGet("/2016-08-19/account-settings", Handle(GetAccountSettings));
        const string esm = "/2015-03-31/event-source-mappings";
        app.MapPost(esm, Handle(CreateEventSourceMapping));
        app.MapGet(esm, Handle(ListEventSourceMappings));
        app.MapGet(esm + "/{uuid}", Handle(GetEventSourceMapping));
        app.MapPut(esm + "/{uuid}", Handle(UpdateEventSourceMapping));
        app.MapDelete(esm + "/{uuid}", Handle(DeleteEventSourceMapping));
        const string eic = "/2019-09-25/functions/{name}/event-invoke-config";
        app.MapPut(eic, Handle(PutFunctionEventInvokeConfig));
        app.MapPost(eic, Handle(UpdateFunctionEventInvokeConfig));
        app.MapGet(eic, Handle(GetFunctionEventInvokeConfig));
        app.MapDelete(eic, Handle(DeleteFunctionEventInvokeConfig));
        app.MapGet(eic + "/list", Handle(ListFunctionEventInvokeConfigs));
        const string url = "/2021-10-31/functions/{name}/url";
        app.MapPost(url, Handle(CreateFunctionUrlConfig));
        app.MapGet(url, Handle(GetFunctionUrlConfig));
        app.MapPut(url, Handle(UpdateFunctionUrlConfig));
        app.MapDelete(url, Handle(DeleteFunctionUrlConfig));
        app.MapGet("/2021-10-31/functions/{name}/urls", Handle(ListFunctionUrlConfigs));
        app.MapPost("/2018-10-31/layers/{layer}/versions", Handle(PublishLayerVersion));
        app.MapGet("/2018-10-31/layers/{layer}/versions", Handle(ListLayerVersions));
        app.MapGet("/2018-10-31/layers/{layer}/versions/{version}", Handle(GetLayerVersion));
        app.MapDelete("/2018-10-31/layers/{layer}/versions/{version}", Handle(DeleteLayerVersion));
        app.MapGet("/2018-10-31/layers", Handle(ListLayers));
        app.MapPost("/2017-03-31/tags/{**arn}", Handle(TagResource));
        app.MapGet("/2017-03-31/tags/{**arn}", Handle(ListTags));
        app.MapDelete("/2017-03-31/tags/{**arn}", Handle(UntagResource));
        app.MapGet("/_nimbus/blobs/{hex}", DownloadBlob);
    }

    /// <summary>Wraps a handler so AWS errors and malformed JSON become REST-JSON error responses.</summary>
    private static RequestDelegate Handle(Func<HttpContext, Api, Task> handler) => async http =>
    {
        var api = new Api(http);
        try
        {
            await handler(http, api);
        }
        catch (AwsServiceException e)
        {
            await ErrorWriter.WriteAsync(http, e.Error, AwsProtocol.RestJson, api.Caller.RequestId);
        }
        catch (JsonException e)
        {
            await ErrorWriter.WriteAsync(http, new AwsError("InvalidRequestContentException", $"Could not parse request body into json: {e.Message}"), AwsProtocol.RestJson, api.Caller.RequestId);
        }
    };

    private static async Task DownloadBlob(HttpContext http)
    {
        var hex = (string)http.Request.RouteValues["hex"]!;
        var code = http.RequestServices.GetRequiredService<CodeStore>();
        if (hex.Length != 64 || !hex.All(char.IsAsciiHexDigitLower) || !File.Exists(code.BlobPath(hex)))
        {
            http.Response.StatusCode = 404;
            return;
        }

        http.Response.ContentType = "application/zip";
        await http.Response.SendFileAsync(code.BlobPath(hex));
    }

    /// <summary>Per-request access to the caller, the services and the request's parts.</summary>
    private sealed class Api(HttpContext http)
    {
        public AwsRequestContext Caller { get; } = CallerResolver.Resolve(http);

        public FunctionRegistry Registry => http.RequestServices.GetRequiredService<FunctionRegistry>();

        public CodeStore Code => http.RequestServices.GetRequiredService<CodeStore>();

        public FunctionInvoker Invoker => http.RequestServices.GetRequiredService<FunctionInvoker>();

        public ConcurrencyLimiter Limiter => http.RequestServices.GetRequiredService<ConcurrencyLimiter>();

        public EventSources.EventSourceMappingStore EventSources => http.RequestServices.GetRequiredService<EventSources.EventSourceMappingStore>();

        public TimeProvider Time => http.RequestServices.GetRequiredService<TimeProvider>();

        public string Route(string name) => Uri.UnescapeDataString((string)http.Request.RouteValues[name]!);

        public string? Query(string name)
        {
            var v = http.Request.Query[name].ToString();
            return v.Length == 0 ? null : v;
        }

        public string BlobUrl(string? hex) => hex is null ? "" : $"{http.Request.Scheme}://{http.Request.Host}/_nimbus/blobs/{hex}";

        /// <summary>Parses a function name path parameter (name or ARN, optional qualifier).</summary>
        public (FunctionKey Key, string? Qualifier) Function(string route = "name") => FunctionName.Parse(Route(route), Caller);

        public async Task<JsonObject> BodyAsync()
        {
            if (http.Request.ContentLength is 0)
            {
                return [];
            }

            var node = await JsonNode.ParseAsync(http.Request.Body);
            return node as JsonObject ?? [];
        }

        public Task JsonAsync<T>(int status, T value, JsonTypeInfo<T> type)
        {
            http.Response.StatusCode = status;
            http.Response.ContentType = "application/json";
            http.Response.Headers["x-amzn-RequestId"] = Caller.RequestId;
            return JsonSerializer.SerializeAsync(http.Response.Body, value, type);
        }

        public Task JsonAsync(int status, JsonNode value)
        {
            http.Response.StatusCode = status;
            http.Response.ContentType = "application/json";
            http.Response.Headers["x-amzn-RequestId"] = Caller.RequestId;
            return http.Response.WriteAsync(value.ToJsonString(FunctionsJson.Api.Options));
        }

        public Task EmptyAsync(int status)
        {
            http.Response.StatusCode = status;
            http.Response.Headers["x-amzn-RequestId"] = Caller.RequestId;
            return Task.CompletedTask;
        }
    }
}
