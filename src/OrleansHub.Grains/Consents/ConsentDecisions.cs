using OrleansHub.Abstractions.Consents;

namespace OrleansHub.Grains.Consents;

/// <summary>How stored consents read at a moment, and which fields they open to an agency. Pure.</summary>
public static class ConsentDecisions
{
    /// <summary>Revoked once revoked; otherwise pending before its window, active inside it, expired from <c>ValidUntil</c> on.</summary>
    public static ConsentStatus StatusAt(StoredConsent consent, DateTimeOffset now) => consent switch
    {
        { RevokedAt: not null } => ConsentStatus.Revoked,
        _ when now < consent.Grant.ValidFrom => ConsentStatus.Pending,
        _ when now >= consent.Grant.ValidUntil => ConsentStatus.Expired,
        _ => ConsentStatus.Active,
    };

    /// <summary>The consent as a caller sees it at <paramref name="now"/>.</summary>
    public static ConsentRecord ToRecord(StoredConsent consent, DateTimeOffset now) =>
        new(consent.Id, consent.Grant, consent.GrantedAt, consent.RevokedAt, StatusAt(consent, now));

    /// <summary>
    /// Which of <paramref name="requested"/> the consents in force for <paramref name="agencyCode"/> and
    /// <paramref name="purpose"/> cover together, in request order. Refused as expired only when nothing is in force
    /// and at least one such consent ran out (rather than being revoked or never given).
    /// </summary>
    public static ConsentDecision Decide(IEnumerable<StoredConsent> consents, string agencyCode, string purpose, IReadOnlyList<string> requested, DateTimeOffset now)
    {
        var covered = new HashSet<string>(StringComparer.Ordinal);
        var anyInForce = false;
        var anyExpired = false;
        foreach (var consent in consents)
        {
            if (!string.Equals(consent.Grant.AgencyCode, agencyCode, StringComparison.Ordinal) || !string.Equals(consent.Grant.Purpose, purpose, StringComparison.Ordinal))
            {
                continue;
            }

            switch (StatusAt(consent, now))
            {
                case ConsentStatus.Active:
                    anyInForce = true;
                    covered.UnionWith(consent.Grant.Fields);
                    break;
                case ConsentStatus.Expired:
                    anyExpired = true;
                    break;
            }
        }

        if (!anyInForce)
        {
            return new([], anyExpired ? ConsentRefusal.Expired : ConsentRefusal.NoConsent);
        }

        var allowed = new List<string>();
        var listed = new HashSet<string>(StringComparer.Ordinal);
        foreach (var field in requested)
        {
            if (covered.Contains(field) && listed.Add(field))
            {
                allowed.Add(field);
            }
        }

        return new(allowed, ConsentRefusal.None);
    }
}
