namespace OrleansHub.Host.Hosting;

/// <summary>Embedded keeps everything in memory in one process; Postgres makes the hub durable and clusterable.</summary>
public enum StorageMode
{
    Embedded,
    Postgres,
}

/// <summary>Reads the storage mode from configuration: a <c>ConnectionStrings:Postgres</c> value selects PostgreSQL.</summary>
public static class StorageModeConfiguration
{
    public const string ConnectionStringName = "Postgres";

    public static StorageMode GetStorageMode(this IConfiguration configuration) =>
        string.IsNullOrWhiteSpace(configuration.GetConnectionString(ConnectionStringName)) ? StorageMode.Embedded : StorageMode.Postgres;

    public static string GetPostgresConnectionString(this IConfiguration configuration) =>
        configuration.GetConnectionString(ConnectionStringName)
        ?? throw new InvalidOperationException($"ConnectionStrings:{ConnectionStringName} is not configured.");
}
