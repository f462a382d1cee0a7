using Microsoft.Extensions.DependencyInjection;
using Orleans.TestingHost;
using OrleansHub.Grains.Agencies;

namespace OrleansHub.Grains.Tests.Agencies;

/// <summary>
/// Two silos with the agency grains and each silo's <see cref="AgencyDirectory"/>, polling the catalog only once an hour:
/// within a test, whatever a silo learns of a change it learns another way (a pushed notice, a reload on the request).
/// </summary>
internal static class DirectoryClusters
{
    public static async Task<InProcessTestCluster> StartAsync(Action<ISiloBuilder>? configure = null)
    {
        var builder = new InProcessTestClusterBuilder(initialSilosCount: 2);
        builder.ConfigureSilo((_, silo) =>
        {
            silo.AddMemoryGrainStorage(GrainStorageNames.Directory);
            silo.UseHubStorageSerializer();
            silo.Services.AddAgencyDirectory();
            silo.Services.Configure<AgencyDirectoryOptions>(o => o.RefreshInterval = TimeSpan.FromHours(1));
            configure?.Invoke(silo);
        });
        var cluster = builder.Build();
        await cluster.DeployAsync();
        return cluster;
    }

    /// <summary>The agency directory of silo <paramref name="index"/>.</summary>
    public static AgencyDirectory Directory(this InProcessTestCluster cluster, int index) =>
        cluster.Silos[index].ServiceProvider.GetRequiredService<AgencyDirectory>();
}
