namespace Nimbus.Core.Identity;

/// <summary>An Amazon Resource Name: <c>arn:partition:service:region:account:resource</c>.</summary>
public sealed record Arn(string Partition, string Service, string Region, string Account, string Resource)
{
    public override string ToString() => $"arn:{Partition}:{Service}:{Region}:{Account}:{Resource}";

    public static bool TryParse(string? text, out Arn arn)
    {
        arn = null!;
        if (text is null || !text.StartsWith("arn:", StringComparison.Ordinal))
        {
            return false;
        }

        var parts = text.Split(':', 6);
        if (parts.Length < 6)
        {
            return false;
        }

        arn = new Arn(parts[1], parts[2], parts[3], parts[4], parts[5]);
        return true;
    }
}
