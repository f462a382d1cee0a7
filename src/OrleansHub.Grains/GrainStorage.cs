using Microsoft.Extensions.DependencyInjection;
using Orleans.Storage;

namespace OrleansHub.Grains;

/// <summary>Names of the grain storage providers the host must register.</summary>
public static class GrainStorageNames
{
    /// <summary>Citizen, card and agency records.</summary>
    public const string Registry = "registry";
}

/// <summary>How grain state is encoded in storage.</summary>
public static class GrainStorageSerialization
{
    /// <summary>
    /// Stores grain state with Orleans' own serializer instead of the default Newtonsoft JSON: it round-trips the
    /// immutable records and read-only collections the grains hold, and its field IDs keep old rows readable as state evolves.
    /// </summary>
    public static ISiloBuilder UseHubStorageSerializer(this ISiloBuilder silo)
    {
        silo.Services.AddSingleton<IGrainStorageSerializer, OrleansGrainStorageSerializer>();
        return silo;
    }
}
