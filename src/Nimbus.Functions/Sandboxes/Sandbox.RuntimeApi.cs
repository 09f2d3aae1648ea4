using System.Diagnostics;
using System.Globalization;
using Nimbus.Functions.Runtime;

namespace Nimbus.Functions.Sandboxes;

/// <summary>The Runtime API 2018-06-01 as this sandbox's runtime sees it.</summary>
internal sealed partial class Sandbox
{
    private const string Prefix = "/2018-06-01/runtime/";
    private const int MaxResponseBytes = 6 * 1024 * 1024;

    public async ValueTask<RuntimeResponse> HandleAsync(RuntimeRequest request, CancellationToken cancellationToken)
    {
        var path = request.Path;
        var query = path.IndexOf('?', StringComparison.Ordinal);
        if (query >= 0)
        {
            path = path[..query];
        }

        if (path == Prefix + "invocation/next" && request.Method == "GET")
        {
            return await NextAsync(cancellationToken);
        }

        if (path.StartsWith(Prefix + "invocation/", StringComparison.Ordinal) && request.Method == "POST")
        {
            var rest = path[(Prefix.Length + "invocation/".Length)..];
            var slash = rest.IndexOf('/', StringComparison.Ordinal);
            if (slash > 0)
            {
                var id = Uri.UnescapeDataString(rest[..slash]);
                var verb = rest[(slash + 1)..];
                if (verb is "response" or "error")
                {
                    return Complete(id, verb == "error", request);
                }
            }
        }

        if (path == Prefix + "init/error" && request.Method == "POST")
        {
            var type = request.Header("Lambda-Runtime-Function-Error-Type") ?? "Runtime.InitError";
            var body = request.Body.Length > 0 ? request.Body : ErrorBody(type, "Runtime failed to initialize");
            _initError = (type, body);
            var active = _active;
            return active is null
                ? RuntimeResponse.Accepted
                : RuntimeResponse.Accepted with { AfterSend = () => active.Completion.TrySetResult(new InvocationOutcome(OutcomeKind.InitError, body, type)) };
        }

        if (path == "/2018-06-01/ping")
        {
            return RuntimeResponse.Json(200, "\"pong\"");
        }

        return RuntimeResponse.Error(404, "InvalidRequest", $"Unknown Runtime API path {request.Method} {path}");
    }

    private async ValueTask<RuntimeResponse> NextAsync(CancellationToken cancellationToken)
    {
        if (!_ready.Task.IsCompleted)
        {
            InitDurationMs = Stopwatch.GetElapsedTime(_startedAt).TotalMilliseconds;
            _ready.TrySetResult();
        }

        var work = await _queue.Reader.ReadAsync(cancellationToken);
        _runtimeCurrent = work;
        work.DispatchedAt = Stopwatch.GetTimestamp();
        if (work.DeadlineMs == 0)
        {
            work.DeadlineMs = _time.GetUtcNow().ToUnixTimeMilliseconds() + (_spec.TimeoutSeconds * 1000L);
        }

        List<KeyValuePair<string, string>> headers =
        [
            new("Lambda-Runtime-Aws-Request-Id", work.RequestId),
            new("Lambda-Runtime-Deadline-Ms", work.DeadlineMs.ToString(CultureInfo.InvariantCulture)),
            new("Lambda-Runtime-Invoked-Function-Arn", work.InvokedFunctionArn),
            new("Lambda-Runtime-Trace-Id", work.TraceId),
        ];
        if (work.ClientContext is not null)
        {
            headers.Add(new("Lambda-Runtime-Client-Context", work.ClientContext));
        }

        if (work.CognitoIdentity is not null)
        {
            headers.Add(new("Lambda-Runtime-Cognito-Identity", work.CognitoIdentity));
        }

        return new RuntimeResponse(200, work.Payload, headers);
    }

    private RuntimeResponse Complete(string requestId, bool isError, RuntimeRequest request)
    {
        var work = _runtimeCurrent;
        if (work is null || work.RequestId != requestId)
        {
            return RuntimeResponse.Error(400, "InvalidRequestID", "Invalid request ID");
        }

        _runtimeCurrent = null;
        work.CompletedAt = Stopwatch.GetTimestamp();
        if (request.Body.Length > MaxResponseBytes)
        {
            work.Completion.TrySetResult(PlatformError(
                OutcomeKind.FunctionError, "Function.ResponseSizeTooLarge",
                $"Response payload size ({request.Body.Length} bytes) exceeded maximum allowed payload size ({MaxResponseBytes} bytes)."));
            return RuntimeResponse.Error(413, "RequestEntityTooLarge", $"Exceeded maximum allowed payload size ({MaxResponseBytes} bytes).");
        }

        // The outcome is handed over once the 202 is on its way (AfterSend): the invoker's continuation then runs inline
        // on this connection's task (no thread hop) without holding up the runtime's next request.
        InvocationOutcome outcome;
        if (!isError)
        {
            outcome = new InvocationOutcome(OutcomeKind.Success, request.Body);
        }
        else
        {
            var type = request.Header("Lambda-Runtime-Function-Error-Type") ?? "Unhandled";
            outcome = new InvocationOutcome(OutcomeKind.FunctionError, request.Body.Length > 0 ? request.Body : ErrorBody(type, "Unhandled error"), type);
        }

        return RuntimeResponse.Accepted with { AfterSend = () => work.Completion.TrySetResult(outcome) };
    }
}
