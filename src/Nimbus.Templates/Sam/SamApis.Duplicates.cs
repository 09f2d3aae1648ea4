namespace Nimbus.Templates.Sam;

/// <summary>One method per path: the translator adds each event's method to its API's definition in turn.</summary>
internal sealed partial class SamApis
{
    private const string AnyMethod = "x-amazon-apigateway-any-method";

    /// <summary>
    /// Fails the first Api/HttpApi event of <paramref name="ownerId"/> whose path and method an earlier event already
    /// put on the same SAM API. The translator adds events function by function (all functions first, then state
    /// machines, each in template order), so the later event is the one reported.
    /// </summary>
    public void CheckDuplicateMethods(string ownerId)
    {
        if (!_events.Any(e => e.FunctionId == ownerId))
        {
            return;
        }
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var ev in _events.OrderBy(e => e.StateMachine ? 1 : 0))
        {
            var path = ev.Path ?? (ev.Http && ev.Properties["Path"] is null ? "$default" : null);
            var method = ev.Method ?? (ev.Http && ev.Properties["Method"] is null ? AnyMethod : null);
            if (path is null || method is null || !IsSamApi(ev))
            {
                continue;
            }
            var normalized = method.ToLowerInvariant() is var m && m == "any" ? AnyMethod : method.ToLowerInvariant();
            var key = string.Join("\n", ev.Http ? "http" : "rest", ev.ApiId, path, normalized);
            if (!seen.Add(key) && ev.FunctionId == ownerId)
            {
                throw new InvalidEventException(ev.EventId, ev.Http
                    ? $"API method '{method}' defined multiple times for path '{path}'."
                    : $"API method \"{method}\" defined multiple times for path \"{path}\".");
            }
        }
    }

    private bool IsSamApi(ApiEvent ev) =>
        ev.Implicit || Json.Str(context.InputResource(ev.ApiId)?["Type"]) is "AWS::Serverless::Api" or "AWS::Serverless::HttpApi";
}
