using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Nimbus.Core.Errors;
using Nimbus.Core.Identity;
using Nimbus.Core.Protocols;
using Nimbus.Core.Services;

namespace Nimbus.Server.Edge;

/// <summary>Runs a JSON-protocol operation of a registered service on an in-memory request, exactly as the edge would.</summary>
internal sealed class InProcessServiceCaller(IEnumerable<IJsonProtocolService> services, IServiceProvider provider) : IAwsServiceCaller
{
    /// <summary>SDK service names to <c>X-Amz-Target</c> prefixes.</summary>
    private static readonly Dictionary<string, string> Prefixes = new(StringComparer.OrdinalIgnoreCase)
    {
        ["dynamodb"] = "DynamoDB_20120810",
        ["dynamodbstreams"] = "DynamoDBStreams_20120810",
        ["sqs"] = "AmazonSQS",
        ["events"] = "AWSEvents",
        ["eventbridge"] = "AWSEvents",
        ["sfn"] = "AWSStepFunctions",
        ["states"] = "AWSStepFunctions",
        ["logs"] = "Logs_20140328",
        ["cloudwatchlogs"] = "Logs_20140328",
        ["cloudwatch"] = "GraniteServiceVersion20100801",
    };

    private readonly Dictionary<string, IJsonProtocolService> _byPrefix = services.ToDictionary(s => s.TargetPrefix, StringComparer.Ordinal);

    public bool Has(string service) => Prefixes.TryGetValue(service, out var prefix) && _byPrefix.ContainsKey(prefix);

    public async Task<JsonNode?> CallAsync(string service, string operation, JsonObject input, AwsRequestContext caller, CancellationToken cancellationToken = default)
    {
        if (!Prefixes.TryGetValue(service, out var prefix) || !_byPrefix.TryGetValue(prefix, out var target))
        {
            throw new AwsError("UnknownServiceException", $"Nimbus does not run the service '{service}'.", 400).ToException();
        }

        var http = new DefaultHttpContext { RequestServices = provider, RequestAborted = cancellationToken };
        var body = Encoding.UTF8.GetBytes(input.ToJsonString());
        http.Request.Method = "POST";
        http.Request.Path = "/";
        http.Request.Headers["X-Amz-Target"] = $"{prefix}.{operation}";
        http.Request.ContentType = target.Protocol == AwsProtocol.AwsJson10 ? "application/x-amz-json-1.0" : "application/x-amz-json-1.1";
        http.Request.Body = new MemoryStream(body);
        http.Request.ContentLength = body.Length;
        var response = new MemoryStream();
        http.Response.Body = response;

        try
        {
            await target.HandleAsync(http, operation, caller);
        }
        catch (JsonException e)
        {
            throw CommonErrors.SerializationException(e.Message).ToException();
        }

        response.Position = 0;
        var node = response.Length == 0 ? null : await JsonNode.ParseAsync(response, cancellationToken: cancellationToken);
        if (http.Response.StatusCode >= 400)
        {
            // A service that wrote its error itself rather than throwing.
            var type = node?["__type"]?.GetValue<string>() ?? http.Response.Headers["x-amzn-ErrorType"].ToString();
            var code = type.Contains('#', StringComparison.Ordinal) ? type[(type.IndexOf('#', StringComparison.Ordinal) + 1)..] : type;
            var message = node?["message"]?.GetValue<string>() ?? node?["Message"]?.GetValue<string>() ?? "";
            throw new AwsError(code, message, http.Response.StatusCode).ToException();
        }

        return node;
    }
}
