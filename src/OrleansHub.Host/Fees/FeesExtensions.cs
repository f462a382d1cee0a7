using OrleansHub.Host.Audit;
using OrleansHub.Host.Hosting;

namespace OrleansHub.Host.Fees;

/// <summary>Wires fee schedules, the ledger reader and Idempotency-Key records for the configured storage mode.</summary>
public static class FeesExtensions
{
    /// <summary>Adds the fee services; call after <c>AddHubAudit</c> (in embedded mode the audit store keeps the ledger).</summary>
    public static WebApplicationBuilder AddFees(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddOptions<FeeOptions>().BindConfiguration(FeeOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        if (builder.Configuration.GetStorageMode() == StorageMode.Postgres)
        {
            services.AddSingleton<IFeeScheduleStore, PostgresFeeScheduleStore>();
            services.AddSingleton<IFeeLedger, PostgresFeeLedger>();
            services.AddSingleton<ICreditCapStore, PostgresCreditCapStore>();
        }
        else
        {
            services.AddSingleton<IFeeScheduleStore, InMemoryFeeScheduleStore>();
            services.AddSingleton<IFeeLedger>(sp => sp.GetRequiredService<InMemoryAuditStore>());
            services.AddSingleton<ICreditCapStore, InMemoryCreditCapStore>();
        }

        services.AddSingleton<CreditCapGuard>();
        services.AddSingleton<FeeScheduleBook>();
        services.AddHostedService(sp => sp.GetRequiredService<FeeScheduleBook>());
        return builder;
    }
}
