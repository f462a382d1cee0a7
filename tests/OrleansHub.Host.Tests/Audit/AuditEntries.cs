using OrleansHub.Grains.Fees;
using OrleansHub.Host.Audit;
using OrleansHub.Host.Tests.Infrastructure;

namespace OrleansHub.Host.Tests.Audit;

/// <summary>Audit entries for tests: fresh IDs, a random agency code, and a time the caller can pin.</summary>
public static class AuditEntries
{
    public static string NewAgency() => $"AG{Random.Shared.Next(1_000_000):D6}";

    public static AuditEntry New(string? citizenId = null, string? agencyCode = null, DateTimeOffset? at = null, AuditOutcome outcome = AuditOutcome.Allowed) => new(
        Id: Guid.CreateVersion7(),
        At: at ?? DateTimeOffset.UtcNow,
        AgencyCode: agencyCode ?? NewAgency(),
        CitizenId: citizenId ?? TestIds.NewCitizen(),
        Operation: "lookup",
        Purpose: "KYC-ONBOARDING",
        Fields: ["full_name", "date_of_birth", "permanent_address"],
        Outcome: outcome,
        Reason: outcome == AuditOutcome.Denied ? "no_consent" : null,
        Fee: outcome == AuditOutcome.Allowed ? new FeeCharge(FeeProducts.ApiDisclosure, 3, 3_000, Exempt: false, Schedule: 2) : null,
        RequestId: $"req-{Guid.NewGuid():N}");
}
