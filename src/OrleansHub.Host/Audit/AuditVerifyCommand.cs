using Npgsql;
using OrleansHub.Host.Hosting;

namespace OrleansHub.Host.Audit;

/// <summary>
/// <c>OrleansHub.Host audit verify</c>: recomputes every audit chain in the configured database. Exit 0 when intact,
/// 1 naming each broken chain and batch (never an entry's content), 2 when it cannot run.
/// </summary>
public static class AuditVerifyCommand
{
    public static async Task<int> RunAsync(string[] args)
    {
        var builder = Microsoft.Extensions.Hosting.Host.CreateApplicationBuilder(args);
        if (builder.Configuration.GetStorageMode() != StorageMode.Postgres)
        {
            await Console.Error.WriteLineAsync("audit verify: set ConnectionStrings__Postgres to the database to verify.");
            return 2;
        }

        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.Services.AddNpgsqlDataSource(builder.Configuration.GetPostgresConnectionString());
        builder.Services.AddSingleton<PostgresAuditStore>();
        builder.Services.AddSingleton(sp => new AuditVerifier(sp.GetRequiredService<PostgresAuditStore>()));
        using var host = builder.Build();
        try
        {
            var result = await host.Services.GetRequiredService<AuditVerifier>().VerifyAsync();
            if (result.Intact)
            {
                await Console.Out.WriteLineAsync($"audit verify: intact: {result.Chains} chain(s), {result.Batches} batch(es), {result.Entries} entries.");
                return 0;
            }

            foreach (var broken in result.Breaks)
            {
                await Console.Out.WriteLineAsync($"audit verify: BROKEN {broken.Kind}: {broken.Description}");
            }

            await Console.Out.WriteLineAsync($"audit verify: {result.Breaks.Count} of {result.Chains} chain(s) broken.");
            return 1;
        }
        catch (PostgresException exception) when (exception.SqlState == PostgresErrorCodes.UndefinedTable)
        {
            await Console.Error.WriteLineAsync("audit verify: the database has no audit log; run migrate first.");
            return 2;
        }
        catch (NpgsqlException exception)
        {
            await Console.Error.WriteLineAsync($"audit verify: the database refused: {exception.GetType().Name} {(exception as PostgresException)?.SqlState}");
            return 2;
        }
    }
}
