namespace Nimbus.StepFunctions;

/// <summary>Options of the Step Functions service.</summary>
public sealed class StepFunctionsOptions
{
    /// <summary>The environment variable Step Functions Local reads the mock configuration path from.</summary>
    public const string MockConfigEnvironmentVariable = "SFN_MOCK_CONFIG";

    /// <summary>
    /// A Step Functions Local mock configuration file (<c>MockConfigFile.json</c>); when null, the <c>SFN_MOCK_CONFIG</c>
    /// environment variable is used. A test case is selected with <c>StartExecution</c> on <c>stateMachineArn#TestCaseName</c>.
    /// </summary>
    public string? MockConfigPath { get; set; }

    internal string? EffectiveMockConfigPath =>
        MockConfigPath ?? (Environment.GetEnvironmentVariable(MockConfigEnvironmentVariable) is { Length: > 0 } p ? p : null);
}
