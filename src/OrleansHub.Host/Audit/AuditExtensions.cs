using OrleansHub.Host.Hosting;

namespace OrleansHub.Host.Audit;

/// <summary>Wires the audit log, its reader, the dispute store and the verifier for the configured storage mode.</summary>
public static class AuditExtensions
{
    /// <summary>
    /// Adds <see cref="IAuditLog"/> (the group-commit writer, started and drained as a hosted service),
    /// <see cref="IAuditReader"/>, <see cref="IDisputeStore"/> and <see cref="AuditVerifier"/>: on PostgreSQL when a
    /// connection string is configured (the <see cref="Npgsql.NpgsqlDataSource"/> comes from <c>AddOrleansHub</c>),
    /// in memory otherwise.
    /// </summary>
    public static WebApplicationBuilder AddHubAudit(this WebApplicationBuilder builder)
    {
        builder.Services.AddHubAudit(builder.Configuration.GetStorageMode());
        return builder;
    }

    internal static IServiceCollection AddHubAudit(this IServiceCollection services, StorageMode mode)
    {
        services.AddOptions<AuditOptions>().BindConfiguration(AuditOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        if (mode == StorageMode.Postgres)
        {
            services.AddSingleton<PostgresAuditStore>();
            services.AddSingleton<IAuditBatchStore>(sp => sp.GetRequiredService<PostgresAuditStore>());
            services.AddSingleton<IAuditChainSource>(sp => sp.GetRequiredService<PostgresAuditStore>());
            services.AddSingleton<IAuditReader, PostgresAuditReader>();
            services.AddSingleton<IDisputeStore, PostgresDisputeStore>();
        }
        else
        {
            services.AddSingleton<InMemoryAuditStore>();
            services.AddSingleton<IAuditBatchStore>(sp => sp.GetRequiredService<InMemoryAuditStore>());
            services.AddSingleton<IAuditChainSource>(sp => sp.GetRequiredService<InMemoryAuditStore>());
            services.AddSingleton<IAuditReader>(sp => sp.GetRequiredService<InMemoryAuditStore>());
            services.AddSingleton<IDisputeStore, InMemoryDisputeStore>();
        }

        services.AddSingleton<GroupCommitAuditLog>();
        services.AddSingleton<IAuditLog>(sp => sp.GetRequiredService<GroupCommitAuditLog>());
        services.AddHostedService(sp => sp.GetRequiredService<GroupCommitAuditLog>());
        services.AddSingleton<AuditVerifier>();
        return services;
    }
}
