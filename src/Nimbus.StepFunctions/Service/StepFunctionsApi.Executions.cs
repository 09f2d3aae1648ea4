using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Nimbus.StepFunctions.Execution;

namespace Nimbus.StepFunctions.Service;

/// <summary>Execution operations, history and task callbacks.</summary>
internal sealed partial class StepFunctionsApi
{
    private static readonly string[] ExecutionStatuses = ["RUNNING", "SUCCEEDED", "FAILED", "TIMED_OUT", "ABORTED", "PENDING_REDRIVE"];

    private ExecutionRecord NewExecution(JsonObject body, out StateMachineRecord machine) =>
        NewExecution(Required(body, "stateMachineArn"), Optional(body, "name"), Optional(body, "input"), Optional(body, "traceHeader"), out machine);

    private ExecutionRecord NewExecution(string targetArn, string? executionName, string? executionInput, string? traceHeader, out StateMachineRecord machine)
    {
        // Step Functions Local: "arn#TestCase" runs the execution with that test case's mocked responses.
        string? testCase = null;
        if (targetArn.IndexOf('#', StringComparison.Ordinal) is var hash and > 0)
        {
            testCase = targetArn[(hash + 1)..];
            targetArn = targetArn[..hash];
        }

        var target = ResolveTarget(targetArn);
        machine = target.Machine;
        if (testCase is not null)
        {
            mocks.Require(machine.Name, testCase);
        }

        var name = executionName ?? Guid.NewGuid().ToString();
        ValidateName(name);
        var input = executionInput ?? "{}";
        try
        {
            JsonDocument.Parse(input).Dispose();
        }
        catch (JsonException e)
        {
            throw SfnErrors.InvalidExecutionInput(e.Message);
        }

        if (Encoding.UTF8.GetByteCount(input) > 262_144)
        {
            throw SfnErrors.InvalidExecutionInput("The input exceeds the maximum size of 262144 bytes.");
        }

        var express = machine.Type == "EXPRESS";
        var arn = express
            ? $"arn:aws:states:{machine.Region}:{machine.Account}:express:{machine.Name}:{name}:{Guid.NewGuid()}"
            : $"arn:aws:states:{machine.Region}:{machine.Account}:execution:{machine.Name}:{name}";
        return new ExecutionRecord
        {
            Arn = arn,
            StateMachineArn = machine.Arn,
            StateMachineName = machine.Name,
            Name = name,
            Input = input,
            StartDate = Now(),
            Definition = target.Definition,
            RoleArn = target.RoleArn,
            DefinitionUpdated = target.Updated,
            RevisionId = target.RevisionId,
            TraceHeader = traceHeader,
            IsExpress = express,
            VersionArn = target.VersionArn,
            AliasArn = target.AliasArn,
            TestCase = testCase,
            Logging = target.Logging,
        };
    }

    private JsonObject StartExecution(JsonObject body)
    {
        var record = Start(Required(body, "stateMachineArn"), Optional(body, "name"), Optional(body, "input"), Optional(body, "traceHeader"));
        return new JsonObject { ["executionArn"] = record.Arn, ["startDate"] = SfnJson.Epoch(record.StartDate) };
    }

    /// <summary>
    /// StartExecution's semantics, also used by nested executions (<c>states:startExecution</c>) and the <c>states</c> ARN
    /// target: returns the new execution, or the open one with the same name and input.
    /// </summary>
    /// <param name="adoptClosed">Also return a closed execution with the same name and input (a resumed parent re-running its task).</param>
    internal ExecutionRecord Start(string targetArn, string? name, string? input, string? traceHeader, bool adoptClosed = false)
    {
        var record = NewExecution(targetArn, name, input, traceHeader, out _);
        if (record.IsExpress)
        {
            engine.StartExpress(record);
        }
        else if (_store.InsertExecution(record) is { } existing)
        {
            // Idempotent by name while the execution is open: the same name and input return it. As on AWS, a closed
            // execution's name can't be reused, whatever the input.
            if ((existing.Status != "RUNNING" && !adoptClosed) || existing.Input != record.Input || existing.StateMachineArn != record.StateMachineArn)
            {
                throw SfnErrors.ExecutionAlreadyExists(record.Arn);
            }

            return engine.Running(existing.Arn)?.Record ?? existing;
        }
        else
        {
            engine.StartStandard(record, null);
        }

        return record;
    }

    /// <summary>The live or stored record of an execution (null when unknown).</summary>
    internal ExecutionRecord? FindExecution(string arn) => engine.Running(arn)?.Record ?? _store.Execution(arn);

    private async Task<JsonObject> StartSyncExecutionAsync(JsonObject body, CancellationToken ct)
    {
        var record = NewExecution(body, out var machine);
        if (machine.Type != "EXPRESS")
        {
            throw SfnErrors.TypeNotSupported();
        }

        var runner = engine.StartExpress(record);
        await runner.Completion.WaitAsync(ct);
        var result = new JsonObject
        {
            ["executionArn"] = record.Arn,
            ["stateMachineArn"] = record.StateMachineArn,
            ["name"] = record.Name,
            ["startDate"] = SfnJson.Epoch(record.StartDate),
            ["stopDate"] = SfnJson.Epoch(record.StopDate ?? Now()),
            ["status"] = record.Status,
            ["input"] = record.Input,
            ["inputDetails"] = DataDetails(),
            ["billingDetails"] = new JsonObject
            {
                ["billedMemoryUsedInMB"] = 64,
                ["billedDurationInMilliseconds"] = Math.Max(100, (record.StopDate ?? Now()) - record.StartDate),
            },
        };
        AddOutcome(result, record);
        return result;
    }

    private static void AddQualifiers(JsonObject result, ExecutionRecord record)
    {
        if (record.VersionArn is not null)
        {
            result["stateMachineVersionArn"] = record.VersionArn;
        }

        if (record.AliasArn is not null)
        {
            result["stateMachineAliasArn"] = record.AliasArn;
        }
    }

    private static void AddOutcome(JsonObject result, ExecutionRecord record)
    {
        if (record.Output is not null)
        {
            result["output"] = record.Output;
            result["outputDetails"] = DataDetails();
        }

        if (record.Error is not null)
        {
            result["error"] = record.Error;
        }

        if (record.Cause is not null)
        {
            result["cause"] = record.Cause;
        }
    }

    private ExecutionRecord Execution(string arn)
    {
        ParseArn(arn, "execution", "express");
        return engine.Running(arn)?.Record ?? _store.Execution(arn) ?? throw SfnErrors.ExecutionDoesNotExist(arn);
    }

    private JsonObject DescribeExecution(JsonObject body)
    {
        var e = Execution(Required(body, "executionArn"));
        var result = new JsonObject
        {
            ["executionArn"] = e.Arn,
            ["stateMachineArn"] = e.StateMachineArn,
            ["name"] = e.Name,
            ["status"] = e.Status,
            ["startDate"] = SfnJson.Epoch(e.StartDate),
            ["input"] = e.Input,
            ["inputDetails"] = DataDetails(),
        };
        AddRedrive(result, e, withStatus: true);
        if (e.StopDate is { } stop)
        {
            result["stopDate"] = SfnJson.Epoch(stop);
        }

        if (e.TraceHeader is not null)
        {
            result["traceHeader"] = e.TraceHeader;
        }

        AddQualifiers(result, e);
        AddOutcome(result, e);
        return result;
    }

    private async Task<JsonObject> StopExecutionAsync(JsonObject body)
    {
        var arn = Required(body, "executionArn");
        var record = Execution(arn);
        if (engine.Running(arn) is { } runner && !runner.Completion.IsCompleted)
        {
            runner.Stop(Optional(body, "error"), Optional(body, "cause"));
            try
            {
                await runner.Completion.WaitAsync(TimeSpan.FromSeconds(30));
            }
            catch (TimeoutException)
            {
                // The task in progress ignores cancellation; the abort is recorded when it returns.
            }
        }

        return new JsonObject { ["stopDate"] = SfnJson.Epoch(record.StopDate ?? Now()) };
    }

    private JsonObject ListExecutions(JsonObject body)
    {
        var (machineArn, qualifier) = SplitQualified(Required(body, "stateMachineArn"));
        var machine = Machine(machineArn);
        if (qualifier is not null && (IsVersionQualifier(qualifier) ? _store.Version(machineArn + ":" + qualifier) is null : _store.Alias(machineArn + ":" + qualifier) is null))
        {
            throw SfnErrors.ResourceNotFound(machineArn + ":" + qualifier);
        }

        if (machine.Type == "EXPRESS")
        {
            throw SfnErrors.TypeNotSupported();
        }

        var status = Optional(body, "statusFilter");
        if (status is not null && !ExecutionStatuses.Contains(status))
        {
            throw SfnErrors.Validation($"1 validation error detected: Value '{status}' at 'statusFilter' failed to satisfy constraint: Member must satisfy enum value set: [{string.Join(", ", ExecutionStatuses)}]");
        }

        var size = PageSize(body);
        var offset = Offset(Optional(body, "nextToken"));
        var all = _store.Executions(machine.Arn, status, qualifier is null ? null : machineArn + ":" + qualifier);
        switch (Optional(body, "redriveFilter"))
        {
            case null:
                break;
            case "REDRIVEN":
                all = [.. all.Where(e => e.RedriveCount > 0)];
                break;
            case "NOT_REDRIVEN":
                all = [.. all.Where(e => e.RedriveCount == 0)];
                break;
            case var other:
                throw SfnErrors.Validation($"1 validation error detected: Value '{other}' at 'redriveFilter' failed to satisfy constraint: Member must satisfy enum value set: [REDRIVEN, NOT_REDRIVEN]");
        }
        var result = new JsonObject
        {
            ["executions"] = new JsonArray([.. all.Skip(offset).Take(size).Select(e =>
            {
                var live = engine.Running(e.Arn)?.Record ?? e;
                var item = new JsonObject
                {
                    ["executionArn"] = live.Arn,
                    ["stateMachineArn"] = live.StateMachineArn,
                    ["name"] = live.Name,
                    ["status"] = live.Status,
                    ["startDate"] = SfnJson.Epoch(live.StartDate),
                };
                if (live.StopDate is { } stop)
                {
                    item["stopDate"] = SfnJson.Epoch(stop);
                }

                AddQualifiers(item, live);
                AddRedrive(item, live, withStatus: false);
                return (JsonNode)item;
            })]),
        };
        if (offset + size < all.Count)
        {
            result["nextToken"] = OffsetToken(offset + size);
        }

        return result;
    }

    private JsonObject GetExecutionHistory(JsonObject body)
    {
        var arn = Required(body, "executionArn");
        if (Execution(arn).IsExpress)
        {
            // AWS: "This API action is not supported by EXPRESS state machines" — their history is not recorded (only
            // their CloudWatch Logs, per the logging configuration), and Nimbus does not build it either.
            throw SfnErrors.TypeNotSupported();
        }

        var size = PageSize(body);
        var reverse = body["reverseOrder"]?.GetValue<bool>() ?? false;
        var includeData = body["includeExecutionData"]?.GetValue<bool>() ?? true;
        var from = EventToken(Optional(body, "nextToken"));
        List<(long Id, string Body)> page;
        if (engine.Running(arn) is { } runner)
        {
            var all = runner.ReadConsistent(pending =>
            {
                var events = _store.Events(arn, false, null, int.MaxValue);
                var last = events.Count > 0 ? events[^1].Id : 0;
                events.AddRange(pending.Where(e => e.Id > last).Select(e => (e.Id, SfnJson.EventBody(e))));
                return events;
            });
            IEnumerable<(long Id, string Body)> ordered = reverse ? all.AsEnumerable().Reverse() : all;
            page = [.. ordered.Where(e => from is not { } f || (reverse ? e.Id < f : e.Id > f)).Take(size + 1)];
        }
        else
        {
            page = _store.Events(arn, reverse, from, size + 1);
        }

        var result = new JsonObject
        {
            ["events"] = new JsonArray([.. page.Take(size).Select(e => Event(e.Body, includeData))]),
        };
        if (page.Count > size)
        {
            result["nextToken"] = Convert.ToBase64String(Encoding.UTF8.GetBytes("e:" + page[size - 1].Id.ToString(CultureInfo.InvariantCulture)));
        }

        return result;
    }

    private static long? EventToken(string? token)
    {
        if (token is null)
        {
            return null;
        }

        try
        {
            var text = Encoding.UTF8.GetString(Convert.FromBase64String(token));
            if (text.StartsWith("e:", StringComparison.Ordinal) && long.TryParse(text[2..], CultureInfo.InvariantCulture, out var id))
            {
                return id;
            }
        }
        catch (FormatException)
        {
        }

        throw SfnErrors.InvalidToken("Invalid token");
    }

    private static JsonNode Event(string body, bool includeData)
    {
        var e = JsonNode.Parse(body)!.AsObject();
        if (!includeData)
        {
            foreach (var (_, details) in e.ToArray())
            {
                if (details is JsonObject d)
                {
                    d.Remove("input");
                    d.Remove("output");
                    d.Remove("parameters");
                }
            }
        }

        return e;
    }

    private JsonObject DescribeStateMachineForExecution(JsonObject body)
    {
        var e = Execution(Required(body, "executionArn"));
        var machine = _store.Machine(e.StateMachineArn);
        var result = new JsonObject
        {
            ["stateMachineArn"] = e.StateMachineArn,
            ["name"] = e.StateMachineName,
            ["definition"] = e.Definition,
            ["roleArn"] = e.RoleArn,
            ["updateDate"] = SfnJson.Epoch(e.DefinitionUpdated),
            ["loggingConfiguration"] = Logging(machine?.Logging),
            ["tracingConfiguration"] = Tracing(machine?.Tracing),
        };
        if (e.RevisionId is not null)
        {
            result["revisionId"] = e.RevisionId;
        }

        return result;
    }

    // ---- callbacks --------------------------------------------------------------------------------------------------

    private TaskTokens.Waiter Waiter(JsonObject body)
    {
        var token = Required(body, "taskToken");
        if (token.Length is < 1 or > 2048)
        {
            throw SfnErrors.InvalidToken("Invalid token");
        }

        return engine.Tokens.Find(token) ?? (token.StartsWith("AQ", StringComparison.Ordinal) && token.Length == 45
            ? throw SfnErrors.TaskDoesNotExist()
            : throw SfnErrors.InvalidToken("Invalid token"));
    }

    private JsonObject SendTaskSuccess(JsonObject body)
    {
        var waiter = Waiter(body);
        var output = Required(body, "output");
        JsonNode? node;
        try
        {
            node = JsonNode.Parse(output);
        }
        catch (JsonException e)
        {
            throw SfnErrors.InvalidOutput(e.Message);
        }

        return waiter.Complete(TaskInvocationResult.Success(node)) ? [] : throw SfnErrors.TaskDoesNotExist();
    }

    private JsonObject SendTaskFailure(JsonObject body)
    {
        var waiter = Waiter(body);
        return waiter.Complete(new TaskInvocationResult(false, null, Optional(body, "error"), Optional(body, "cause"))) ? [] : throw SfnErrors.TaskDoesNotExist();
    }

    private JsonObject SendTaskHeartbeat(JsonObject body)
    {
        Waiter(body).Heartbeat();
        return [];
    }
}
