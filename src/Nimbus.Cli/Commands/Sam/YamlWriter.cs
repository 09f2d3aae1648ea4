using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;

namespace Nimbus.Cli.Commands.Sam;

/// <summary>Writes a template as block-style YAML (intrinsics in their long form, strings quoted when YAML would read them as something else).</summary>
internal static partial class YamlWriter
{
    public static string Write(JsonNode node)
    {
        using var writer = new StringWriter();
        var emitter = new Emitter(writer);
        emitter.Emit(new StreamStart());
        emitter.Emit(new DocumentStart());
        Emit(emitter, node);
        emitter.Emit(new DocumentEnd(true));
        emitter.Emit(new StreamEnd());
        return writer.ToString();
    }

    private static void Emit(IEmitter emitter, JsonNode? node)
    {
        switch (node)
        {
            case JsonObject o:
                emitter.Emit(new MappingStart(null, null, true, MappingStyle.Block));
                foreach (var (k, v) in o)
                {
                    String(emitter, k);
                    Emit(emitter, v);
                }

                emitter.Emit(new MappingEnd());
                break;
            case JsonArray a:
                emitter.Emit(new SequenceStart(null, null, true, SequenceStyle.Block));
                foreach (var v in a)
                {
                    Emit(emitter, v);
                }

                emitter.Emit(new SequenceEnd());
                break;
            case null:
                emitter.Emit(new Scalar(null, null, "null", ScalarStyle.Plain, true, false));
                break;
            case JsonValue v when v.GetValueKind() == JsonValueKind.String:
                String(emitter, v.GetValue<string>());
                break;
            case JsonValue v:
                emitter.Emit(new Scalar(null, null, v.ToJsonString(), ScalarStyle.Plain, true, false));
                break;
        }
    }

    private static void String(IEmitter emitter, string s)
    {
        var ambiguous = s.Length == 0 || Implicit().IsMatch(s) || s.Contains('\n', StringComparison.Ordinal);
        emitter.Emit(new Scalar(null, null, s, ambiguous ? ScalarStyle.DoubleQuoted : ScalarStyle.Any, !ambiguous, true));
    }

    /// <summary>Plain scalars YAML 1.1 resolves to something other than a string (bools, nulls, numbers, dates, sexagesimals).</summary>
    [GeneratedRegex(@"^(?:[yY]|[nN]|yes|Yes|YES|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF|~|null|Null|NULL|[-+]?[0-9][0-9_:.eExXoObB+-]*|[-+]?\.(?:inf|Inf|INF|nan|NaN|NAN)|\d{4}-\d{1,2}-\d{1,2}.*)$")]
    private static partial Regex Implicit();
}
