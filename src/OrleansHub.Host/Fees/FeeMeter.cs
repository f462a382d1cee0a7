using OrleansHub.Abstractions.Agencies;
using OrleansHub.Grains.Fees;
using OrleansHub.Host.Audit;

namespace OrleansHub.Host.Fees;

/// <summary>What an answer cost, as the agency API returns it: <c>"fee": {"product": "SPDC04", "fields": 2, "vnd": 2000, "exempt": false}</c>.</summary>
public sealed record FeeResponse(string Product, int Fields, long Vnd, bool Exempt)
{
    public static FeeResponse? From(FeeCharge? charge) => charge is null ? null : new(charge.Product, charge.Fields, charge.Vnd, charge.Exempt);
}

/// <summary>Prices audit entries of agency answers with the schedules in force at each entry's time.</summary>
public sealed class FeeMeter(FeeScheduleBook schedules)
{
    /// <summary>
    /// <paramref name="entry"/> with its charge: <paramref name="fields"/> counted for <paramref name="product"/> (see
    /// <see cref="FeePricing"/> for what a field is). A denied entry gets none. State agencies are exempt: the agreement
    /// check has already confined them to the purposes of their mandate.
    /// </summary>
    public AuditEntry Priced(AuditEntry entry, AgencyPolicy agency, string product, int fields) =>
        entry with { Fee = Charge(agency, entry.At, product, fields, entry.Outcome == AuditOutcome.Denied) };

    /// <summary>The charge of an answer made at <paramref name="at"/>: null for a denial.</summary>
    public FeeCharge? Charge(AgencyPolicy agency, DateTimeOffset at, string product, int fields, bool denied)
    {
        var requester = agency.Definition.Kind == AgencyKind.State ? Requester.StateAgency : Requester.CommercialAgency;
        return FeePricing.Price(schedules.Current, at, requester, product, fields, denied);
    }
}
