using System.Data.Common;
using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Npgsql;
using Orleans.Configuration;
using Orleans.Serialization;
using OrleansHub.Grains;
using OrleansHub.Host.Cluster;
using OrleansHub.Host.Storage;

namespace OrleansHub.Host.Hosting;

/// <summary>Wires the in-process Orleans silo for the configured storage mode.</summary>
public static class SiloHostingExtensions
{
    private const string NpgsqlInvariant = "Npgsql";

    /// <summary>
    /// Adds the silo: localhost clustering and memory storage when embedded; on PostgreSQL, ADO.NET clustering, reminders and
    /// storage of the low-volume grains. Citizens and cards have their own storage (<c>AddRegistryStorage</c>).
    /// </summary>
    public static WebApplicationBuilder AddOrleansHub(this WebApplicationBuilder builder)
    {
        var configuration = builder.Configuration;
        var mode = configuration.GetStorageMode();
        var cluster = configuration.GetSection(HubClusterOptions.Section).Get<HubClusterOptions>() ?? new HubClusterOptions();
        builder.Services.TryAddKeyedSingleton(HubClock.Key, TimeProvider.System);
        builder.Services.AddOptions<HubClusterOptions>().BindConfiguration(HubClusterOptions.Section).ValidateDataAnnotations().ValidateOnStart();

        if (mode == StorageMode.Postgres)
        {
            // Orleans' ADO.NET providers find the driver by invariant name; register it rather than rely on assembly probing.
            DbProviderFactories.RegisterFactory(NpgsqlInvariant, NpgsqlFactory.Instance);
            // No reset on return to the pool: the hub's connections keep no session state (transaction-scoped locks and
            // settings only; the notification listener unlistens before it lets go), and each DISCARD ALL is a transaction
            // of its own on PostgreSQL, one per pooled use (measured with pg_stat_statements under a PATCH load).
            builder.Services.AddNpgsqlDataSource(
                configuration.GetPostgresConnectionString(), source => source.ConnectionStringBuilder.NoResetOnClose = true);
            // Registered before the silo so the schema exists before the ADO.NET providers read their queries.
            builder.Services.AddSingleton<MigrationRunner>();
            builder.Services.AddHostedService<MigrateOnStartService>();
        }

        builder.UseOrleans(silo =>
        {
            silo.Configure<ClusterMembershipOptions>(configuration.GetSection($"{HubClusterOptions.Section}:Membership"));
            silo.Configure<SiloMessagingOptions>(configuration.GetSection($"{HubClusterOptions.Section}:Messaging"));
            silo.UseHubStorageSerializer();
            silo.UseHubActivationCollection(configuration);
            silo.AddHubOrleansDashboard(configuration);
            // Activity.Current (the HTTP request's trace) travels with grain calls, also to other silos.
            silo.AddActivityPropagation();
            // A grain whose storage call fails answers with Orleans' exception wrapping Npgsql's; without this, Orleans finds
            // no codec for the Npgsql inner exception, the response itself fails and the caller gets a CodecNotFoundException
            // (a 500) instead of the database failure (a 503).
            silo.Services.Configure<ExceptionSerializationOptions>(o => o.SupportedNamespacePrefixes.Add(NpgsqlInvariant));

            if (mode == StorageMode.Embedded)
            {
                // One silo on loopback, no peers (so no TLS); gateway port 0: no client gateway.
                silo.UseLocalhostClustering(cluster.SiloPort, gatewayPort: 0, serviceId: cluster.ServiceId, clusterId: cluster.ClusterId);
                silo.AddMemoryGrainStorage(GrainStorageNames.Directory);
                silo.UseInMemoryReminderService();
                return;
            }

            var connectionString = configuration.GetPostgresConnectionString();
            silo.Configure<ClusterOptions>(o =>
            {
                o.ClusterId = cluster.ClusterId;
                o.ServiceId = cluster.ServiceId;
            });
            // Outside Development, silos of a PostgreSQL cluster accept only peers with a certificate of the cluster's CA.
            silo.UseHubClusterTls(cluster.Tls, required: !builder.Environment.IsDevelopment());
            var advertised = ResolveAdvertisedAddress(cluster.AdvertisedAddress);
            // Gateway port 0: no client gateway. Listening on the advertised address only, unless told otherwise; set
            // explicitly so Kubernetes hosting (which fills an unset listening endpoint with "any") keeps it.
            silo.ConfigureEndpoints(advertised, cluster.SiloPort, gatewayPort: 0);
            silo.Configure<EndpointOptions>(o =>
                o.SiloListeningEndpoint = new IPEndPoint(cluster.ListenOnAnyAddress ? IPAddress.Any : advertised, cluster.SiloPort));
            silo.UseAdoNetClustering(o =>
            {
                o.Invariant = NpgsqlInvariant;
                o.ConnectionString = connectionString;
            });
            silo.AddAdoNetGrainStorage(GrainStorageNames.Directory, o =>
            {
                o.Invariant = NpgsqlInvariant;
                o.ConnectionString = connectionString;
            });
            silo.UseAdoNetReminderService(o =>
            {
                o.Invariant = NpgsqlInvariant;
                o.ConnectionString = connectionString;
            });
            if (cluster.Kubernetes)
            {
                // After ConfigureEndpoints and ClusterOptions: the pod's IP and orleans/* labels win over the settings above.
                silo.UseKubernetesHosting();
            }
        });

        return builder;
    }

    private static IPAddress ResolveAdvertisedAddress(string? configured)
    {
        if (!string.IsNullOrWhiteSpace(configured))
        {
            return IPAddress.TryParse(configured, out var address)
                ? address
                : Dns.GetHostAddresses(configured).First(a => a.AddressFamily == AddressFamily.InterNetwork);
        }

        return Dns.GetHostAddresses(Dns.GetHostName()).FirstOrDefault(a => a.AddressFamily == AddressFamily.InterNetwork && !IPAddress.IsLoopback(a))
            ?? IPAddress.Loopback;
    }
}
