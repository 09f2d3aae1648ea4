using System.Text.Json;
using System.Text.Json.Nodes;

namespace Nimbus.StepFunctions.Service;

/// <summary>The Map Runs API: DescribeMapRun, ListMapRuns, UpdateMapRun (distributed Map states).</summary>
internal sealed partial class StepFunctionsApi
{
    private MapRuns Runs => engine.MapRuns ?? throw new InvalidOperationException("Map runs are not registered.");

    private MapRunRecord MapRun(JsonObject body)
    {
        var arn = Required(body, "mapRunArn");
        ParseArn(arn, "mapRun");
        return Runs.Find(arn) ?? throw SfnErrors.ResourceNotFound(arn);
    }

    private static JsonObject Counts(MapRunRecord r)
    {
        var succeeded = Volatile.Read(ref r.Succeeded);
        var failed = Volatile.Read(ref r.Failed);
        var timedOut = Volatile.Read(ref r.TimedOut);
        var aborted = Volatile.Read(ref r.Aborted);
        var open = Math.Max(0, r.Total - succeeded - failed - timedOut - aborted);
        var live = r.Status == "RUNNING";
        var running = live ? Math.Clamp(Volatile.Read(ref r.Running), 0, open) : 0;
        var pendingRedrive = live ? Math.Clamp(Volatile.Read(ref r.PendingRedrive), 0, open - running) : 0;
        return new JsonObject
        {
            ["pending"] = live ? open - running - pendingRedrive : 0,
            ["running"] = running,
            ["succeeded"] = succeeded,
            ["failed"] = failed,
            ["timedOut"] = timedOut,
            ["aborted"] = aborted + (live ? 0 : open),
            ["total"] = r.Total,
            ["resultsWritten"] = 0,
            ["failuresNotRedrivable"] = 0,
            ["pendingRedrive"] = pendingRedrive,
        };
    }

    private JsonObject DescribeMapRun(JsonObject body)
    {
        var r = MapRun(body);
        var result = new JsonObject
        {
            ["mapRunArn"] = r.Arn,
            ["executionArn"] = r.ExecutionArn,
            ["status"] = r.Status,
            ["startDate"] = SfnJson.Epoch(r.StartDate),
            ["maxConcurrency"] = r.MaxConcurrency,
            ["toleratedFailurePercentage"] = r.ToleratedFailurePercentage ?? 0,
            ["toleratedFailureCount"] = r.ToleratedFailureCount ?? 0,
            ["itemCounts"] = Counts(r),
            ["executionCounts"] = Counts(r),
            ["redriveCount"] = r.RedriveCount,
        };
        if (r.RedriveDate is { } redriven)
        {
            result["redriveDate"] = SfnJson.Epoch(redriven);
        }

        if (r.StopDate is { } stop)
        {
            result["stopDate"] = SfnJson.Epoch(stop);
        }

        return result;
    }

    private JsonObject ListMapRuns(JsonObject body)
    {
        var arn = Required(body, "executionArn");
        Execution(arn);
        var size = PageSize(body);
        var offset = Offset(Optional(body, "nextToken"));
        var all = Runs.OfExecution(arn);
        var result = new JsonObject
        {
            ["mapRuns"] = new JsonArray([.. all.Skip(offset).Take(size).Select(r =>
            {
                var item = new JsonObject
                {
                    ["executionArn"] = r.ExecutionArn,
                    ["mapRunArn"] = r.Arn,
                    ["stateMachineArn"] = r.StateMachineArn,
                    ["startDate"] = SfnJson.Epoch(r.StartDate),
                };
                if (r.StopDate is { } stop)
                {
                    item["stopDate"] = SfnJson.Epoch(stop);
                }

                return (JsonNode)item;
            })]),
        };
        if (offset + size < all.Count)
        {
            result["nextToken"] = OffsetToken(offset + size);
        }

        return result;
    }

    private JsonObject UpdateMapRun(JsonObject body)
    {
        var r = MapRun(body);
        int? max = body["maxConcurrency"] is { } m ? Number<int>(m, "maxConcurrency") : null;
        double? pct = body["toleratedFailurePercentage"] is { } p ? Number<double>(p, "toleratedFailurePercentage") : null;
        int? count = body["toleratedFailureCount"] is { } c ? Number<int>(c, "toleratedFailureCount") : null;
        if (max is null && pct is null && count is null)
        {
            throw SfnErrors.Validation("At least one of maxConcurrency, toleratedFailurePercentage or toleratedFailureCount must be specified.");
        }

        if (max < 0 || count < 0 || pct is < 0 or > 100)
        {
            throw SfnErrors.Validation("1 validation error detected: maxConcurrency and toleratedFailureCount must be at least 0, toleratedFailurePercentage between 0 and 100");
        }

        Runs.Update(r, max, pct, count);
        return [];
    }

    private static T Number<T>(JsonNode node, string member)
    {
        try
        {
            return node.GetValue<T>();
        }
        catch (Exception e) when (e is FormatException or InvalidOperationException or JsonException)
        {
            throw Nimbus.Core.Errors.CommonErrors.SerializationException($"Unexpected type for member '{member}'").ToException();
        }
    }
}
