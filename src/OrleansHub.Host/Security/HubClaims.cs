namespace OrleansHub.Host.Security;

/// <summary>Claim types the hub puts on an authenticated caller.</summary>
public static class HubClaims
{
    /// <summary>The data source a caller writes as: <c>registry</c> for the operator, the agency code for a data provider.</summary>
    public const string Source = "hub:source";
}
