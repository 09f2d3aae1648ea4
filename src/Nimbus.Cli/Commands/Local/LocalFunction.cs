using System.Text.Json.Nodes;

namespace Nimbus.Cli.Commands.Local;

/// <summary>A function of a template as the local commands run it: its Lambda configuration and its code folder.</summary>
internal sealed record LocalFunction(string LogicalId, string CodeDirectory, JsonObject Properties, IReadOnlyList<ApiEvent> ApiEvents)
{
    public string Runtime => Properties["Runtime"]?.ToString() ?? "provided.al2023";

    public string Handler => Properties["Handler"]?.ToString() ?? "bootstrap";
}

/// <summary>An Api (REST, payload 1.0) or HttpApi (payload 2.0 unless set) event of a function.</summary>
/// <param name="ApiLogicalId">The explicit API it belongs to, or null for the implicit ServerlessRestApi/ServerlessHttpApi.</param>
internal sealed record ApiEvent(string EventId, string Type, string Path, string Method, string? ApiLogicalId, string PayloadFormatVersion);
