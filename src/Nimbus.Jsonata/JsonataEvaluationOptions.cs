namespace Nimbus.Jsonata;

/// <summary>Guards against runaway evaluation. Exceeding either limit raises <c>U1001</c>.</summary>
public sealed record JsonataEvaluationOptions
{
    /// <summary>Maximum nesting depth of evaluated expressions (0 = unlimited; stack exhaustion still raises U1001).</summary>
    public int MaxDepth { get; init; }

    /// <summary>Maximum wall-clock time of one evaluation (null = unlimited).</summary>
    public TimeSpan? TimeLimit { get; init; }
}
