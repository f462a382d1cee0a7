using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace OrleansHub.Host.Health;

/// <summary>Ready only once this silo is an active member of the cluster; before that grain calls would fail.</summary>
public sealed class SiloReadyHealthCheck(IClusterMembershipService membership, ILocalSiloDetails localSilo) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var status = membership.CurrentSnapshot.GetSiloStatus(localSilo.SiloAddress);
        return Task.FromResult(status == SiloStatus.Active
            ? HealthCheckResult.Healthy("The silo is an active cluster member.")
            : HealthCheckResult.Unhealthy($"The silo is {status}, not an active cluster member."));
    }
}
