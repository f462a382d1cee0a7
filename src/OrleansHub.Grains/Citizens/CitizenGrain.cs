using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using OrleansHub.Abstractions.Cards;
using OrleansHub.Abstractions.Citizens;
using OrleansHub.Abstractions.Lookups;
using OrleansHub.Grains.Lookups;
using F = OrleansHub.Abstractions.Citizens.CitizenFieldNames;

namespace OrleansHub.Grains.Citizens;

/// <summary>Holds one citizen's record; every accepted change bumps the version and is persisted before it is acknowledged.</summary>
public sealed class CitizenGrain(
    [PersistentState("citizen", GrainStorageNames.Registry)] IPersistentState<CitizenState> state,
    IOptions<FieldOwnership> ownership,
    [FromKeyedServices(HubClock.Key)] TimeProvider time) : Grain, ICitizenGrain
{
    private const int MaxHistoryPage = 100;

    // True once this activation served anything but an import: a bulk import then leaves it in memory.
    private bool _inUse;

    private PersonalId Id => PersonalId.Parse(this.GetPrimaryKeyString());

    private DateOnly Today => DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime);

    public Task<CitizenRecord?> GetAsync()
    {
        _inUse = true;
        return Task.FromResult(Snapshot());
    }

    public Task<CitizenWriteResult> WriteAsync(CitizenWrite write)
    {
        _inUse = true;
        return ApplyAsync(write, card: null);
    }

    public async Task<CitizenWriteResult> ImportAsync(CitizenWrite write, CardSummary? card)
    {
        var result = await ApplyAsync(write, card);
        if (!_inUse)
        {
            DeactivateOnIdle();
        }

        return result;
    }

    public Task<Disclosure> DiscloseAsync(IReadOnlyList<string> fields)
    {
        _inUse = true;
        return Task.FromResult(state.State.Exists
            ? new Disclosure(true, state.State.Version, RecordQuestions.Disclose(state.State.Fields, fields, Today))
            : Disclosure.NotFound);
    }

    public Task<VerificationAnswer> VerifyAsync(VerificationQuestion question)
    {
        _inUse = true;
        if (!state.State.Exists)
        {
            return Task.FromResult(VerificationAnswer.NotFound);
        }

        var (claims, predicates) = RecordQuestions.Verify(state.State.Fields, question, Today);
        return Task.FromResult(new VerificationAnswer(true, state.State.Version, claims, predicates));
    }

    public Task<HistoryPage> GetHistoryAsync(long? beforeVersion, int limit)
    {
        _inUse = true;
        var entries = state.State.History
            .Where(e => beforeVersion is null || e.Version < beforeVersion)
            .Reverse()
            .Take(Math.Clamp(limit, 1, MaxHistoryPage))
            .ToList();
        var next = entries.Count > 0 && entries[^1].Version > 1 ? entries[^1].Version : (long?)null;
        return Task.FromResult(new HistoryPage(entries, next));
    }

    // Card events are the hub talking to itself, not use of the record: they leave _inUse alone so imports stay flat.
    public async Task<CardAttachResult> AttachCardAsync(CardSummary card)
    {
        if (!state.State.Exists)
        {
            return new(CardFailure.CitizenNotFound, null);
        }

        if (state.State.Text(F.DateOfDeath) is not null)
        {
            return new(CardFailure.CitizenDeceased, null);
        }

        var current = state.State.Text(F.CardNumber);
        if (current == card.Number)
        {
            return new(CardFailure.None, null);
        }

        var empty = new PlannedChange(new Dictionary<string, (FieldInput, string)>(), [], ChangeKind.CardIssued);
        await CommitAsync(empty.WithCard(card, holderDeceased: false), FieldOwnership.Hub);
        return new(CardFailure.None, current);
    }

    public async Task OnCardStatusChangedAsync(string cardNumber, CardStatus status)
    {
        if (state.State.Text(F.CardNumber) != cardNumber || status is not (CardStatus.Lost or CardStatus.Revoked))
        {
            return;
        }

        var sets = new Dictionary<string, (FieldInput, string)>(StringComparer.Ordinal)
        {
            [F.CardStatus] = (FieldInput.Of(status == CardStatus.Lost ? "lost" : "revoked"), FieldOwnership.Hub),
        };
        if (status == CardStatus.Revoked)
        {
            sets[F.EIdStatus] = (FieldInput.Of("locked"), FieldOwnership.Hub);
        }

        if (sets.All(s => state.State.Fields.GetValueOrDefault(s.Key)?.Value.SameValueAs(s.Value.Item1) == true))
        {
            return;
        }

        await CommitAsync(new PlannedChange(sets, [], status == CardStatus.Lost ? ChangeKind.CardReportedLost : ChangeKind.CardRevoked), FieldOwnership.Hub);
    }

    private async Task<CitizenWriteResult> ApplyAsync(CitizenWrite write, CardSummary? card)
    {
        var (plan, failure, errors) = CitizenChange.Plan(Id, state.State, write, ownership.Value, Today);
        if (plan is null)
        {
            return CitizenWriteResult.Refused(failure, errors, Snapshot());
        }

        string? superseded = null;
        if (card is not null && card.Number != state.State.Text(F.CardNumber))
        {
            // The card grain records the card first (without calling back), so a retry after a crash finds it already there.
            var deceased = plan.Sets.ContainsKey(F.DateOfDeath) || state.State.Text(F.DateOfDeath) is not null;
            var recorded = await GrainFactory.GetGrain<ICardGrain>(card.Number).RecordImportedAsync(card, deceased);
            if (recorded.Failure != CardFailure.None)
            {
                return CitizenWriteResult.Refused(CitizenWriteFailure.Invalid,
                    [.. recorded.Errors.Select(e => e with { Field = "card." + e.Field }).DefaultIfEmpty(new FieldError("card", recorded.Failure.ToString()))], Snapshot());
            }

            superseded = state.State.Text(F.CardStatus) is "valid" or "lost" ? state.State.Text(F.CardNumber) : null;
            plan = plan.WithCard(card, deceased);
        }

        if (plan.Sets.Count == 0 && plan.Clears.Count == 0)
        {
            return CitizenWriteResult.Applied(Snapshot()!, WriteEffect.Unchanged);
        }

        if (plan.RecordsDeath && state.State.Text(F.CardNumber) is { } currentCard && state.State.Text(F.CardStatus) is "valid" or "lost")
        {
            // Revoke first: if the silo dies before the record is saved, a retry finds the card already revoked.
            // The card grain does not call back for a death, so this cannot deadlock.
            await GrainFactory.GetGrain<ICardGrain>(currentCard).RevokeAsync(RevocationReason.Death);
        }

        var created = !state.State.Exists;
        await CommitAsync(plan, write.Source);
        if (superseded is not null)
        {
            await GrainFactory.GetGrain<ICardGrain>(superseded).RevokeAsync(RevocationReason.Superseded);
        }

        return CitizenWriteResult.Applied(Snapshot()!, created ? WriteEffect.Created : WriteEffect.Updated);
    }

    private async Task CommitAsync(PlannedChange plan, string source)
    {
        var now = time.GetUtcNow();
        foreach (var field in plan.Clears)
        {
            state.State.Fields.Remove(field);
        }

        foreach (var (field, (value, fieldSource)) in plan.Sets)
        {
            state.State.Fields[field] = new FieldValue(value, fieldSource, now);
        }

        if (state.State.Version == 0)
        {
            state.State.CreatedAt = now;
        }

        state.State.Version++;
        state.State.UpdatedAt = now;
        state.State.History.Add(new ChangeEntry(state.State.Version, now, source, plan.Kind, plan.ChangedFields));
        try
        {
            await state.WriteStateAsync();
        }
        catch
        {
            // Memory now holds a change storage did not take: drop the activation so the next call reloads what is durable.
            DeactivateOnIdle();
            throw;
        }
    }

    private CitizenRecord? Snapshot()
    {
        if (!state.State.Exists)
        {
            return null;
        }

        var fields = new Dictionary<string, FieldValue>(state.State.Fields, StringComparer.Ordinal);
        if (fields.TryGetValue(F.CardStatus, out var cardStatus) && RecordQuestions.CardStatusOn(fields, Today) is { } status && status != cardStatus.Value.Text)
        {
            fields[F.CardStatus] = cardStatus with { Value = FieldInput.Of(status) };
        }

        return new CitizenRecord(Id, fields, state.State.Version, state.State.CreatedAt, state.State.UpdatedAt);
    }
}
