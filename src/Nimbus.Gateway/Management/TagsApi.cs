using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;
using static Nimbus.Gateway.Management.ManagementCall;

namespace Nimbus.Gateway.Management;

/// <summary>Tagging of APIs and stages: v2 <c>/v2/tags/{arn}</c> and v1 <c>/tags/{arn}</c>.</summary>
/// <remarks>ARNs are <c>arn:aws:apigateway:{region}::/apis/{id}[/stages/{name}]</c> (v2) and
/// <c>…::/restapis/{id}[/stages/{name}]</c> (v1); tags live in the resource's own <c>tags</c> member.</remarks>
internal static class TagsApi
{
    public static void Map(IEndpointRouteBuilder app)
    {
        app.MapGet("/v2/tags/{**arn}", Handle(call => Get(call)));
        app.MapPost("/v2/tags/{**arn}", Handle(call => Tag(call, 201)));
        app.MapDelete("/v2/tags/{**arn}", Handle(call => Untag(call, 204)));
        app.MapGet("/tags/{**arn}", Handle(call => Get(call)));
        app.MapPut("/tags/{**arn}", Handle(call => Tag(call, 204)));
        app.MapDelete("/tags/{**arn}", Handle(call => Untag(call, 204)));
    }

    private static async Task Get(ManagementCall call)
    {
        var (apiId, kind, stage) = Parse(call);
        var doc = call.Store.Get(apiId, kind, call.Caller).Doc;
        await call.JsonAsync(200, new JsonObject { ["tags"] = Target(doc, stage)["tags"]?.DeepClone() ?? new JsonObject() });
    }

    private static async Task Tag(ManagementCall call, int status)
    {
        var body = await call.BodyAsync();
        var (apiId, kind, stage) = Parse(call);
        call.Store.Update(apiId, kind, call.Caller, doc =>
        {
            var tags = JsonFields.Section(Target(doc, stage), "tags");
            foreach (var (k, v) in body["tags"] as JsonObject ?? [])
            {
                tags[k] = v?.DeepClone();
            }

            return 0;
        });
        await call.EmptyAsync(status);
    }

    private static async Task Untag(ManagementCall call, int status)
    {
        var (apiId, kind, stage) = Parse(call);
        var keys = call.Http.Request.Query["tagKeys"].SelectMany(k => (k ?? "").Split(',')).ToList();
        call.Store.Update(apiId, kind, call.Caller, doc =>
        {
            var tags = Target(doc, stage)["tags"] as JsonObject;
            keys.ForEach(k => tags?.Remove(k));
            return 0;
        });
        await call.EmptyAsync(status);
    }

    private static JsonObject Target(JsonObject doc, string? stage) =>
        stage is null
            ? doc["api"]!.AsObject()
            : doc["stages"]?[stage] as JsonObject ?? throw GatewayErrors.NotFound("Invalid stage identifier specified");

    private static (string ApiId, ApiKind Kind, string? Stage) Parse(ManagementCall call)
    {
        var arn = call.Route("arn");
        var at = arn.IndexOf("::/", StringComparison.Ordinal);
        var parts = at < 0 ? [] : arn[(at + 3)..].Split('/');
        if (!arn.StartsWith("arn:aws:apigateway:", StringComparison.Ordinal) || parts.Length is not (2 or 4) || (parts.Length == 4 && parts[2] != "stages"))
        {
            throw GatewayErrors.BadRequest($"Invalid resource ARN {arn}");
        }

        var kind = parts[0] switch
        {
            "apis" => ApiKind.Http,
            "restapis" => ApiKind.Rest,
            _ => throw GatewayErrors.BadRequest($"Invalid resource ARN {arn}"),
        };
        return (parts[1], kind, parts.Length == 4 ? parts[3] : null);
    }
}
