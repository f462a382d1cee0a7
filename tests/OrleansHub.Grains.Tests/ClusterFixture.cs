using OrleansHub.Abstractions.Citizens;
using OrleansHub.Grains.Agencies;
using OrleansHub.Grains.Cards;
using OrleansHub.Grains.Citizens;
using OrleansHub.Grains.Events;
using OrleansHub.Grains.Registry;
using OrleansHub.Grains.Tests.Cards;
using OrleansHub.Grains.Tests.Events;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Orleans.TestingHost;

namespace OrleansHub.Grains.Tests;

/// <summary>One in-process two-silo cluster with memory storage and a fake clock, shared by the grain tests.</summary>
public sealed class ClusterFixture : IAsyncLifetime
{
    public FakeTimeProvider Time { get; } = new(new DateTimeOffset(2026, 11, 28, 9, 0, 0, TimeSpan.Zero));

    /// <summary>The event log the registry storage of every silo writes citizen events to.</summary>
    public RecordingEventSink Events { get; } = new();

    public RecordingCardExpiryIndex CardExpiries { get; } = new();

    /// <summary>The registry's states, history and consent notices, shared by both silos like a database would be.</summary>
    public InMemoryRegistryTables Registry { get; } = new();

    public InProcessTestCluster Cluster { get; private set; } = null!;

    public IGrainFactory Grains => Cluster.Client;

    public async Task InitializeAsync()
    {
        var builder = new InProcessTestClusterBuilder(initialSilosCount: 2);
        builder.ConfigureSilo((_, silo) =>
        {
            silo.AddMemoryGrainStorage(GrainStorageNames.Directory);
            silo.AddInMemoryRegistryStorage(Registry);
            silo.UseHubStorageSerializer();
            silo.Services.AddKeyedSingleton<TimeProvider>(HubClock.Key, Time);
            silo.Services.Configure<FieldOwnership>(o => o.Owners[CitizenFieldNames.HealthInsuranceNumber] = TestSources.SocialSecurity);
            silo.Services.AddAgencyDirectory();
            silo.Services.AddSingleton<ICitizenEventSink>(Events);
            silo.Services.AddSingleton<ICardExpiryIndex>(CardExpiries);
        });
        Cluster = builder.Build();
        await Cluster.DeployAsync();
    }

    public async Task DisposeAsync() => await Cluster.DisposeAsync();
}

/// <summary>Source codes the tests use.</summary>
public static class TestSources
{
    /// <summary>Owns the health-insurance number in the test cluster.</summary>
    public const string SocialSecurity = "VSS";
}

[CollectionDefinition(Name)]
public sealed class ClusterCollection : ICollectionFixture<ClusterFixture>
{
    public const string Name = "grain cluster";
}
