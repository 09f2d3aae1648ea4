namespace Nimbus.Gateway.Routing;

/// <summary>A REST API deployment's resources with their methods, ordered for matching; immutable.</summary>
/// <remarks>Precedence as API Gateway: the most specific resource matching the path is chosen first — literal path
/// parts over <c>{param}</c> over <c>{proxy+}</c> — and only then its method (the exact verb, else <c>ANY</c>); a
/// resource without that method does not fall back to a less specific one. No match is answered 403
/// "Missing Authentication Token".</remarks>
internal sealed class RestResourceTree
{
    private readonly RestResource[] _resources;

    public RestResourceTree(IEnumerable<RestResource> resources) =>
        _resources = [.. resources.Order(Comparer<RestResource>.Create((a, b) => PathTemplate.CompareSpecificity(a.Template, b.Template)))];

    public IReadOnlyList<RestResource> Resources => _resources;

    public (RestResource Resource, RestMethod Method)? Match(string httpMethod, IReadOnlyList<string> segments, Dictionary<string, string> parameters)
    {
        foreach (var resource in _resources)
        {
            if (!resource.Template.TryMatch(segments, parameters))
            {
                continue;
            }

            if (resource.Methods.TryGetValue(httpMethod, out var method) || resource.Methods.TryGetValue("ANY", out method))
            {
                return (resource, method);
            }

            break;
        }

        parameters.Clear();
        return null;
    }
}

/// <summary>One deployed resource: its id, path and methods by HTTP verb (<c>ANY</c> included).</summary>
internal sealed record RestResource(string Id, string Path, PathTemplate Template, IReadOnlyDictionary<string, RestMethod> Methods);

/// <summary>One deployed method and its integration.</summary>
internal sealed record RestMethod(string HttpMethod, IntegrationTarget? Integration)
{
    /// <summary>The deployed method as stored (requestParameters, requestModels, requestValidatorId…); never mutated.</summary>
    public System.Text.Json.Nodes.JsonObject? Definition { get; init; }
}
