namespace Nimbus.Core.Identity;

/// <summary>Creates request ids in AWS's format (a lower-case UUID).</summary>
public static class RequestIds
{
    public static string New() => Guid.NewGuid().ToString("D");
}
