using OrleansHub.Grains.Agencies;
using OrleansHub.Host.Hosting;

namespace OrleansHub.Host.Agencies;

/// <summary>Services of agency access: the per-silo agency directory and, in embedded mode, the demo agencies.</summary>
public static class AgenciesExtensions
{
    public static WebApplicationBuilder AddAgencies(this WebApplicationBuilder builder)
    {
        builder.Services.AddAgencyDirectory();
        builder.Services.AddOptions<AgencyDirectoryOptions>()
            .BindConfiguration(AgencyDirectoryOptions.Section)
            .Validate(o => o.RefreshInterval >= TimeSpan.FromMilliseconds(100) && o.RefreshInterval <= TimeSpan.FromMinutes(1),
                "Hub:Agencies:RefreshInterval must be between 00:00:00.1 and 00:01:00.")
            .Validate(o => o.NegativeCacheDuration > TimeSpan.Zero && o.MaxNegativeEntries >= 0,
                "Hub:Agencies:NegativeCacheDuration must be positive and MaxNegativeEntries not negative.")
            .ValidateOnStart();

        // After UseOrleans: hosted services start in registration order, so the silo is up before the seeding runs.
        if (builder.Configuration.GetStorageMode() == StorageMode.Embedded)
        {
            builder.Services.AddHostedService<DemoAgencies>();
        }

        return builder;
    }
}
