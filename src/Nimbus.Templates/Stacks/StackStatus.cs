namespace Nimbus.Templates.Stacks;

/// <summary>CloudFormation's stack and resource status names.</summary>
internal static class StackStatus
{
    public const string CreateInProgress = "CREATE_IN_PROGRESS";
    public const string CreateFailed = "CREATE_FAILED";
    public const string CreateComplete = "CREATE_COMPLETE";
    public const string RollbackInProgress = "ROLLBACK_IN_PROGRESS";
    public const string RollbackFailed = "ROLLBACK_FAILED";
    public const string RollbackComplete = "ROLLBACK_COMPLETE";
    public const string DeleteInProgress = "DELETE_IN_PROGRESS";
    public const string DeleteFailed = "DELETE_FAILED";
    public const string DeleteComplete = "DELETE_COMPLETE";
    public const string DeleteSkipped = "DELETE_SKIPPED";
    public const string UpdateInProgress = "UPDATE_IN_PROGRESS";
    public const string UpdateFailed = "UPDATE_FAILED";
    public const string UpdateCompleteCleanup = "UPDATE_COMPLETE_CLEANUP_IN_PROGRESS";
    public const string UpdateComplete = "UPDATE_COMPLETE";
    public const string UpdateRollbackInProgress = "UPDATE_ROLLBACK_IN_PROGRESS";
    public const string UpdateRollbackFailed = "UPDATE_ROLLBACK_FAILED";
    public const string UpdateRollbackCleanup = "UPDATE_ROLLBACK_COMPLETE_CLEANUP_IN_PROGRESS";
    public const string UpdateRollbackComplete = "UPDATE_ROLLBACK_COMPLETE";
    public const string ReviewInProgress = "REVIEW_IN_PROGRESS";

    public static bool InProgress(string status) => status.EndsWith("_IN_PROGRESS", StringComparison.Ordinal) && status != ReviewInProgress;

    /// <summary>Statuses from which UpdateStack is allowed.</summary>
    public static bool Updatable(string status) => status is CreateComplete or UpdateComplete or UpdateRollbackComplete;
}
