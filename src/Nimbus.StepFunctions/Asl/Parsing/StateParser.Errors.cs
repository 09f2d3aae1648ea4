using System.Text.Json.Nodes;
using Nimbus.StepFunctions.Asl.Model;
using Nimbus.StepFunctions.Json;

namespace Nimbus.StepFunctions.Asl.Parsing;

internal static partial class StateParser
{
    private static readonly HashSet<string> RetrierFields = ["ErrorEquals", "IntervalSeconds", "MaxAttempts", "BackoffRate", "MaxDelaySeconds", "JitterStrategy", "Comment"];
    private static readonly HashSet<string> CatcherFields = ["ErrorEquals", "Next", "ResultPath", "Comment", "Assign", "Output"];

    private static List<string>? ErrorEquals(ParseContext ctx, JsonObject obj, string loc)
    {
        if (!obj.TryGetPropertyValue("ErrorEquals", out var e) || e is not JsonArray arr)
        {
            ctx.Error(loc, "Missing required field \"ErrorEquals\" (an array of strings)");
            return null;
        }

        if (arr.Count == 0)
        {
            ctx.Error(loc + "/ErrorEquals", "Field \"ErrorEquals\" is empty, non-empty required");
            return null;
        }

        var list = new List<string>();
        for (var i = 0; i < arr.Count; i++)
        {
            var s = ctx.String(arr[i], $"{loc}/ErrorEquals/{i}", "ErrorEquals");
            if (s is not null)
            {
                list.Add(s);
            }
        }

        var allIndex = list.IndexOf("States.ALL");
        if (allIndex >= 0 && list.Count > 1)
        {
            ctx.Error(loc + "/ErrorEquals", "\"States.ALL\" must appear alone in \"ErrorEquals\"");
        }

        return list;
    }

    private static List<Retrier> ParseRetriers(ParseContext ctx, JsonObject obj, string loc)
    {
        var result = new List<Retrier>();
        if (!obj.TryGetPropertyValue("Retry", out var r))
        {
            return result;
        }

        if (r is not JsonArray arr)
        {
            ctx.Error(loc + "/Retry", "Field \"Retry\" should be an Array");
            return result;
        }

        for (var i = 0; i < arr.Count; i++)
        {
            var rloc = $"{loc}/Retry/{i}";
            if (arr[i] is not JsonObject ro)
            {
                ctx.Error(rloc, "A Retrier must be an object");
                continue;
            }

            ctx.CheckAllowed(ro, rloc, RetrierFields, "Retriers");
            var errors = ErrorEquals(ctx, ro, rloc);
            var retrier = new Retrier(errors ?? []);
            if (ro.TryGetPropertyValue("IntervalSeconds", out var iv) && ctx.NonNegativeInt(iv, rloc + "/IntervalSeconds", "IntervalSeconds", 1) is { } ivv)
            {
                retrier = retrier with { IntervalSeconds = ivv };
            }

            if (ro.TryGetPropertyValue("MaxAttempts", out var ma) && ctx.NonNegativeInt(ma, rloc + "/MaxAttempts", "MaxAttempts") is { } mav)
            {
                retrier = retrier with { MaxAttempts = mav };
            }

            if (ro.TryGetPropertyValue("BackoffRate", out var br) && ctx.Number(br, rloc + "/BackoffRate", "BackoffRate") is { } brv)
            {
                if (brv < 1)
                {
                    ctx.Error(rloc + "/BackoffRate", $"Field \"BackoffRate\" has value {brv}; allowed minimum is 1");
                }

                retrier = retrier with { BackoffRate = brv };
            }

            if (ro.TryGetPropertyValue("MaxDelaySeconds", out var md) && ctx.NonNegativeInt(md, rloc + "/MaxDelaySeconds", "MaxDelaySeconds") is { } mdv)
            {
                if (mdv == 0)
                {
                    ctx.Error(rloc + "/MaxDelaySeconds", "Field \"MaxDelaySeconds\" has value 0; allowed floor is 0 (exclusive)");
                }

                retrier = retrier with { MaxDelaySeconds = mdv };
            }

            if (ro.TryGetPropertyValue("JitterStrategy", out var js))
            {
                var jsv = JsonText.AsString(js);
                if (jsv is not ("FULL" or "NONE"))
                {
                    ctx.Error(rloc + "/JitterStrategy", "Field \"JitterStrategy\" is not one of the allowed values [\"FULL\", \"NONE\"]");
                }
                else
                {
                    retrier = retrier with { JitterStrategy = jsv };
                }
            }

            result.Add(retrier);
        }

        CheckAllLast(ctx, result.Select(x => x.ErrorEquals).ToList(), loc + "/Retry");
        return result;
    }

    private static void CheckAllLast(ParseContext ctx, List<IReadOnlyList<string>> rules, string loc)
    {
        for (var i = 0; i < rules.Count - 1; i++)
        {
            if (rules[i].Contains("States.ALL"))
            {
                ctx.Error($"{loc}/{i}", "A rule with \"States.ALL\" in \"ErrorEquals\" must be the last one");
            }
        }
    }

    private static List<Catcher> ParseCatchers(ParseContext ctx, JsonObject obj, string loc, QueryLanguageKind ql)
    {
        var result = new List<Catcher>();
        if (!obj.TryGetPropertyValue("Catch", out var c))
        {
            return result;
        }

        if (c is not JsonArray arr)
        {
            ctx.Error(loc + "/Catch", "Field \"Catch\" should be an Array");
            return result;
        }

        for (var i = 0; i < arr.Count; i++)
        {
            var cloc = $"{loc}/Catch/{i}";
            if (arr[i] is not JsonObject co)
            {
                ctx.Error(cloc, "A Catcher must be an object");
                continue;
            }

            ctx.CheckAllowed(co, cloc, CatcherFields, "Catchers", ql == QueryLanguageKind.Jsonata ? JsonPathOnly : JsonataOnly);
            CheckQueryLanguageFields(ctx, co, cloc, ql);
            var errors = ErrorEquals(ctx, co, cloc);
            var next = ctx.RequiredString(co, "Next", cloc);
            result.Add(new Catcher(errors ?? [], next ?? "")
            {
                ResultPath = ql == QueryLanguageKind.JsonPath ? ctx.NullablePathField(co, "ResultPath", cloc, allowNull: true, reference: true) : null,
                Assign = ql == QueryLanguageKind.JsonPath ? ctx.Template(co, "Assign", cloc) : null,
                RawAssign = co.TryGetPropertyValue("Assign", out var a) ? a?.DeepClone() : null,
                Output = co.TryGetPropertyValue("Output", out var o) ? o?.DeepClone() : null,
            });
        }

        CheckAllLast(ctx, result.Select(x => x.ErrorEquals).ToList(), loc + "/Catch");
        return result;
    }
}
