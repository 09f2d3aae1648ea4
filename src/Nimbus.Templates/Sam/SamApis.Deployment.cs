namespace Nimbus.Templates.Sam;

/// <summary>What a REST API's deployment hash takes from the functions that name the API.</summary>
internal sealed partial class SamApis
{
    /// <summary>The template's resource ids in the order the translator visits them (a 2.7 dict's order).</summary>
    private List<string> _resourceOrder = [];

    /// <summary>
    /// The FunctionName of every function with an <c>Api</c> event whose RestApiId names <paramref name="apiId"/>, resolved
    /// against the parameters and concatenated (once per event), or null when there is none: the translator's
    /// <c>redeploy_restapi_parameters</c>, so renaming a function redeploys the API.
    /// </summary>
    private string? FunctionNames(string apiId)
    {
        var names = "";
        foreach (var functionId in _resourceOrder)
        {
            foreach (var ev in _events.Where(e => e.FunctionId == functionId && !e.Http && !e.Implicit && e.ApiId == apiId))
            {
                var resolved = context.ResolveParameterRefs(context.InputResource(ev.FunctionId)?["Properties"]?["FunctionName"]);
                if (Json.IsTruthy(resolved))
                {
                    names += SamDeploymentHash.TemplateValueText(resolved);
                }
            }
        }

        return names.Length == 0 ? null : names;
    }

    /// <summary>
    /// Events in the order the translator adds them to a document: functions, then each function's events, in the order
    /// of the 2.7 dicts it reads them from. Paths that collide in the hash table keep that insertion order.
    /// </summary>
    private IEnumerable<ApiEvent> InTranslatorOrder(IEnumerable<ApiEvent> events)
    {
        var list = events.ToList();
        foreach (var functionId in _resourceOrder)
        {
            var ofFunction = list.Where(e => e.FunctionId == functionId).ToList();
            foreach (var eventId in Py27Hash.Order(ofFunction.Select(e => e.EventId)))
            {
                foreach (var ev in ofFunction.Where(e => e.EventId == eventId))
                {
                    yield return ev;
                }
            }
        }
    }
}
