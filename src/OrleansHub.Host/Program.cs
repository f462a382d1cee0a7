using OrleansHub.Host.Agencies;
using OrleansHub.Host.AgencyApi;
using OrleansHub.Host.Audit;
using OrleansHub.Host.Cards;
using OrleansHub.Host.Citizens;
using OrleansHub.Host.Citizens.Import;
using OrleansHub.Host.Cluster;
using OrleansHub.Host.Consents;
using OrleansHub.Host.Demo;
using OrleansHub.Host.Events;
using OrleansHub.Host.Events.Feeds;
using OrleansHub.Host.Events.Webhooks;
using OrleansHub.Host.Fees;
using OrleansHub.Host.Health;
using OrleansHub.Host.Hosting;
using OrleansHub.Host.Lookups;
using OrleansHub.Host.Quotas;
using OrleansHub.Host.Registry;
using OrleansHub.Host.Security;
using OrleansHub.Host.Security.Citizens;
using OrleansHub.Host.Storage;
using OrleansHub.Host.Telemetry;
using OrleansHub.Host.Transparency;

if (args is ["migrate", .. var rest])
{
    return await MigrateCommand.RunAsync(rest);
}

if (args is ["audit", "verify", .. var verifyArgs])
{
    return await AuditVerifyCommand.RunAsync(verifyArgs);
}

if (args is ["cluster", .. var clusterArgs])
{
    return await ClusterCommand.RunAsync(clusterArgs);
}

if (args is ["audit", "checkpoint", .. var checkpointArgs])
{
    return await AuditVerifyCommand.RunCheckpointAsync(checkpointArgs);
}

if (args is ["fees", "reconcile", .. var reconcileArgs])
{
    return await FeesReconcileCommand.RunAsync(reconcileArgs);
}

var builder = WebApplication.CreateBuilder(args);
if (HubStartGuard.Refusal(builder.Configuration, builder.Environment) is { } refusal)
{
    await Console.Error.WriteLineAsync($"OrleansHub refuses to start: {refusal}");
    return HubStartGuard.RefusedExitCode;
}

builder.AddOrleansHub();
builder.AddRegistry();
builder.AddRegistryStorage();
builder.AddCardExpiry();
builder.AddCitizenEvents();
builder.AddAgencyFeeds();
builder.AddWebhooks();
builder.AddAgencies();
builder.AddAgencyApi();
builder.AddHubAudit();
builder.AddFees();
builder.AddLookups();
builder.AddQuotas();
builder.AddHubSecurity();
builder.AddHubHealthChecks();
builder.AddHubTelemetry();
builder.AddHubApi();
builder.AddDemoDataWhenEmbedded();

// A configuration the hub must not run with (weak or published keys, a login that could rewrite the audit, a schema
// the runtime login may not migrate) ends the process with a message and exit code 3, not a crash dump.
try
{
    var app = builder.Build();
    app.UseHubApi();
    app.MapHubHealth();
    app.MapHubMetrics();
    app.MapCitizensApi();
    app.MapCitizenImportApi();
    app.MapCardsApi();
    app.MapAgenciesAdminApi();
    app.MapQuotasAdminApi();
    app.MapClusterApi();
    app.MapHubOrleansDashboard();
    app.MapCitizenSignIn();
    app.MapConsentsApi();
    app.MapTransparencyApi();
    app.MapEventsApi();
    app.MapWebhookAdminApi();
    app.MapFeesApi();

    // The agency API: one group, one pipeline; each feature adds its endpoints.
    app.MapAgencyApi()
        .MapOwnAgreementApi()
        .MapLookupsApi()
        .MapFeedsApi()
        .MapWebhooksApi()
        .MapOwnStatementsApi()
        .MapOwnDisputesApi();

    app.LogStartupMode();
    await app.RunAsync();
}
catch (Exception exception) when (exception is Microsoft.Extensions.Options.OptionsValidationException or HubStartRefusedException)
{
    await Console.Error.WriteLineAsync($"OrleansHub refuses to start: {exception.Message}");
    return HubStartGuard.RefusedExitCode;
}

return 0;

/// <summary>The host's entry point; public so tests can start it through WebApplicationFactory.</summary>
public partial class Program;
