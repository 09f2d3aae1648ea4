using Nimbus.Logs.Metrics.Api;

namespace Nimbus.Logs.Metrics.Store;

/// <summary>CloudWatch's StandardUnit values.</summary>
internal static class Units
{
    public static readonly string[] All =
    [
        "Seconds", "Microseconds", "Milliseconds", "Bytes", "Kilobytes", "Megabytes", "Gigabytes", "Terabytes", "Bits", "Kilobits",
        "Megabits", "Gigabits", "Terabits", "Percent", "Count", "Bytes/Second", "Kilobytes/Second", "Megabytes/Second",
        "Gigabytes/Second", "Terabytes/Second", "Bits/Second", "Kilobits/Second", "Megabits/Second", "Gigabits/Second",
        "Terabits/Second", "Count/Second", "None",
    ];

    /// <summary>Returns <paramref name="unit"/> when it is a StandardUnit, else throws InvalidParameterValue naming <paramref name="path"/>.</summary>
    public static string Check(string unit, string path) =>
        Array.IndexOf(All, unit) >= 0 ? unit : throw CloudWatchErrors.InvalidParameterValue($"The parameter {path} must be a value in the set [ {string.Join(", ", All)} ].");
}
