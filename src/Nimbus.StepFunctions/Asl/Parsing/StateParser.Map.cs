using System.Text.Json.Nodes;
using Nimbus.StepFunctions.Asl.Model;
using Nimbus.StepFunctions.Json;

namespace Nimbus.StepFunctions.Asl.Parsing;

internal static partial class StateParser
{
    private static StateDefinition? ParseMap(ParseContext ctx, JsonObject obj, string loc, CommonFields c)
    {
        ctx.OnlyOne(obj, loc, "ItemProcessor", "Iterator");
        ctx.OnlyOne(obj, loc, "ItemSelector", "Parameters");
        ctx.OnlyOne(obj, loc, "MaxConcurrency", "MaxConcurrencyPath");
        ctx.OnlyOne(obj, loc, "ToleratedFailurePercentage", "ToleratedFailurePercentagePath");
        ctx.OnlyOne(obj, loc, "ToleratedFailureCount", "ToleratedFailureCountPath");
        var processorField = obj.ContainsKey("ItemProcessor") ? "ItemProcessor" : "Iterator";
        StateMachineDefinition? processor = null;
        var mode = MapMode.Inline;
        if (!obj.TryGetPropertyValue(processorField, out var p) || p is not JsonObject po)
        {
            ctx.Error(loc, "A Map state MUST have an object field named \"ItemProcessor\" (or \"Iterator\")");
        }
        else
        {
            var ploc = loc + "/" + processorField;
            if (po.TryGetPropertyValue("ProcessorConfig", out var cfg))
            {
                if (cfg is not JsonObject cfgObj)
                {
                    ctx.Error(ploc + "/ProcessorConfig", "Field \"ProcessorConfig\" should be an Object");
                }
                else if (cfgObj.TryGetPropertyValue("Mode", out var m))
                {
                    switch (JsonText.AsString(m))
                    {
                        case "INLINE":
                            mode = MapMode.Inline;
                            break;
                        case "DISTRIBUTED":
                            mode = MapMode.Distributed;
                            break;
                        default:
                            ctx.Error(ploc + "/ProcessorConfig/Mode", "Field \"Mode\" is not one of the allowed values [\"INLINE\", \"DISTRIBUTED\"]");
                            break;
                    }
                }
            }

            processor = AslParser.ParseMachine(ctx, po, ploc, c.QueryLanguage, isTopLevel: false);
            if (processor is not null)
            {
                StructureValidator.Validate(processor, ploc, ctx);
            }
        }

        if (obj.TryGetPropertyValue("MaxConcurrency", out var mc) && c.QueryLanguage == QueryLanguageKind.JsonPath)
        {
            ctx.NonNegativeInt(mc, loc + "/MaxConcurrency", "MaxConcurrency");
        }

        if (obj.TryGetPropertyValue("ToleratedFailurePercentage", out var tfp) && c.QueryLanguage == QueryLanguageKind.JsonPath)
        {
            var v = ctx.Number(tfp, loc + "/ToleratedFailurePercentage", "ToleratedFailurePercentage");
            if (v is < 0 or > 100)
            {
                ctx.Error(loc + "/ToleratedFailurePercentage", "Field \"ToleratedFailurePercentage\" must be between 0 and 100");
            }
        }

        if (obj.TryGetPropertyValue("ToleratedFailureCount", out var tfc) && c.QueryLanguage == QueryLanguageKind.JsonPath)
        {
            ctx.NonNegativeInt(tfc, loc + "/ToleratedFailureCount", "ToleratedFailureCount");
        }

        string? PathOpt(string field)
        {
            var text = ctx.OptString(obj, field, loc);
            return text is not null && ctx.PathField(text, loc + "/" + field, field) is null ? null : text;
        }

        var selectorField = obj.ContainsKey("ItemSelector") ? "ItemSelector" : "Parameters";
        if (processor is null)
        {
            return null;
        }

        return Apply(
            new MapState
            {
                Name = c.Name,
                ItemProcessor = processor,
                Mode = mode,
                ItemsPath = ctx.NullablePathField(obj, "ItemsPath", loc, allowNull: false),
                Items = obj.TryGetPropertyValue("Items", out var items) ? items?.DeepClone() : null,
                ItemSelector = c.QueryLanguage == QueryLanguageKind.JsonPath ? ctx.Template(obj, selectorField, loc, mustBeObject: false) : null,
                Arguments = c.QueryLanguage == QueryLanguageKind.Jsonata && obj.TryGetPropertyValue("ItemSelector", out var sel) ? sel?.DeepClone() : null,
                ResultSelector = ctx.Template(obj, "ResultSelector", loc),
                ResultPath = ctx.NullablePathField(obj, "ResultPath", loc, allowNull: true, reference: true),
                Retry = ParseRetriers(ctx, obj, loc),
                Catch = ParseCatchers(ctx, obj, loc, c.QueryLanguage),
                MaxConcurrency = mc?.DeepClone(),
                MaxConcurrencyPath = PathOpt("MaxConcurrencyPath"),
                ToleratedFailurePercentage = tfp?.DeepClone(),
                ToleratedFailurePercentagePath = PathOpt("ToleratedFailurePercentagePath"),
                ToleratedFailureCount = tfc?.DeepClone(),
                ToleratedFailureCountPath = PathOpt("ToleratedFailureCountPath"),
                ItemBatcher = obj.TryGetPropertyValue("ItemBatcher", out var ib) ? ib?.DeepClone() : null,
                ItemReader = obj.TryGetPropertyValue("ItemReader", out var ir) ? ir?.DeepClone() : null,
                ResultWriter = obj.TryGetPropertyValue("ResultWriter", out var rw) ? rw?.DeepClone() : null,
                Label = ctx.OptString(obj, "Label", loc),
            },
            c);
    }
}
