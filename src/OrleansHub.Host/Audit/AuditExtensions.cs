using OrleansHub.Host.Hosting;
using OrleansHub.Host.Security;

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
        var realSecrets = HubStartGuard.RequiresRealSecrets(builder.Configuration, builder.Environment);
        builder.Services.AddHubAudit(builder.Configuration.GetStorageMode());
        builder.Services.AddOptions<AuditOptions>()
            .Validate(o => !realSecrets || !string.IsNullOrWhiteSpace(o.KeyId),
                "Hub:Audit:KeyId and Hub:Audit:Keys:<id> must be set on PostgreSQL outside Development: the audit chain is keyed with a secret held outside the database.")
            .Validate(o => string.IsNullOrWhiteSpace(o.KeyId) || o.Keys.ContainsKey(o.KeyId),
                "Hub:Audit:KeyId names a key that Hub:Audit:Keys does not hold.")
            .Validate(o => !realSecrets || o.Keys.Values.All(k => KeyStrength.Problem(k) is null),
                $"Every Hub:Audit:Keys:<id> must be a secret of at least {KeyStrength.MinimumLength} high-entropy characters, not a published example.");
        return builder;
    }

    internal static IServiceCollection AddHubAudit(this IServiceCollection services, StorageMode mode)
    {
        services.AddOptions<AuditOptions>().BindConfiguration(AuditOptions.Section).ValidateDataAnnotations()
            .Validate(o => o.Keys.Keys.All(AuditKeyIds.IsValid), "Every Hub:Audit:Keys:<id> must be named with 1-64 letters, digits, '.', '_' or '-'.")
            .ValidateOnStart();
        services.AddSingleton(sp => AuditKeyRing.From(sp.GetRequiredService<Microsoft.Extensions.Options.IOptions<AuditOptions>>().Value));
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
