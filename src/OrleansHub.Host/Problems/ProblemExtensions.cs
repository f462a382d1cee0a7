namespace OrleansHub.Host.Problems;

/// <summary>Extension members of the hub's problem answers.</summary>
public static class ProblemExtensions
{
    /// <summary>The audit log entry that recorded the refusal (the first, when it named several citizens).</summary>
    public const string AuditId = "auditId";
}
