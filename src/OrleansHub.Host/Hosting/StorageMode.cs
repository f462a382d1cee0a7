using Npgsql;

namespace OrleansHub.Host.Hosting;

/// <summary>Embedded keeps everything in memory in one process; Postgres makes the hub durable and clusterable.</summary>
public enum StorageMode
{
    Embedded,
    Postgres,
}

/// <summary>
/// Reads the storage mode from configuration: <c>Hub:Mode=Embedded</c> selects embedded mode explicitly; otherwise a
/// <c>ConnectionStrings:Postgres</c> value selects PostgreSQL. With neither, the hub is in embedded mode only in the
/// Development environment: <see cref="HubStartGuard"/> refuses to start anywhere else.
/// </summary>
public static class StorageModeConfiguration
{
    public const string ConnectionStringName = "Postgres";

    /// <summary>The schema owner's login, used by <c>migrate</c> (and by migrate-on-start when given).</summary>
    public const string OwnerConnectionStringName = "PostgresOwner";

    public const string ModeKey = "Hub:Mode";

    public const string RuntimeRoleKey = "Hub:Database:RuntimeRole";

    public static StorageMode GetStorageMode(this IConfiguration configuration) =>
        string.Equals(configuration[ModeKey], nameof(StorageMode.Embedded), StringComparison.OrdinalIgnoreCase)
        || string.IsNullOrWhiteSpace(configuration.GetConnectionString(ConnectionStringName))
            ? StorageMode.Embedded
            : StorageMode.Postgres;

    public static string GetPostgresConnectionString(this IConfiguration configuration) =>
        configuration.GetConnectionString(ConnectionStringName)
        ?? throw new InvalidOperationException($"ConnectionStrings:{ConnectionStringName} is not configured.");

    /// <summary>The owner's connection string; null when not configured.</summary>
    public static string? GetPostgresOwnerConnectionString(this IConfiguration configuration) =>
        configuration.GetConnectionString(OwnerConnectionStringName) is { } owner && !string.IsNullOrWhiteSpace(owner) ? owner : null;

    /// <summary>
    /// The role the silos run as, which <c>migrate</c> grants the runtime privileges to: <c>Hub:Database:RuntimeRole</c>,
    /// else the user of <c>ConnectionStrings:Postgres</c> when it differs from the owner's. Null: grant nothing.
    /// </summary>
    public static string? GetRuntimeRole(this IConfiguration configuration, string ownerConnectionString)
    {
        if (configuration[RuntimeRoleKey] is { } configured && !string.IsNullOrWhiteSpace(configured))
        {
            return configured;
        }

        var runtime = configuration.GetConnectionString(ConnectionStringName);
        if (string.IsNullOrWhiteSpace(runtime))
        {
            return null;
        }

        var runtimeUser = new NpgsqlConnectionStringBuilder(runtime).Username;
        var ownerUser = new NpgsqlConnectionStringBuilder(ownerConnectionString).Username;
        return string.IsNullOrEmpty(runtimeUser) || string.Equals(runtimeUser, ownerUser, StringComparison.Ordinal) ? null : runtimeUser;
    }
}

/// <summary>
/// Fail-closed start: outside Development the hub never falls back to embedded mode (with its public demo keys and
/// citizen-token minting) because a connection string is missing or blank; embedded mode there must be chosen with
/// <c>Hub:Mode=Embedded</c>.
/// </summary>
public static class HubStartGuard
{
    /// <summary>Exit code of a refused start (configuration), distinct from a crash.</summary>
    public const int RefusedExitCode = 3;

    /// <summary>Why this configuration must not start; null when it may.</summary>
    public static string? Refusal(IConfiguration configuration, IHostEnvironment environment)
    {
        var mode = configuration[StorageModeConfiguration.ModeKey];
        var blank = string.IsNullOrWhiteSpace(configuration.GetConnectionString(StorageModeConfiguration.ConnectionStringName));
        if (!string.IsNullOrWhiteSpace(mode) && !Enum.TryParse<StorageMode>(mode, ignoreCase: true, out _))
        {
            return $"Hub:Mode is '{mode}'; use Embedded or Postgres.";
        }

        if (string.Equals(mode, nameof(StorageMode.Postgres), StringComparison.OrdinalIgnoreCase) && blank)
        {
            return "Hub:Mode is Postgres but ConnectionStrings:Postgres (the runtime login) is not set.";
        }

        if (string.IsNullOrWhiteSpace(mode) && blank && !environment.IsDevelopment())
        {
            return $"ConnectionStrings:Postgres is not set and the environment is {environment.EnvironmentName}: the hub refuses to "
                + "fall back to embedded mode (in-memory, public development keys). Set ConnectionStrings__Postgres to the runtime "
                + "login, or Hub__Mode=Embedded to run a throw-away embedded hub on purpose.";
        }

        return null;
    }

    /// <summary>Whether keys must be real secrets: anywhere but Development and embedded mode.</summary>
    public static bool RequiresRealSecrets(IConfiguration configuration, IHostEnvironment environment) =>
        !environment.IsDevelopment() && configuration.GetStorageMode() == StorageMode.Postgres;
}
