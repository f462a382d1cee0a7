namespace OrleansHub.Grains.Registry;

/// <summary>The state names of the grains kept by the registry storage; each has its own table on PostgreSQL.</summary>
public static class RegistryStateNames
{
    /// <summary>A citizen's record, keyed by the 12-digit personal ID.</summary>
    public const string Citizen = "citizen";

    /// <summary>A chip ID card, keyed by its number.</summary>
    public const string Card = "card";
}
