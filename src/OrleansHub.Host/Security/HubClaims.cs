namespace OrleansHub.Host.Security;

/// <summary>Claim types the hub puts on an authenticated caller.</summary>
public static class HubClaims
{
    /// <summary>The data source a caller writes as: <c>registry</c> for the operator, the agency code for a data provider.</summary>
    public const string Source = "hub:source";

    /// <summary>The agency code of a caller authenticated with an agency key.</summary>
    public const string Agency = "hub:agency";

    /// <summary>The ID of the agency key the caller used (not the key itself), for audit and revocation.</summary>
    public const string AgencyKeyId = "hub:agency-key";

    /// <summary>The 12-digit ID number of a citizen authenticated with an e-ID token.</summary>
    public const string CitizenId = "hub:citizen";
}
