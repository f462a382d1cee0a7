using Microsoft.AspNetCore.Http.HttpResults;
using OrleansHub.Host.Security;

namespace OrleansHub.Host.Cluster;

/// <summary>One silo as the membership table sees it.</summary>
public sealed record SiloResponse(string Address, string Name, string HostName, string Status, DateTime StartedAt, DateTime LastHeartbeatAt);

/// <summary>Operator view of cluster membership: which silos exist and which are alive.</summary>
public static class ClusterEndpoints
{
    public static IEndpointRouteBuilder MapClusterApi(this IEndpointRouteBuilder app)
    {
        app.MapGroup("/admin/cluster").WithTags("Cluster").RequireAuthorization(Roles.OperatorPolicy)
            .MapGet("/silos", GetSilos)
            .WithName("GetSilos")
            .WithSummary("Lists the silos in the membership table")
            .WithDescription("Active silos serve grains; dead ones stay listed until the membership table is cleaned.");
        return app;
    }

    private static async Task<Ok<SiloResponse[]>> GetSilos(IGrainFactory grains)
    {
        var hosts = await grains.GetGrain<IManagementGrain>(0).GetDetailedHosts(onlyActive: false);
        return TypedResults.Ok(hosts
            .OrderBy(h => h.SiloName, StringComparer.Ordinal)
            .Select(h => new SiloResponse(h.SiloAddress.ToParsableString(), h.SiloName, h.HostName, h.Status.ToString(), h.StartTime, h.IAmAliveTime))
            .ToArray());
    }
}
