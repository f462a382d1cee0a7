namespace OrleansHub.Host.Audit;

internal static class DisputeValidation
{
    public static void ThrowIfInvalid(Dispute dispute)
    {
        ArgumentNullException.ThrowIfNull(dispute);
        if (dispute.CitizenId is null || dispute.AgencyCode is null || !Enum.IsDefined(dispute.Kind))
        {
            throw new ArgumentException("A dispute needs its citizen, agency and a known kind.", nameof(dispute));
        }

        if (dispute.CitizenId.Contains('\0', StringComparison.Ordinal) || dispute.AgencyCode.Contains('\0', StringComparison.Ordinal)
            || (dispute.Comment?.Contains('\0', StringComparison.Ordinal) ?? false))
        {
            throw new ArgumentException("A dispute may not hold a NUL character.", nameof(dispute));
        }
    }
}
