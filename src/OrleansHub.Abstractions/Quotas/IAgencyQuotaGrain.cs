namespace OrleansHub.Abstractions.Quotas;

/// <summary>
/// One agency's quota and its cluster-wide budget, keyed by the agency code. Silos lease slices of the budget ahead of need
/// and hand back what they did not use; no request waits on this grain unless its silo has run out of leased units.
/// </summary>
public interface IAgencyQuotaGrain : IGrainWithStringKey
{
    /// <summary>Returns the quota settings (quota null: unlimited).</summary>
    Task<QuotaSettings> GetAsync();

    /// <summary>Sets the quota (null removes it) at <paramref name="expectedVersion"/> when given.</summary>
    Task<QuotaWriteResult> SetAsync(AgencyQuota? quota, long? expectedVersion, string actor);

    /// <summary>Returns every change to the quota, newest first.</summary>
    Task<IReadOnlyList<QuotaChange>> GetHistoryAsync();

    /// <summary>Takes back unused units and grants up to the wanted number from the rate budget and the daily and monthly quotas.</summary>
    Task<QuotaLease> LeaseAsync(QuotaLeaseRequest request);

    /// <summary>The usage counted in the current day and month.</summary>
    Task<QuotaUsage> GetUsageAsync();
}
