using System.Text.Json.Nodes;
using Nimbus.Core.Functions;
using Nimbus.Core.Identity;
using Nimbus.Gateway.Management;
using Nimbus.Gateway.Protection;
using Nimbus.Gateway.Routing;
using Nimbus.Gateway.Serving;

namespace Nimbus.Gateway.FunctionUrls;

/// <summary>Serves one request to a Lambda function URL: CORS preflight, <c>AWS_IAM</c>, the payload 2.0 event, the invoke
/// and the response, as the Lambda guide's "Invoking Lambda function URLs" describes them.</summary>
/// <remarks>
/// The event and the response reuse the HTTP API payload 2.0 code (<see cref="ProxyEvents"/>, <see cref="ProxyResponses"/>):
/// a plain JSON value becomes 200 <c>application/json</c>; <c>statusCode</c>/<c>headers</c>/<c>cookies</c>/<c>body</c>/
/// <c>isBase64Encoded</c> are read as HTTP APIs read them. A function error or a malformed response is 502, a throttle 429,
/// a failed signature 403 <c>{"Message":"Forbidden"}</c>. With <c>AuthType</c> NONE, <c>requestContext.accountId</c> is
/// <c>anonymous</c>, as on AWS. <c>RESPONSE_STREAM</c> URLs are served buffered (the whole response at once).
/// </remarks>
internal sealed class FunctionUrlServer(IFunctionInvoker invoker, TimeProvider time)
{
    public async Task<GatewayResponse> ServeAsync(FunctionUrlEndpoint? url, GatewayRequest request, string addressedPath, CancellationToken cancellationToken)
    {
        if (url is null)
        {
            return Forbidden();
        }

        var cors = url.Cors is { } c ? new CorsPolicy(c.AllowOrigins, c.AllowMethods, c.AllowHeaders, c.ExposeHeaders, c.AllowCredentials, c.MaxAge) : null;
        if (cors is not null && CorsHandler.IsPreflight(request))
        {
            return CorsHandler.Preflight(cors, request);
        }

        var now = time.GetUtcNow();
        var requestId = Guid.NewGuid().ToString();
        var ctx = new EventContext(
            "anonymous", url.UrlId, "$default", "", "$default", "", new Dictionary<string, string>(), new Dictionary<string, string>(),
            requestId, requestId, GatewayIds.TraceId(now.ToUnixTimeSeconds()), now)
        {
            FunctionUrl = true,
        };

        if (url.AuthType == "AWS_IAM")
        {
            var result = SigV4Verifier.Verify(request, addressedPath, now, "lambda");
            if (result.Error is not null)
            {
                return Forbidden();
            }

            ctx = ctx with { AccountId = result.AccountId, Authorization = IamAuthorization(result) };
        }

        var payload = ProxyEvents.HttpV2(request, ctx);
        var invocation = await invoker.InvokeAsync(
            new FunctionInvocation(url.FunctionName, url.Qualifier, InvocationType.RequestResponse, payload, new AwsRequestContext(url.AccountId, url.Region, requestId))
            {
                TraceId = ctx.TraceId,
            },
            cancellationToken);

        var response = invocation switch
        {
            { Error: { StatusCode: 429 } } => Json(429, "{\"Message\":\"Rate Exceeded.\"}", "TooManyRequestsException"),
            { Error: { StatusCode: 413 } error } => Json(413, new JsonObject { ["Message"] = error.Message }.ToJsonString(), error.Code),
            { Error: not null } or { FunctionError: not null } => BadGateway(),
            _ => ProxyResponses.TryHttpV2(invocation.Payload.Span) ?? BadGateway(),
        };
        response = cors is null ? response : CorsHandler.Decorate(cors, request, response);
        return response with { Headers = [.. response.Headers, new("x-amzn-RequestId", requestId), new("X-Amzn-Trace-Id", ctx.TraceId)] };
    }

    /// <summary><c>requestContext.authorizer.iam</c> for a verified caller (Nimbus has no IAM users: the account root).</summary>
    private static RequestAuthorization IamAuthorization(SigV4Verifier.Outcome caller) =>
        new(
            new JsonObject
            {
                ["iam"] = new JsonObject
                {
                    ["accessKey"] = caller.AccessKey,
                    ["accountId"] = caller.AccountId,
                    ["callerId"] = caller.AccountId,
                    ["cognitoIdentity"] = null,
                    ["principalOrgId"] = null,
                    ["userArn"] = $"arn:aws:iam::{caller.AccountId}:root",
                    ["userId"] = caller.AccountId,
                },
            },
            new Dictionary<string, string>())
        { IamAuthenticated = true };

    private static GatewayResponse Forbidden() => Json(403, "{\"Message\":\"Forbidden\"}", "AccessDeniedException");

    private static GatewayResponse BadGateway() => Json(502, "{\"Message\":\"Internal Server Error\"}", null);

    private static GatewayResponse Json(int status, string body, string? errorType) =>
        errorType is null ? GatewayResponse.Json(status, body) : GatewayResponse.Json(status, body, new KeyValuePair<string, string>("x-amzn-ErrorType", errorType));
}
