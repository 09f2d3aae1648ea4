using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using Nimbus.Core.Functions;
using Nimbus.Core.Identity;
using Nimbus.Gateway.Management;
using Nimbus.Gateway.Mapping;
using Nimbus.Gateway.Protection;
using Nimbus.Gateway.Routing;
using Nimbus.Gateway.Validation;

namespace Nimbus.Gateway.Serving;

/// <summary>Serves one invoke-URL request: stage, route, event, integration call, response mapping.</summary>
internal sealed partial class InvokeDispatcher(IFunctionInvoker invoker, HttpProxyForwarder forwarder, TimeProvider time, ProtectionPipeline? protection = null, MappedIntegration? mapped = null, ILogger<InvokeDispatcher>? logger = null)
{
    private readonly MappedIntegration _mapped = mapped ?? new MappedIntegration(invoker, null, new HttpClient());

    public Task<GatewayResponse> DispatchAsync(ApiEntry api, GatewayRequest request, CancellationToken cancellationToken)
    {
        // A named stage is the first path segment; otherwise the $default stage serves the whole path.
        var path = request.RawPath;
        var end = path.IndexOf('/', 1);
        var first = Uri.UnescapeDataString(end < 0 ? path[1..] : path[1..end]);
        StageSnapshot? stage = null;
        var prefix = "";
        if (first.Length > 0 && first != "$default" && api.Stages.TryGetValue(first, out var named))
        {
            stage = named;
            prefix = "/" + first;
            request = request with { RawPath = end < 0 ? "/" : path[end..] };
        }
        else if (api.Stages.TryGetValue("$default", out var fallback))
        {
            stage = fallback;
        }

        if (api.Kind == ApiKind.Rest)
        {
            return stage is null ? Task.FromResult(GatewayResponse.RestMissingToken()) : ServeRestAsync(api, StageCanary.Pick(stage), request, cancellationToken);
        }

        return stage is null ? Task.FromResult(GatewayResponse.HttpNotFound()) : ServeHttpAsync(api, stage, prefix, request, cancellationToken);
    }

    private async Task<GatewayResponse> ServeHttpAsync(ApiEntry api, StageSnapshot stage, string prefix, GatewayRequest request, CancellationToken cancellationToken)
    {
        if (stage.Cors is { } cors && CorsHandler.IsPreflight(request))
        {
            return CorsHandler.Preflight(cors, request);
        }

        var parameters = new Dictionary<string, string>(StringComparer.Ordinal);
        var route = stage.Routes!.Match(request.Method, request.Segments(decode: true), parameters);
        GatewayResponse response;
        if (route?.Integration is not { } integration)
        {
            response = GatewayResponse.HttpNotFound();
        }
        else
        {
            var ctx = Context(api, stage.StageName, prefix, route.RouteKey, route.RouteKey, parameters, stage);
            var (mappedRequest, mappedIntegration) = HttpParameterMapping.MapRequest(integration, request, ctx);
            async Task<GatewayResponse> Integrate(EventContext ctx) => integration.Type switch
            {
                "AWS_PROXY" => await InvokeLambdaAsync(api, integration, stage, request, ctx, ApiFlavor(integration), cancellationToken),
                "HTTP_PROXY" => await forwarder.ForwardAsync(mappedIntegration, mappedRequest, parameters, stage.Variables, cancellationToken),
                _ => GatewayResponse.HttpInternalError(),
            };
            response = protection is null ? await Integrate(ctx) : await protection.HttpAsync(api, stage, route, integration, request, ctx, Integrate, cancellationToken);
            response = HttpParameterMapping.MapResponse(integration, response, request, ctx);
            response = response with { Headers = [.. response.Headers, new("Apigw-Requestid", ctx.RequestId)] };
        }

        return stage.Cors is { } c ? CorsHandler.Decorate(c, request, response) : response;
    }

    private async Task<GatewayResponse> ServeRestAsync(ApiEntry api, StageSnapshot stage, GatewayRequest request, CancellationToken cancellationToken)
    {
        var parameters = new Dictionary<string, string>(StringComparer.Ordinal);
        var match = stage.Resources!.Match(request.Method, request.Segments(decode: false), parameters);
        if (match is not var (resource, method) || method.Integration is not { } integration)
        {
            var missCtx = Context(api, stage.StageName, "/" + stage.StageName, request.RawPath, "", parameters, stage);
            return GatewayErrors.Customize(stage, request, missCtx, GatewayResponse.RestMissingToken());
        }

        var ctx = Context(api, stage.StageName, "/" + stage.StageName, resource.Path, resource.Id, parameters, stage);
        string? validationErrors = null;

        // Authorizers, keys, throttling and the cache (the protection pipeline) come first; then request validation, then the integration.
        async Task<GatewayResponse> Integrate(EventContext ctx)
        {
            if (RequestValidation.Validate(stage.Settings, method, request, parameters) is { } failure)
            {
                validationErrors = failure.ValidationErrors;
                return failure.Response;
            }

            return integration.Type switch
            {
                "AWS_PROXY" => await InvokeLambdaAsync(api, integration, stage, request, ctx, Flavor.Rest, cancellationToken),
                "HTTP_PROXY" => await forwarder.ForwardAsync(integration, request, parameters, stage.Variables, cancellationToken),
                "MOCK" or "AWS" or "HTTP" => await _mapped.ServeAsync(api, stage, integration, request, ctx, cancellationToken),
                _ => GatewayErrors.Respond("API_CONFIGURATION_ERROR"),
            };
        }

        var response = protection is null ? await Integrate(ctx) : await protection.RestAsync(api, stage, resource, method, request, ctx, Integrate, cancellationToken);
        response = GatewayErrors.Customize(stage, request, ctx, response, validationErrors);
        return response with
        {
            Headers = [.. response.Headers, new("x-amzn-RequestId", ctx.RequestId), new("x-amz-apigw-id", ctx.ExtendedRequestId), new("X-Amzn-Trace-Id", ctx.TraceId)],
        };
    }

    private EventContext Context(ApiEntry api, string stage, string prefix, string routeKey, string resourceId, Dictionary<string, string> parameters, StageSnapshot snapshot)
    {
        var now = time.GetUtcNow();
        var extended = GatewayIds.Extended();
        return new EventContext(
            api.Account, api.ApiId, stage, prefix, routeKey, resourceId, parameters, snapshot.Variables,
            api.Kind == ApiKind.Rest ? RequestIds.New() : extended, extended, GatewayIds.TraceId(now.ToUnixTimeSeconds()), now);
    }

    private static Flavor ApiFlavor(IntegrationTarget integration) => integration.PayloadFormatVersion == "1.0" ? Flavor.HttpV1 : Flavor.HttpV2;

    private async Task<GatewayResponse> InvokeLambdaAsync(
        ApiEntry api, IntegrationTarget integration, StageSnapshot stage, GatewayRequest request, EventContext ctx, Flavor flavor, CancellationToken cancellationToken)
    {
        var payload = flavor switch
        {
            Flavor.HttpV2 => ProxyEvents.HttpV2(request, ctx),
            Flavor.HttpV1 => ProxyEvents.V1(request, ctx, rest: false),
            _ => ProxyEvents.V1(request, ctx, rest: true, BinaryMediaTypes(api)),
        };
        var function = LambdaUri.FunctionOf(integration.Uri ?? "", stage.Variables);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromMilliseconds(integration.TimeoutMillis));
        FunctionInvocationResult result;
        try
        {
            // The gateway stops waiting at the integration timeout; the function itself runs on (as on AWS), so the wait,
            // not the invocation, is what the timeout cancels.
            result = await invoker.InvokeAsync(
                new FunctionInvocation(function, null, InvocationType.RequestResponse, payload, new AwsRequestContext(api.Account, api.Region, ctx.RequestId))
                {
                    TraceId = ctx.TraceId,
                },
                timeout.Token).Until(timeout.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            // Integration timeout: HTTP APIs answer 503, REST APIs 504.
            return flavor == Flavor.Rest
                ? GatewayErrors.Respond("INTEGRATION_TIMEOUT")
                : GatewayResponse.Json(503, "{\"message\":\"Service Unavailable\"}");
        }

        if (result.Error is { } error && logger is not null)
        {
            // The client only sees API Gateway's generic error: say why on the console.
            Log.InvokeFailed(logger, function, error.Code, error.Message);
        }

        if (result.Error is not null || result.FunctionError is not null)
        {
            return flavor == Flavor.Rest ? GatewayResponse.RestBadGateway() : GatewayResponse.HttpInternalError();
        }

        return flavor switch
        {
            Flavor.HttpV2 => ProxyResponses.HttpV2(result.Payload.Span),
            Flavor.HttpV1 => ProxyResponses.HttpV1(result.Payload.Span),
            _ => ProxyResponses.Rest(result.Payload.Span),
        };
    }

    private static string[] BinaryMediaTypes(ApiEntry api) =>
        api.Doc["api"]?["binaryMediaTypes"] is JsonArray a ? [.. a.Select(x => x!.GetValue<string>())] : [];

    private static partial class Log
    {
        [LoggerMessage(EventId = 2201, Level = LogLevel.Warning, Message = "Lambda integration with {Function} failed: {Code}: {Message}")]
        public static partial void InvokeFailed(ILogger logger, string function, string code, string message);
    }

    private enum Flavor
    {
        HttpV2,
        HttpV1,
        Rest,
    }
}
