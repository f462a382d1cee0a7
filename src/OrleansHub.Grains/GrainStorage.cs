using Microsoft.Extensions.DependencyInjection;
using Orleans.Storage;

namespace OrleansHub.Grains;

/// <summary>Names of the grain storage providers the host must register.</summary>
public static class GrainStorageNames
{
    /// <summary>
    /// Citizen and card records: the population's write path. On PostgreSQL a group-committing storage that writes many
    /// grains' states, with the history, events and expiry listings they carry, in one transaction.
    /// </summary>
    public const string Registry = "registry";

    /// <summary>Agencies, the agency catalog, quotas and consents: low write volume, one transaction per write (Orleans' ADO.NET provider).</summary>
    public const string Directory = "directory";
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
