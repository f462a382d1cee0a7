using OrleansHub.Abstractions.Agencies;
using OrleansHub.Abstractions.Citizens;
using OrleansHub.Abstractions.Consents;
using OrleansHub.Abstractions.Lookups;
using OrleansHub.Grains.Lookups;

namespace OrleansHub.Host.Lookups;

/// <summary>What one citizen's part of a request came to: a denial, or the disclosure and the fields consent withheld.</summary>
public sealed record DisclosureOutcome(AccessDenial Denial, Disclosure? Disclosure, IReadOnlyList<string> Withheld);

/// <summary>What one verification came to: a denial, or the answer and the fields consent withheld.</summary>
public sealed record VerificationOutcome(AccessDenial Denial, VerificationAnswer? Answer, IReadOnlyList<string> Withheld);

/// <summary>
/// The per-citizen half of an agency request, after its agreement was checked from the silo's cache: consent (only for
/// agencies that need it, asked before the record so a refusal does not reveal whether the citizen exists), then the
/// record. Each step is one call to a grain of this citizen, so no grain sits on every request's path.
/// </summary>
public sealed class AgencyAccess(IGrainFactory grains)
{
    private readonly StringKeyedGrains<ICitizenGrain> _citizens = new(grains);
    private readonly StringKeyedGrains<IConsentGrain> _consents = new(grains);

    public async Task<DisclosureOutcome> DiscloseAsync(AgencyPolicy agency, PersonalId citizen, IReadOnlyList<string> fields, string purpose)
    {
        var (denial, granted, withheld) = await ConsentAsync(agency, citizen, fields, purpose);
        if (denial != AccessDenial.None)
        {
            return new(denial, null, []);
        }

        var disclosure = await _citizens.Get(citizen.Value).DiscloseAsync(granted);
        return disclosure.Found ? new(AccessDenial.None, disclosure, withheld) : new(AccessDenial.CitizenUnknown, null, []);
    }

    public async Task<VerificationOutcome> VerifyAsync(AgencyPolicy agency, PersonalId citizen, VerificationQuestion question, string purpose)
    {
        var fields = question.Claims.Keys.Concat(question.Predicates.Fields()).Distinct(StringComparer.Ordinal).ToList();
        var (denial, granted, withheld) = await ConsentAsync(agency, citizen, fields, purpose);
        if (denial != AccessDenial.None)
        {
            return new(denial, null, []);
        }

        var answer = await _citizens.Get(citizen.Value).VerifyAsync(Narrow(question, granted));
        return answer.Found ? new(AccessDenial.None, answer, withheld) : new(AccessDenial.CitizenUnknown, null, []);
    }

    /// <summary>The question without the claims and predicates whose fields consent does not cover.</summary>
    private static VerificationQuestion Narrow(VerificationQuestion question, IReadOnlyList<string> granted)
    {
        bool Granted(string field) => granted.Contains(field, StringComparer.Ordinal);
        var asked = question.Predicates;
        return new VerificationQuestion(
            question.Claims.Where(c => Granted(c.Key)).ToDictionary(c => c.Key, c => c.Value, StringComparer.Ordinal),
            new VerificationPredicates(
                asked.IsAlive && Granted(CitizenFieldNames.DateOfDeath),
                Granted(CitizenFieldNames.DateOfBirth) ? asked.MinimumAge : null,
                asked.HoldsValidCard && Granted(CitizenFieldNames.CardStatus),
                Granted(CitizenFieldNames.ResidenceProvince) ? asked.ResidesInProvince : null));
    }

    private async Task<(AccessDenial Denial, IReadOnlyList<string> Granted, IReadOnlyList<string> Withheld)> ConsentAsync(
        AgencyPolicy agency, PersonalId citizen, IReadOnlyList<string> fields, string purpose)
    {
        if (!agency.Definition.RequiresConsent)
        {
            return (AccessDenial.None, fields, []);
        }

        var decision = await _consents.Get(citizen.Value).EvaluateAsync(agency.Code, purpose, fields);
        var denial = AccessRules.FromConsent(decision);
        return (denial, decision.AllowedFields, [.. fields.Except(decision.AllowedFields, StringComparer.Ordinal)]);
    }
}
