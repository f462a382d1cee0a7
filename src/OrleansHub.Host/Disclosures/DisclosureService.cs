using OrleansHub.Abstractions.Agencies;
using OrleansHub.Abstractions.Citizens;
using OrleansHub.Abstractions.Consents;
using OrleansHub.Abstractions.Events;
using OrleansHub.Abstractions.Lookups;
using OrleansHub.Grains;
using OrleansHub.Grains.Fees;
using OrleansHub.Grains.Lookups;
using OrleansHub.Host.AgencyApi;
using OrleansHub.Host.Audit;
using OrleansHub.Host.Fees;
using OrleansHub.Host.Problems;
using OrleansHub.Host.Telemetry;

namespace OrleansHub.Host.Disclosures;

/// <summary>One citizen's part of a lookup: the denial (with the fields outside the agreement), or the disclosure, and its audit entry.</summary>
public sealed record LookupOutcome(ProblemType? Denial, IReadOnlyList<string> Outside, Disclosure? Disclosure, IReadOnlyList<string> Withheld, AuditEntry Entry);

/// <summary>A verification's outcome: the denial (with the fields outside the agreement), or the answer, and its audit entry.</summary>
public sealed record VerificationOutcome(ProblemType? Denial, IReadOnlyList<string> Outside, VerificationAnswer? Answer, IReadOnlyList<string> Withheld, AuditEntry Entry);

/// <summary>A batch refused as a whole (agreement or credit cap), or decided citizen by citizen in request order.</summary>
public sealed record BatchOutcome(ProblemType? Denial, IReadOnlyList<string> Outside, IReadOnlyList<LookupOutcome> Items);

/// <summary>An event offered to an agency: its feed position, the purpose of the subscription that brought it, the event.</summary>
public readonly record struct EventOffer(long Position, string Purpose, CitizenEvent Event);

/// <summary>An event as its agency may see it: only the changed fields agreement ∩ consent cover now.</summary>
public readonly record struct DisclosedEvent(long Position, CitizenEvent Event);

/// <summary>
/// The one place the hub decides what an agency learns about a citizen, for every channel: lookups, batches and
/// verifications, and the events delivered by the feed, the stream and webhooks. Each decision runs the same steps:
/// agreement (purpose and fields), credit cap, consent (only for agencies that need it, asked before the record so a
/// refusal does not reveal whether the citizen exists), record, price, and the audit entry, written before the answer
/// leaves. The agreement ∩ consent rule is <see cref="AllowedFieldsAsync"/>, and nowhere else.
/// Subscriptions are decided here too (following a citizen discloses its changes), and an idempotent replay is
/// re-checked here (<see cref="IReplayCheck"/>).
/// </summary>
public sealed class DisclosureService(
    IGrainFactory grains,
    IAuditLog log,
    FeeMeter fees,
    CreditCapGuard creditCaps,
    HubInstruments instruments,
    [FromKeyedServices(HubClock.Key)] TimeProvider time) : IReplayCheck
{
    public const string Lookup = "lookup";
    public const string BatchLookup = "lookup-batch";
    public const string Verification = "verification";
    public const string SubscriptionCreated = "subscription-created";
    public const string SubscriptionRemoved = "subscription-removed";

    /// <summary>The operation of an event delivery audit entry, by channel (pull, stream, webhook).</summary>
    public static string EventDelivery(string channel) => channel switch
    {
        "pull" => "event-delivered-pull",
        "stream" => "event-delivered-stream",
        "webhook" => "event-delivered-webhook",
        _ => throw new ArgumentOutOfRangeException(nameof(channel), channel, "Not a delivery channel."),
    };

    private readonly StringKeyedGrains<ICitizenGrain> _citizens = new(grains);
    private readonly StringKeyedGrains<IConsentGrain> _consents = new(grains);

    /// <summary>The problem type that names a denial to the agency.</summary>
    public static ProblemType ProblemFor(AccessDenial denial) => denial switch
    {
        AccessDenial.AgencySuspended => ProblemTypes.AgencySuspended,
        AccessDenial.PurposeNotInAgreement => ProblemTypes.PurposeNotInAgreement,
        AccessDenial.FieldNotInAgreement => ProblemTypes.FieldNotInAgreement,
        AccessDenial.ConsentRequired => ProblemTypes.ConsentRequired,
        AccessDenial.ConsentExpired => ProblemTypes.ConsentExpired,
        AccessDenial.CitizenUnknown => ProblemTypes.CitizenUnknown,
        _ => throw new ArgumentOutOfRangeException(nameof(denial), denial, "Not a denial."),
    };

    /// <summary>
    /// Counts a lookup, batch or verification the endpoint refused before asking for a decision (its shape was wrong); the
    /// pipeline audits the refusal itself.
    /// </summary>
    public void CountRefused(string operation, CallingAgency caller, ProblemType refusal) => instruments.AccessDecided(operation, caller.Code, refusal.Slug);

    /// <summary>One lookup: agreement → cap → consent → record → price → audit.</summary>
    public async Task<LookupOutcome> LookupAsync(CallingAgency caller, PersonalId citizen, IReadOnlyList<string> fields, string purpose, HttpContext http)
    {
        var agency = caller.Policy;
        var (denial, outside) = await AgreementAndCapAsync(agency, purpose, fields, http.RequestAborted);
        var outcome = denial is null
            ? await DiscloseAsync(agency, citizen, fields, purpose, Lookup, http.TraceIdentifier)
            : Refused(agency, citizen.Value, Lookup, purpose, fields, denial, outside, http.TraceIdentifier);
        // The append awaited here rather than through WriteAsync: one async frame less on every lookup.
        AuditEntry[] entries = [outcome.Entry];
        await log.AppendAsync(entries, CancellationToken.None);
        Charged(entries);
        Summarize(http, Lookup, purpose, outcome);
        instruments.AccessDecided(Lookup, agency.Code, outcome.Denial?.Slug);
        return outcome;
    }

    /// <summary>A batch: the agreement and cap once, then each citizen decided (and audited) on its own, in one audit append.</summary>
    public async Task<BatchOutcome> LookupBatchAsync(CallingAgency caller, IReadOnlyList<PersonalId> citizens, IReadOnlyList<string> fields, string purpose, HttpContext http)
    {
        var agency = caller.Policy;
        var (denial, outside) = await AgreementAndCapAsync(agency, purpose, fields, http.RequestAborted);
        LookupOutcome[] items;
        if (denial is not null)
        {
            items = [.. citizens.Select(c => Refused(agency, c.Value, BatchLookup, purpose, fields, denial, outside, http.TraceIdentifier))];
        }
        else
        {
            var pending = new Task<LookupOutcome>[citizens.Count];
            for (var i = 0; i < citizens.Count; i++)
            {
                pending[i] = DiscloseAsync(agency, citizens[i], fields, purpose, BatchLookup, http.TraceIdentifier);
            }

            items = await Task.WhenAll(pending);
        }

        var entries = new AuditEntry[items.Length];
        for (var i = 0; i < items.Length; i++)
        {
            entries[i] = items[i].Entry;
            Summarize(http, BatchLookup, purpose, items[i]);
        }

        await WriteAsync(entries);
        instruments.AccessDecided(BatchLookup, agency.Code, denial?.Slug);
        foreach (var item in items)
        {
            instruments.BatchItemsDecided(agency.Code, item.Denial?.Slug);
        }

        return new BatchOutcome(denial, outside, items);
    }

    /// <summary>One verification: agreement → cap → consent → record (yes/no answers only) → price → audit.</summary>
    public async Task<VerificationOutcome> VerifyAsync(CallingAgency caller, PersonalId citizen, VerificationQuestion question, string purpose, HttpContext http)
    {
        var agency = caller.Policy;
        var fields = question.Claims.Keys.Concat(question.Predicates.Fields()).Distinct(StringComparer.Ordinal).ToList();
        var (denial, outside) = await AgreementAndCapAsync(agency, purpose, fields, http.RequestAborted);
        VerificationAnswer? answer = null;
        IReadOnlyList<string> withheld = [];
        IReadOnlyList<string> answered = fields;
        if (denial is null)
        {
            var (consentDenial, granted, notGranted) = await AllowedFieldsAsync(agency, citizen.Value, purpose, fields);
            if (consentDenial != AccessDenial.None)
            {
                denial = ProblemFor(consentDenial);
            }
            else
            {
                var found = await _citizens.Get(citizen.Value).VerifyAsync(Narrow(question, granted));
                if (found.Found)
                {
                    (answer, withheld, answered) = (found, notGranted, granted);
                }
                else
                {
                    denial = ProblemTypes.CitizenUnknown;
                }
            }
        }

        // A verification counts one field per claim and per predicate answered (FeePricing).
        var entry = fees.Priced(
            NewEntry(agency.Code, citizen.Value, Verification, purpose, answered, denial, http.TraceIdentifier),
            agency, FeeProducts.Verification, answer is null ? 0 : answer.Claims.Count + answer.Predicates.Count);
        await WriteAsync([entry]);
        DisclosureSummary.Of(http)?.Add(Verification, purpose, citizen.Value, denial is null ? answered : [], denial?.Slug);
        instruments.AccessDecided(Verification, agency.Code, denial?.Slug);
        return new VerificationOutcome(denial, outside, answer, withheld, entry);
    }

    /// <summary>
    /// Whether the agency may follow the citizen for the purpose: its agreement names the purpose and, for an agency that
    /// needs consent, the citizen's consent for it covers some field of the agreement. Decided before the record is looked
    /// at, so a refusal does not reveal whether the citizen exists.
    /// </summary>
    public async Task<AccessDenial> MayFollowAsync(AgencyPolicy agency, string citizenId, string purpose)
    {
        var (denial, _) = AccessRules.CheckAgreement(agency, purpose, []);
        if (denial != AccessDenial.None)
        {
            return denial;
        }

        return (await AllowedFieldsAsync(agency, citizenId, purpose, agency.Definition.Fields)).Denial;
    }

    /// <summary>Audits a subscription decision (following a citizen, or a whole event type when <paramref name="citizenId"/> is null).</summary>
    public Task AuditSubscriptionAsync(CallingAgency caller, string operation, string? citizenId, string? purpose, IReadOnlyList<string> eventTypes, string requestId) =>
        WriteAsync([NewEntry(caller.Code, citizenId, operation, purpose, eventTypes, denial: null, requestId)]).AsTask();

    /// <summary>
    /// What the events of a feed page show their agency, and the audit of it: each event keeps only the changed fields
    /// agreement ∩ consent (for the subscription's purpose) cover now, and an event with nothing left is not delivered, so a
    /// revoked consent stops the citizen's events at once (the consent-revoked event itself still reaches its agency).
    /// Before this returns, the log holds one entry per citizen told something: the agency, the channel, the purpose and
    /// the fields whose change it learns.
    /// </summary>
    public async Task<IReadOnlyList<DisclosedEvent>> DeliverAsync(AgencyPolicy agency, IReadOnlyList<EventOffer> offers, string channel, string requestId)
    {
        var delivered = new List<DisclosedEvent>(offers.Count);
        foreach (var offer in offers)
        {
            if (offer.Event.Consent is not null)
            {
                // The agency's own consent ended: it is told, whatever the consent now allows.
                delivered.Add(new DisclosedEvent(offer.Position, offer.Event));
                continue;
            }

            // The type itself discloses something (death-recorded: the death): only to an agency that may see all of it.
            if (CitizenEventImplications.RequiredFields(offer.Event.Type) is not { } required || !required.All(agency.AllowsField))
            {
                continue;
            }

            var visible = offer.Event.ChangedFields.Where(agency.AllowsField).ToList();
            if (visible.Count == 0)
            {
                continue;
            }

            var asked = required.Count == 0 ? visible : [.. visible.Union(required, StringComparer.Ordinal)];
            var (denial, allowed, _) = await AllowedFieldsAsync(agency, offer.Event.CitizenId, offer.Purpose, asked);
            if (denial != AccessDenial.None || !required.All(f => allowed.Contains(f, StringComparer.Ordinal)))
            {
                continue;
            }

            var shown = visible.Where(f => allowed.Contains(f, StringComparer.Ordinal)).ToList();
            if (shown.Count > 0)
            {
                delivered.Add(new DisclosedEvent(offer.Position, offer.Event with { ChangedFields = shown }));
            }
        }

        if (delivered.Count > 0)
        {
            await WriteAsync(DeliveryEntries(agency.Code, offers, delivered, EventDelivery(channel), requestId));
        }

        return delivered;
    }

    /// <summary>Re-checks a kept answer: the agreement and, for each citizen it disclosed, the consent in force now.</summary>
    public async ValueTask<ProblemType?> RecheckAsync(CallingAgency agency, DisclosureSummary disclosed, CancellationToken cancellationToken)
    {
        if (disclosed.Purpose is not { } purpose)
        {
            return null;
        }

        foreach (var item in disclosed.Items)
        {
            if (item.Refusal is not null || item.Fields.Count == 0)
            {
                continue;
            }

            var (denial, _) = AccessRules.CheckAgreement(agency.Policy, purpose, item.Fields);
            if (denial == AccessDenial.None)
            {
                var (consentDenial, allowed, _) = await AllowedFieldsAsync(agency.Policy, item.CitizenId, purpose, item.Fields);
                denial = consentDenial != AccessDenial.None ? consentDenial
                    : allowed.Count < item.Fields.Count ? AccessDenial.ConsentRequired
                    : AccessDenial.None;
            }

            if (denial != AccessDenial.None)
            {
                return ProblemFor(denial);
            }
        }

        return null;
    }

    /// <summary>
    /// THE agreement ∩ consent rule: which of <paramref name="fields"/> (already within the agency's agreement) the agency may
    /// see of this citizen for this purpose now. An agency that needs no consent sees them all; one that does sees what the
    /// citizen's consents in force cover, and is denied when they cover none. Every channel asks this, and only this.
    /// </summary>
    private async ValueTask<(AccessDenial Denial, IReadOnlyList<string> Allowed, IReadOnlyList<string> Withheld)> AllowedFieldsAsync(
        AgencyPolicy agency, string citizenId, string purpose, IReadOnlyList<string> fields)
    {
        if (!agency.Definition.RequiresConsent)
        {
            return (AccessDenial.None, fields, []);
        }

        var decision = await _consents.Get(citizenId).EvaluateAsync(agency.Code, purpose, fields);
        var denial = AccessRules.FromConsent(decision);
        return (denial, decision.AllowedFields, [.. fields.Except(decision.AllowedFields, StringComparer.Ordinal)]);
    }

    private async ValueTask<(ProblemType? Denial, IReadOnlyList<string> Outside)> AgreementAndCapAsync(
        AgencyPolicy agency, string purpose, IReadOnlyList<string> fields, CancellationToken cancellationToken)
    {
        var (denial, outside) = AccessRules.CheckAgreement(agency, purpose, fields);
        if (denial != AccessDenial.None)
        {
            return (ProblemFor(denial), outside);
        }

        return await creditCaps.IsReachedAsync(agency, cancellationToken) ? (ProblemTypes.CreditCapReached, []) : (null, []);
    }

    /// <summary>Consent, then the record, then the price: one citizen of an agreed lookup (not yet written to the log).</summary>
    private async Task<LookupOutcome> DiscloseAsync(AgencyPolicy agency, PersonalId citizen, IReadOnlyList<string> fields, string purpose, string operation, string requestId)
    {
        var (denial, granted, withheld) = await AllowedFieldsAsync(agency, citizen.Value, purpose, fields);
        if (denial != AccessDenial.None)
        {
            return Refused(agency, citizen.Value, operation, purpose, fields, ProblemFor(denial), [], requestId);
        }

        var disclosure = await _citizens.Get(citizen.Value).DiscloseAsync(granted);
        if (!disclosure.Found)
        {
            return Refused(agency, citizen.Value, operation, purpose, fields, ProblemTypes.CitizenUnknown, [], requestId);
        }

        var now = time.GetUtcNow();
        var disclosed = new string[disclosure.Fields.Count];
        var at = 0;
        foreach (var field in disclosure.Fields.Keys)
        {
            disclosed[at++] = field;
        }
        var entry = new AuditEntry(Guid.CreateVersion7(now), now, agency.Code, citizen.Value, operation, purpose, disclosed, AuditOutcome.Allowed, Reason: null,
            fees.Charge(agency, now, FeeProducts.ApiDisclosure, disclosed.Length, denied: false), requestId);
        return new LookupOutcome(null, [], disclosure, withheld, entry);
    }

    private LookupOutcome Refused(AgencyPolicy agency, string citizenId, string operation, string purpose, IReadOnlyList<string> fields,
        ProblemType denial, IReadOnlyList<string> outside, string requestId) =>
        new(denial, outside, null, [], NewEntry(agency.Code, citizenId, operation, purpose, fields, denial, requestId));

    private AuditEntry NewEntry(string agencyCode, string? citizenId, string operation, string? purpose, IReadOnlyList<string> fields, ProblemType? denial, string requestId)
    {
        var now = time.GetUtcNow();
        return new(Guid.CreateVersion7(now), now, agencyCode, citizenId, operation, purpose, fields,
            denial is null ? AuditOutcome.Allowed : AuditOutcome.Denied, denial?.Slug, Fee: null, requestId);
    }

    /// <summary>One entry per citizen told something by this delivery: the union of the fields whose change it learned.</summary>
    private AuditEntry[] DeliveryEntries(string agencyCode, IReadOnlyList<EventOffer> offers, List<DisclosedEvent> delivered, string operation, string requestId)
    {
        var purposes = new Dictionary<long, string>(offers.Count);
        foreach (var offer in offers)
        {
            purposes[offer.Position] = offer.Purpose;
        }

        var byCitizen = new Dictionary<string, (string Purpose, SortedSet<string> Fields)>(StringComparer.Ordinal);
        foreach (var item in delivered)
        {
            if (!byCitizen.TryGetValue(item.Event.CitizenId, out var told))
            {
                told = (item.Event.Consent?.Purpose ?? purposes[item.Position], new SortedSet<string>(StringComparer.Ordinal));
                byCitizen[item.Event.CitizenId] = told;
            }

            told.Fields.UnionWith(item.Event.ChangedFields);
        }

        return [.. byCitizen.Select(c => NewEntry(agencyCode, c.Key, operation, c.Value.Purpose, [.. c.Value.Fields], denial: null, requestId))];
    }

    /// <summary>Completes once the entries are durable (with their charges); throws <see cref="AuditUnavailableException"/> otherwise.</summary>
    private async ValueTask WriteAsync(IReadOnlyList<AuditEntry> entries)
    {
        await log.AppendAsync(entries, CancellationToken.None);
        Charged(entries);
    }

    /// <summary>Counts the charges of durable entries and adds them to the agencies' credit standing on this silo.</summary>
    private void Charged(IReadOnlyList<AuditEntry> entries)
    {
        for (var i = 0; i < entries.Count; i++)
        {
            if (entries[i] is { Fee: { Vnd: > 0 } fee, AgencyCode: { } agency })
            {
                instruments.FeeCharged(agency, fee.Product, fee.Vnd);
                creditCaps.Charged(agency, fee.Vnd);
            }
        }
    }

    private static void Summarize(HttpContext http, string operation, string purpose, LookupOutcome outcome)
    {
        if (DisclosureSummary.Of(http) is { } summary && outcome.Entry.CitizenId is { } citizen)
        {
            summary.Add(operation, purpose, citizen, outcome.Disclosure is null ? [] : outcome.Entry.Fields, outcome.Denial?.Slug);
        }
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
}
