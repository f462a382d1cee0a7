namespace OrleansHub.Host.Security;

/// <summary>Roles a caller can hold, and the authorization policies that require them.</summary>
public static class Roles
{
    public const string Operator = "operator";

    /// <summary>A data-provider agency writing the fields it owns (social security, transport, tax, ...).</summary>
    public const string Provider = "provider";

    /// <summary>A consuming agency calling the lookup and verification API with its agency key.</summary>
    public const string Agency = "agency";

    /// <summary>A citizen signed in through the national e-ID app (a token from the configured e-ID issuer).</summary>
    public const string Citizen = "citizen";

    /// <summary>Policy for the agency API (lookups, verification).</summary>
    public const string AgencyPolicy = "agency";

    /// <summary>Policy for a citizen's own endpoints (consents, access log, disputes).</summary>
    public const string CitizenPolicy = "citizen";

    /// <summary>Policy for the registry operator's admin API.</summary>
    public const string OperatorPolicy = "operator";

    /// <summary>Policy for writes to citizen fields: the operator, or a data provider for the fields it owns.</summary>
    public const string RegistryWriterPolicy = "registry-writer";
}
