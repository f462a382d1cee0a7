namespace OrleansHub.Host.Security;

/// <summary>The registry operator's credential. Bound from <c>Hub:Operator</c>; the key is a secret and is never logged.</summary>
public sealed class OperatorOptions
{
    public const string Section = "Hub:Operator";

    /// <summary>Used only in embedded mode when no key is configured, so the quick start works out of the box.</summary>
    public const string DevelopmentKey = "dev-operator-key";

    /// <summary>Bearer key for the admin API. Required in PostgreSQL mode.</summary>
    public string? ApiKey { get; set; }
}
