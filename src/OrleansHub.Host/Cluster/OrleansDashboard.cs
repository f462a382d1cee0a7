using Orleans.Dashboard;
using OrleansHub.Host.Security;

namespace OrleansHub.Host.Cluster;

/// <summary>
/// Orleans' own dashboard (silos, grain types, method profiles, reminders) for the registry operator, at
/// <c>/admin/dashboard</c>. Off unless <c>Hub:OrleansDashboard:Enabled</c>: it profiles every grain call, and it can
/// show a grain's state, which for a citizen grain is personal data that no audit entry would record.
/// </summary>
public static class OrleansDashboard
{
    public const string Path = "/admin/dashboard";
    public const string EnabledSetting = "Hub:OrleansDashboard:Enabled";

    public static bool IsEnabled(IConfiguration configuration) => configuration.GetValue<bool>(EnabledSetting);

    public static ISiloBuilder AddHubOrleansDashboard(this ISiloBuilder silo, IConfiguration configuration)
    {
        if (IsEnabled(configuration))
        {
            // No live log stream: logs stay in the log pipeline, where retention and access are controlled.
            silo.AddDashboard(o => o.HideTrace = true);
        }

        return silo;
    }

    public static IEndpointRouteBuilder MapHubOrleansDashboard(this IEndpointRouteBuilder app)
    {
        if (IsEnabled(app.ServiceProvider.GetRequiredService<IConfiguration>()))
        {
            app.MapOrleansDashboard(Path).RequireAuthorization(Roles.OperatorPolicy).ExcludeFromDescription();
        }

        return app;
    }
}
