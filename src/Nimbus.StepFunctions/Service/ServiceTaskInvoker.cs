using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Nimbus.Core.Functions;
using Nimbus.Core.Identity;
using Nimbus.StepFunctions.Execution;
using Nimbus.StepFunctions.Tasks;

namespace Nimbus.StepFunctions.Service;

/// <summary>
/// The service's task resources: Lambda (through the platform's <see cref="IFunctionInvoker"/>, resolved lazily so the
/// service also runs without Lambda) and <c>.waitForTaskToken</c> callbacks. For a callback, the underlying resource is
/// invoked first (<c>lambda:invoke</c>, <c>states:startExecution</c> or a service integration below), then the task waits
/// for SendTaskSuccess/SendTaskFailure. Service integrations (<c>dynamodb:*</c>, <c>sqs:sendMessage</c>, <c>sns:publish</c>, <c>events:putEvents</c>, <c>aws-sdk:*</c>)
/// go through <see cref="AwsServiceIntegrations"/>, also as the first half of a callback task.
/// </summary>
internal sealed class ServiceTaskInvoker : ITaskInvoker
{
    private const string CallbackSuffix = ".waitForTaskToken";
    private readonly IServiceProvider _services;
    private readonly TaskTokens _tokens;
    private readonly TimeProvider _time;
    private readonly LambdaTaskInvoker _lambda;
    private readonly ActivityQueues _activities;
    private readonly NestedExecutions _nested;

    public ServiceTaskInvoker(IServiceProvider services, TaskTokens tokens, ActivityQueues activities, TimeProvider time, Func<bool> shuttingDown)
    {
        _nested = new NestedExecutions(services, shuttingDown);
        _services = services;
        _tokens = tokens;
        _activities = activities;
        _time = time;
        _lambda = new LambdaTaskInvoker(InvokeLambdaAsync);
        // Resolved on first use: the service caller reaches every JSON service, this one included (a constructor cycle).
        _integrations = new Lazy<AwsServiceIntegrations>(() => new AwsServiceIntegrations(
            services.GetService(typeof(Nimbus.Core.Services.IAwsServiceCaller)) as Nimbus.Core.Services.IAwsServiceCaller,
            services.GetService(typeof(Nimbus.Core.Targets.IArnTargets)) as Nimbus.Core.Targets.IArnTargets,
            services.GetService(typeof(Nimbus.Core.Services.IObjectStorage)) as Nimbus.Core.Services.IObjectStorage));
    }

    private readonly Lazy<AwsServiceIntegrations> _integrations;

    /// <summary>The account and region an execution belongs to (from its ARN).</summary>
    private static AwsRequestContext CallerOf(string executionArn)
    {
        var parts = executionArn.Split(':');
        return parts.Length > 4
            ? new AwsRequestContext(parts[4], parts[3], RequestIds.New())
            : new AwsRequestContext(AwsRequestContext.DefaultAccountId, AwsRequestContext.DefaultRegion, RequestIds.New());
    }

    public ValueTask<TaskInvocationResult> InvokeAsync(TaskInvocation invocation, CancellationToken cancellationToken) =>
        InvokeAsync(invocation, Register(invocation), cancellationToken);

    /// <summary>For a callback task, registers its token (before the task becomes visible, so a fast SendTaskSuccess finds it).</summary>
    public TaskTokens.Waiter? Register(TaskInvocation invocation) =>
        invocation.TaskToken is { } token && (invocation.Resource.EndsWith(CallbackSuffix, StringComparison.Ordinal) || IsActivity(invocation.Resource))
            ? _tokens.Register(token, invocation.ExecutionArn)
            : null;

    /// <summary>An activity ARN (<c>arn:aws:states:region:account:activity:name</c>).</summary>
    public static bool IsActivity(string resource)
    {
        var parts = resource.Split(':');
        return parts.Length == 7 && parts[0] == "arn" && parts[2] == "states" && parts[5] == "activity";
    }

    public async ValueTask<TaskInvocationResult> InvokeAsync(TaskInvocation invocation, TaskTokens.Waiter? waiter, CancellationToken cancellationToken)
    {
        CurrentExecution.Value = invocation.ExecutionArn;
        if (waiter is null)
        {
            if (AwsServiceIntegrations.Handles(invocation.Resource))
            {
                return await _integrations.Value.InvokeAsync(invocation.Resource, invocation.Parameters, CallerOf(invocation.ExecutionArn), cancellationToken).ConfigureAwait(false);
            }

            return NestedExecutions.Handles(invocation.Resource)
                ? await _nested.RunAsync(invocation, cancellationToken).ConfigureAwait(false)
                : await _lambda.InvokeAsync(invocation, cancellationToken).ConfigureAwait(false);
        }

        if (IsActivity(invocation.Resource))
        {
            return await RunActivityAsync(invocation, waiter, cancellationToken).ConfigureAwait(false);
        }

        try
        {
            var underlying = invocation.Resource[..^CallbackSuffix.Length];
            if (underlying.StartsWith("arn:aws:states:::lambda:invoke", StringComparison.Ordinal))
            {
                var started = await _lambda.InvokeAsync(invocation with { Resource = underlying, TaskToken = null }, cancellationToken).ConfigureAwait(false);
                if (!started.Succeeded)
                {
                    return started;
                }

                invocation.Submitted?.Invoke(started.Output);
            }
            else if (AwsServiceIntegrations.Handles(underlying))
            {
                // The call carries the token (e.g. in an SQS message body); its response is the TaskSubmitted output.
                var sent = await _integrations.Value.InvokeAsync(underlying, invocation.Parameters, CallerOf(invocation.ExecutionArn), cancellationToken).ConfigureAwait(false);
                if (!sent.Succeeded)
                {
                    return sent;
                }

                invocation.Submitted?.Invoke(sent.Output);
            }
            else if (underlying == NestedExecutions.Resource)
            {
                try
                {
                    invocation.Submitted?.Invoke(_nested.Start(invocation).Response);
                }
                catch (NestedExecutions.TaskFailure f)
                {
                    return TaskInvocationResult.Failure(f.Error, f.Message);
                }
            }

            return await WaitForCallbackAsync(waiter, invocation.HeartbeatSeconds, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _tokens.Remove(invocation.TaskToken!, waiter);
        }
    }

    /// <summary>
    /// An activity task: queued for the activity's workers (GetActivityTask); <c>ActivityStarted</c> is recorded when a worker
    /// takes it, and the heartbeat clock starts then. The state's <c>TimeoutSeconds</c> (enforced by the engine) counts from
    /// the schedule. The task is withdrawn from the queue when the state ends without a worker having taken it.
    /// </summary>
    private async Task<TaskInvocationResult> RunActivityAsync(TaskInvocation invocation, TaskTokens.Waiter waiter, CancellationToken cancellationToken)
    {
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var task = new ActivityTask(invocation.TaskToken!, Json.JsonText.Serialize(invocation.Parameters), worker =>
        {
            invocation.Started?.Invoke(worker);
            started.TrySetResult();
        });
        _activities.Schedule(invocation.Resource, task);
        try
        {
            await Task.WhenAny(waiter.Result, started.Task).WaitAsync(cancellationToken).ConfigureAwait(false);
            return await WaitForCallbackAsync(waiter, invocation.HeartbeatSeconds, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            task.Close();
            _activities.Withdraw(invocation.Resource, task);
            _tokens.Remove(invocation.TaskToken!, waiter);
        }
    }

    private async Task<TaskInvocationResult> WaitForCallbackAsync(TaskTokens.Waiter waiter, int? heartbeatSeconds, CancellationToken ct)
    {
        if (heartbeatSeconds is not { } hb)
        {
            return await waiter.Result.WaitAsync(ct).ConfigureAwait(false);
        }

        while (true)
        {
            var seen = waiter.Heartbeats;
            try
            {
                return await waiter.Result.WaitAsync(TimeSpan.FromSeconds(hb), _time, ct).ConfigureAwait(false);
            }
            catch (TimeoutException)
            {
                if (waiter.Heartbeats == seen)
                {
                    return TaskInvocationResult.Failure(StatesErrors.HeartbeatTimeout, null);
                }
            }
        }
    }

    private async ValueTask<LambdaInvokeResponse> InvokeLambdaAsync(LambdaInvokeRequest request, CancellationToken ct)
    {
        var invoker = _services.GetService<IFunctionInvoker>()
            ?? throw new LambdaInvokeException("Lambda.ServiceException", "Lambda is not available in this Nimbus process.");
        var type = request.InvocationType switch
        {
            "Event" => InvocationType.Event,
            "DryRun" => InvocationType.DryRun,
            _ => InvocationType.RequestResponse,
        };
        var caller = CallerOf(request.FunctionName.StartsWith("arn:", StringComparison.Ordinal) ? request.FunctionName : CurrentExecution.Value ?? "");
        var result = await invoker.InvokeAsync(new FunctionInvocation(request.FunctionName, request.Qualifier, type, Encoding.UTF8.GetBytes(request.Payload), caller), ct).ConfigureAwait(false);
        if (result.Error is { } error)
        {
            throw new LambdaInvokeException(
                "Lambda." + error.Code,
                $"{error.Message} (Service: Lambda, Status Code: {error.StatusCode}, Request ID: {caller.RequestId})");
        }

        return new LambdaInvokeResponse(result.StatusCode, Encoding.UTF8.GetString(result.Payload.Span), result.FunctionError, result.ExecutedVersion ?? "$LATEST");
    }

    /// <summary>The execution a Lambda call is made for (its account/region scope a function given by bare name).</summary>
    internal static readonly AsyncLocal<string?> CurrentExecution = new();
}
