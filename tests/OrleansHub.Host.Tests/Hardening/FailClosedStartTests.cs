using System.Diagnostics;
using Npgsql;
using OrleansHub.Host.Security;
using OrleansHub.Host.Tests.Cluster;
using OrleansHub.Host.Tests.Infrastructure;
using OrleansHub.Host.Tests.Postgres;

namespace OrleansHub.Host.Tests.Hardening;

/// <summary>
/// Issue 14, finding 4: defaults fail closed. Outside Development a missing or blank database configuration no longer
/// selects embedded mode (public demo keys, citizen-token minting), published or weak keys are refused, and so is a
/// runtime login that could rewrite the audit. Each start is the real host process; a refusal exits with code 3 and
/// says why.
/// </summary>
[Collection(PostgresCollection.Name)]
[Trait("Category", "Postgres")]
public sealed class FailClosedStartTests(PostgresServer postgres)
{
    private const int Refused = 3;

    [Fact]
    public async Task Start_ProductionWithoutConnectionString_RefusesWithAClearMessage()
    {
        var (exitCode, output) = await RunUntilExitAsync(new Dictionary<string, string> { ["Hub__Operator__ApiKey"] = HubProcess.OperatorKey });

        Assert.True(exitCode == Refused, output);
        Assert.Contains("refuses to start", output, StringComparison.Ordinal);
        Assert.Contains("Hub__Mode=Embedded", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Start_ProductionWithBlankConnectionString_Refuses()
    {
        var (exitCode, output) = await RunUntilExitAsync(new Dictionary<string, string> { ["ConnectionStrings__Postgres"] = "  " });

        Assert.True(exitCode == Refused, output);
        Assert.Contains("ConnectionStrings:Postgres is not set", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Start_PostgresModeChosenWithoutConnectionString_Refuses()
    {
        var (exitCode, output) = await RunUntilExitAsync(new Dictionary<string, string> { ["Hub__Mode"] = "Postgres", ["DOTNET_ENVIRONMENT"] = "Development", ["ASPNETCORE_ENVIRONMENT"] = "Development" });

        Assert.True(exitCode == Refused, output);
        Assert.Contains("Hub:Mode is Postgres", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Start_EmbeddedChosenExplicitlyInProduction_Serves()
    {
        await using var hub = await HubProcess.StartAsync(await postgres.CreateDatabaseAsync(), $"failclosed-{Guid.NewGuid():N}",
            new Dictionary<string, string> { ["Hub__Mode"] = "Embedded" });

        Assert.True((await hub.Client.GetAsync("/health/live")).IsSuccessStatusCode);
    }

    [Theory]
    [InlineData("Hub__Operator__ApiKey", "dev-operator-key")]
    [InlineData("Hub__Operator__ApiKey", "compose-operator-key-change-me")]
    [InlineData("Hub__Operator__ApiKey", "a-long-random-operator-key")]
    [InlineData("Hub__Operator__ApiKey", "local-operator-key")]
    [InlineData("Hub__Operator__ApiKey", "test-operator-key-0123456789")]
    [InlineData("Hub__Operator__ApiKey", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa")]
    [InlineData("Hub__Providers__Agencies__VSS__ApiKey", "dev-vss-key")]
    [InlineData("Hub__Audit__Keys__test-2026", "change-me-change-me-change-me-change-me")]
    public async Task Start_PostgresWithPublishedOrWeakKey_Refuses(string setting, string value)
    {
        var failure = await StartExpectingRefusalAsync(await postgres.CreateDatabaseAsync(), new Dictionary<string, string> { [setting] = value });

        Assert.Contains($"exited with code {Refused}", failure.Message, StringComparison.Ordinal);
        Assert.Contains("high-entropy characters", failure.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(value, failure.Message.Replace("Hub__Audit__Keys__test-2026", "", StringComparison.Ordinal), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Start_PostgresWithoutAuditKey_Refuses()
    {
        var failure = await StartExpectingRefusalAsync(await postgres.CreateDatabaseAsync(), new Dictionary<string, string> { ["Hub__Audit__KeyId"] = "" });

        Assert.Contains($"exited with code {Refused}", failure.Message, StringComparison.Ordinal);
        Assert.Contains("Hub:Audit:KeyId", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Start_WithOwnerAndRuntimeLogins_MigratesAsTheOwnerAndServesAsTheRuntimeRole()
    {
        var database = await postgres.CreateDatabaseAsync();
        await using var hub = await HubProcess.StartAsync(database, $"failclosed-{Guid.NewGuid():N}");

        await using var dataSource = NpgsqlDataSource.Create(database);
        await using (var sessions = dataSource.CreateCommand("SELECT array_agg(DISTINCT usename::text) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()"))
        {
            Assert.Equal([DatabaseRoles.Runtime], (string[])(await sessions.ExecuteScalarAsync())!);
        }

        await using var owned = dataSource.CreateCommand("SELECT count(*) FROM pg_class WHERE relowner = 'hub_runtime'::regrole");
        Assert.Equal(0L, await owned.ExecuteScalarAsync());
    }

    [Fact]
    public async Task Start_RuntimeLoginIsTheSuperuser_Refuses()
    {
        var database = await postgres.CreateDatabaseAsync();

        var failure = await StartExpectingRefusalAsync(database, new Dictionary<string, string> { ["ConnectionStrings__Postgres"] = database });

        Assert.Contains($"exited with code {Refused}", failure.Message, StringComparison.Ordinal);
        Assert.Contains("is a superuser", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Start_OnlyRuntimeLoginOnAnUnmigratedDatabase_RefusesNamingMigrate()
    {
        var database = await postgres.CreateDatabaseAsync();
        await DatabaseRoles.EnsureRuntimeRoleAsync(database);

        var failure = await StartExpectingRefusalAsync(database, new Dictionary<string, string> { ["ConnectionStrings__PostgresOwner"] = "" });

        Assert.Contains($"exited with code {Refused}", failure.Message, StringComparison.Ordinal);
        Assert.Contains("OrleansHub.Host migrate", failure.Message, StringComparison.Ordinal);
        await using var dataSource = NpgsqlDataSource.Create(database);
        await using var command = dataSource.CreateCommand("SELECT to_regclass('audit_log') IS NULL");
        Assert.Equal(true, await command.ExecuteScalarAsync());
    }

    [Theory]
    [InlineData(null, false)]
    [InlineData("dev-operator-key", false)]
    [InlineData("dev-moh-key", false)]
    [InlineData("0123456789abcdefghijklmnopqrstuvwxyz", false)]
    [InlineData("my-company-operator-key-change-me-2026!", false)]
    [InlineData("Zq3vTn8R", false)]
    [InlineData("LE7v81owxpfyrHhougR6MVsjpk972405DG4HOFGA", true)]
    [InlineData("7f3a9c1e5b2d8f60a4c7e1b9d3f5a2c8", true)] // openssl rand -hex 16
    public void KeyStrength_Key_IsAcceptedOnlyWhenLongRandomAndUnpublished(string? key, bool accepted) =>
        Assert.Equal(accepted, KeyStrength.Problem(key) is null);

    /// <summary>Starts a hub that must refuse; one that starts anyway is stopped before the test fails.</summary>
    private static async Task<InvalidOperationException> StartExpectingRefusalAsync(string database, Dictionary<string, string> settings)
    {
        try
        {
            await using var started = await HubProcess.StartAsync(database, $"failclosed-{Guid.NewGuid():N}", settings);
        }
        catch (InvalidOperationException failure)
        {
            return failure;
        }

        Assert.Fail("The hub started instead of refusing.");
        throw new InvalidOperationException("unreachable");
    }

    /// <summary>The host in Production with no database settings but <paramref name="environment"/>; its exit code and output.</summary>
    private static async Task<(int ExitCode, string Output)> RunUntilExitAsync(Dictionary<string, string> environment)
    {
        var start = new ProcessStartInfo("dotnet", [HubProcess.HostAssembly])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = AppContext.BaseDirectory,
        };
        start.Environment["ASPNETCORE_URLS"] = $"http://127.0.0.1:{FreePort.Next()}";
        start.Environment["DOTNET_ENVIRONMENT"] = "Production";
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        start.Environment["Hub__Cluster__SiloPort"] = FreePort.Next().ToString(System.Globalization.CultureInfo.InvariantCulture);
        start.Environment["Hub__Cluster__GatewayPort"] = FreePort.Next().ToString(System.Globalization.CultureInfo.InvariantCulture);
        start.Environment.Remove("ConnectionStrings__Postgres");
        foreach (var (key, value) in environment)
        {
            start.Environment[key] = value;
        }

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
            return (-1, "still running after 60 s (it started instead of refusing): " + await output + await error);
        }

        return (process.ExitCode, await output + await error);
    }
}
