using Microsoft.Extensions.Logging;
using Orleans.Concurrency;
using Orleans.Runtime.Services;
using Orleans.Services;

namespace OrleansHub.Grains.Agencies;

/// <summary>One per silo: hears from the agency catalog that an agency changed, so this silo's directory reloads it now.</summary>
public interface IAgencyChangeListener : IGrainService
{
    /// <summary>Agency <paramref name="code"/> is now at <paramref name="revision"/>. One-way: the catalog never waits on a silo.</summary>
    [OneWay]
    Task AgencyChangedAsync(string code, long revision);
}

/// <summary>
/// Pushes agency changes into this silo's <see cref="AgencyDirectory"/>, so a revoked key or a suspended agency stops working on
/// every silo within milliseconds. The directory's catalog poll stays as the safety net for a notice that was lost (a silo
/// joining at that moment, a dropped message).
/// </summary>
[Reentrant]
public sealed class AgencyChangeListener(GrainId id, Silo silo, ILoggerFactory loggers, AgencyDirectory directory)
    : GrainService(id, silo, loggers), IAgencyChangeListener
{
    public Task AgencyChangedAsync(string code, long revision) => directory.ApplyChangeNoticeAsync(code, revision);
}

/// <summary>Sends an agency change to the <see cref="IAgencyChangeListener"/> of every active silo.</summary>
public sealed partial class AgencyChangeBroadcaster(
    IServiceProvider services, IClusterMembershipService membership, ILogger<AgencyChangeBroadcaster> logger)
    : GrainServiceClient<IAgencyChangeListener>(services)
{
    /// <summary>Best effort and non-blocking: a silo that misses the notice catches up at its next catalog poll.</summary>
    public void Broadcast(string code, long revision)
    {
        foreach (var member in membership.CurrentSnapshot.Members.Values)
        {
            if (member.Status != SiloStatus.Active)
            {
                continue;
            }

            try
            {
                GetGrainService(member.SiloAddress).AgencyChangedAsync(code, revision).Ignore();
            }
            catch (Exception e)
            {
                LogNoticeFailed(code, e.GetType().Name);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not notify a silo that agency {Code} changed ({Failure}); it will see the change at its next catalog poll")]
    private partial void LogNoticeFailed(string code, string failure);
}
