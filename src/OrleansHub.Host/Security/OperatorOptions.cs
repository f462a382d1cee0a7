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

/// <summary>
/// Credentials of data-provider agencies, bound from <c>Hub:Providers</c> as <c>Hub:Providers:VSS:ApiKey</c>.
/// The agency code (VSS) is the source its writes are credited to and must own the fields it writes.
/// </summary>
public sealed class ProviderOptions
{
    public const string Section = "Hub:Providers";

    /// <summary>Agency code → credential.</summary>
    public Dictionary<string, ProviderCredential> Agencies { get; set; } = new(StringComparer.Ordinal);

    /// <summary>The development key of a provider in embedded mode, e.g. <c>dev-vss-key</c>.</summary>
    public static string DevelopmentKey(string code) => $"dev-{code.ToLowerInvariant()}-key";
}

/// <summary>One provider's key. A secret: never logged.</summary>
public sealed class ProviderCredential
{
    public string? ApiKey { get; set; }
}
