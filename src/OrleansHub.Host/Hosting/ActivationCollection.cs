using Orleans.Configuration;
using OrleansHub.Grains.Citizens;
using OrleansHub.Grains.Consents;

namespace OrleansHub.Host.Hosting;

/// <summary>
/// How long idle grains stay in memory, bound from <c>Hub:Cluster:Collection</c>. A citizen's grains are touched at random
/// (a uniform workload over 100 million citizens revisits few), so the silo keeps them for
/// <see cref="CitizenCollectionAge"/> after their last call instead of Orleans' 15 minutes: the number of active citizen
/// grains settles near (lookups per second × that age) and a silo's memory stays flat, while a hot working set (every
/// citizen asked for again within the age) stays active. Other grains keep <see cref="CollectionAge"/>.
/// </summary>
public sealed class ActivationCollectionOptions
{
    public const string Section = "Hub:Cluster:Collection";

    /// <summary>Idle time after which a citizen or consent grain is deactivated.</summary>
    public TimeSpan CitizenCollectionAge { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>Idle time after which any other grain is deactivated (Orleans' default).</summary>
    public TimeSpan CollectionAge { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>How often the silo looks for idle grains.</summary>
    public TimeSpan CollectionQuantum { get; set; } = TimeSpan.FromSeconds(30);
}

/// <summary>Applies <see cref="ActivationCollectionOptions"/> to the silo's grain collection.</summary>
public static class ActivationCollection
{
    public static ISiloBuilder UseHubActivationCollection(this ISiloBuilder silo, IConfiguration configuration)
    {
        var options = configuration.GetSection(ActivationCollectionOptions.Section).Get<ActivationCollectionOptions>() ?? new ActivationCollectionOptions();
        if (options.CollectionQuantum <= TimeSpan.Zero || options.CitizenCollectionAge <= options.CollectionQuantum || options.CollectionAge <= options.CollectionQuantum)
        {
            throw new InvalidOperationException($"{ActivationCollectionOptions.Section}: the collection ages must be longer than a positive CollectionQuantum.");
        }

        silo.Configure<GrainCollectionOptions>(o =>
        {
            o.CollectionQuantum = options.CollectionQuantum;
            o.CollectionAge = options.CollectionAge;
            o.ClassSpecificCollectionAge[typeof(CitizenGrain).FullName!] = options.CitizenCollectionAge;
            o.ClassSpecificCollectionAge[typeof(ConsentGrain).FullName!] = options.CitizenCollectionAge;
        });
        return silo;
    }
}
