using System.Text.Json.Nodes;

namespace Nimbus.Gateway.Protection;

/// <summary>Evaluates a Lambda authorizer's IAM policy document against a method ARN.</summary>
/// <remarks>IAM's rule: an explicit <c>Deny</c> matching the action and resource wins, else an <c>Allow</c> is needed,
/// else the request is implicitly denied. Actions <c>execute-api:Invoke</c>, <c>execute-api:*</c> and <c>*</c> match;
/// resources match with <c>*</c> (any run of characters, slashes included) and <c>?</c> (one character), case-sensitively.
/// <c>Statement</c>, <c>Action</c> and <c>Resource</c> may be a single value or a list; <c>NotAction</c>/<c>NotResource</c>
/// are honoured too.</remarks>
internal static class PolicyEvaluator
{
    public enum Decision
    {
        ImplicitDeny,
        Allow,
        ExplicitDeny,
    }

    /// <summary>Evaluates the policy; throws <see cref="FormatException"/> when the document is not a policy.</summary>
    public static Decision Evaluate(JsonNode? policy, string methodArn)
    {
        if (policy is JsonValue v && v.TryGetValue<string>(out var text))
        {
            policy = JsonNode.Parse(text);
        }

        if (policy is not JsonObject doc || doc["Statement"] is not { } statements)
        {
            throw new FormatException("policyDocument must be an object with a Statement");
        }

        var allowed = false;
        foreach (var statement in statements is JsonArray a ? a : [statements.DeepClone()])
        {
            if (statement is not JsonObject s)
            {
                throw new FormatException("each Statement must be an object");
            }

            var effect = s["Effect"]?.GetValue<string>();
            if (effect is not ("Allow" or "Deny"))
            {
                throw new FormatException("Effect must be Allow or Deny");
            }

            var actionMatches = s["Action"] is { } action ? Any(action, IsInvokeAction)
                : s["NotAction"] is { } notAction ? !Any(notAction, IsInvokeAction)
                : throw new FormatException("Statement needs an Action");
            var resourceMatches = s["Resource"] is { } resource ? Any(resource, r => Matches(r, methodArn))
                : s["NotResource"] is { } notResource ? !Any(notResource, r => Matches(r, methodArn))
                : throw new FormatException("Statement needs a Resource");
            if (!actionMatches || !resourceMatches)
            {
                continue;
            }

            if (effect == "Deny")
            {
                return Decision.ExplicitDeny;
            }

            allowed = true;
        }

        return allowed ? Decision.Allow : Decision.ImplicitDeny;
    }

    private static bool Any(JsonNode node, Func<string, bool> test) => node switch
    {
        JsonArray list => list.Any(x => x is JsonValue xv && xv.TryGetValue<string>(out var s) && test(s)),
        JsonValue value when value.TryGetValue<string>(out var s) => test(s),
        _ => false,
    };

    private static bool IsInvokeAction(string action) =>
        action == "*" || Matches(action.ToLowerInvariant(), "execute-api:invoke");

    /// <summary>IAM wildcard match: <c>*</c> any characters, <c>?</c> one character.</summary>
    public static bool Matches(string pattern, string value)
    {
        int p = 0, v = 0, star = -1, mark = 0;
        while (v < value.Length)
        {
            if (p < pattern.Length && (pattern[p] == '?' || pattern[p] == value[v]))
            {
                p++;
                v++;
            }
            else if (p < pattern.Length && pattern[p] == '*')
            {
                star = p++;
                mark = v;
            }
            else if (star >= 0)
            {
                p = star + 1;
                v = ++mark;
            }
            else
            {
                return false;
            }
        }

        while (p < pattern.Length && pattern[p] == '*')
        {
            p++;
        }

        return p == pattern.Length;
    }
}
