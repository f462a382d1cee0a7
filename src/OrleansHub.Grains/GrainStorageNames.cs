namespace OrleansHub.Grains;

/// <summary>Names of the grain storage providers the host must register.</summary>
public static class GrainStorageNames
{
    /// <summary>Citizen, card and agency records.</summary>
    public const string Registry = "registry";
}
