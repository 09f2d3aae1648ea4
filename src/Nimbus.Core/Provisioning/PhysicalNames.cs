using System.Security.Cryptography;

namespace Nimbus.Core.Provisioning;

/// <summary>Names CloudFormation generates for resources whose name property is not set.</summary>
/// <remarks>The shape is AWS's: stack name, logical id and a 12-character random suffix joined by dashes, the first two parts
/// shortened so the whole fits the service's limit ("Name type" in the CloudFormation user guide).</remarks>
public static class PhysicalNames
{
    private const string Alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";

    public static string Generate(string stackName, string logicalId, int maxLength, bool lowerCase = false)
    {
        var suffix = RandomNumberGenerator.GetString(Alphabet, 12);
        var room = Math.Max(2, maxLength - suffix.Length - 2);
        var stack = stackName;
        var logical = logicalId;
        if (stack.Length + logical.Length > room)
        {
            var half = room / 2;
            stack = stack.Length > half ? stack[..Math.Max(1, room - Math.Min(logical.Length, half))] : stack;
            logical = logical[..Math.Min(logical.Length, room - stack.Length)];
        }

        var name = $"{stack}-{logical}-{suffix}";
        return lowerCase ? name.ToLowerInvariant() : name;
    }
}
