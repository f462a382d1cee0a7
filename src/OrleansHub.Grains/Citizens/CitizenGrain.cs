using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OrleansHub.Abstractions.Cards;
using OrleansHub.Abstractions.Citizens;
using OrleansHub.Abstractions.Events;
using OrleansHub.Abstractions.Lookups;
using OrleansHub.Grains.Events;
using OrleansHub.Grains.Lookups;
using OrleansHub.Grains.Registry;
using F = OrleansHub.Abstractions.Citizens.CitizenFieldNames;

namespace OrleansHub.Grains.Citizens;

/// <summary>
/// Holds one citizen's record; every accepted change bumps the version and is persisted before it is acknowledged. The
/// change's history entry and events travel with the state as pending rows, which the registry storage writes in the
/// same transaction (see <see cref="PendingRows"/>): the state never holds more than the current record, and a change is
/// never stored without its history and events, nor they without it.
/// </summary>
public sealed partial class CitizenGrain(
    [PersistentState(RegistryStateNames.Citizen, GrainStorageNames.Registry)] IPersistentState<CitizenState> state,
    IOptions<FieldOwnership> ownership,
    [FromKeyedServices(HubClock.Key)] TimeProvider time,
    ICitizenArchive archive,
    ILogger<CitizenGrain> logger) : Grain, ICitizenGrain, IRemindable
{
    private const int MaxHistoryPage = 100;

    /// <summary>The previous release's outbox-relay reminder; a grain that still has one drops it (its outbox moved at activation).</summary>
    private const string LegacyRelayReminder = "relay-events";

    // True once this activation served anything but an import: a bulk import then leaves it in memory.
    private bool _inUse;

    private PersonalId Id => PersonalId.Parse(this.GetPrimaryKeyString());

    private DateOnly Today => DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime);

    public override Task OnActivateAsync(CancellationToken cancellationToken) =>
        state.State.HoldsLegacyRows ? MoveLegacyRowsOutAsync() : Task.CompletedTask;

    public async Task ReceiveReminder(string reminderName, TickStatus status)
    {
        if (reminderName != LegacyRelayReminder)
        {
            return;
        }

        // Activation already wrote the previous release's outbox to the log; nothing is left for the reminder to relay.
        try
        {
            if (await this.GetReminder(LegacyRelayReminder) is { } reminder)
            {
                await this.UnregisterReminder(reminder);
            }
        }
        catch (Exception e)
        {
            // It fires again in a minute and is removed then.
            LogReminderFailed(e.GetType().Name);
        }
    }

    public Task<CitizenRecord?> GetAsync()
    {
        _inUse = true;
        return Task.FromResult(Snapshot());
    }

    public Task<CitizenWriteResult> WriteAsync(CitizenWrite write)
    {
        _inUse = true;
        return ApplyAsync(write, card: null, answerWithRecord: true);
    }

    public async Task<CitizenWriteResult> ImportAsync(CitizenWrite write, CardSummary? card)
    {
        var result = await ApplyAsync(write, card, answerWithRecord: false);
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

    public async Task<HistoryPage> GetHistoryAsync(long? beforeVersion, int limit)
    {
        _inUse = true;
        var entries = await archive.ReadHistoryAsync(Id.Value, beforeVersion, Math.Clamp(limit, 1, MaxHistoryPage), CancellationToken.None);
        var next = entries.Count > 0 && entries[^1].Version > 1 ? entries[^1].Version : (long?)null;
        return new HistoryPage(entries, next);
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
        if (state.State.Text(F.CardNumber) != cardNumber)
        {
            return; // an older card: the record moved on to a newer one
        }

        var (value, kind) = status switch
        {
            CardStatus.Lost => ("lost", ChangeKind.CardReportedLost),
            CardStatus.Revoked => ("revoked", ChangeKind.CardRevoked),
            // Only a valid card expires: a lost or revoked one keeps saying so.
            CardStatus.Expired when state.State.Text(F.CardStatus) == "valid" => ("expired", ChangeKind.CardExpired),
            _ => (null, ChangeKind.Updated),
        };
        if (value is null)
        {
            return;
        }

        var sets = new Dictionary<string, (FieldInput, string)>(StringComparer.Ordinal)
        {
            [F.CardStatus] = (FieldInput.Of(value), FieldOwnership.Hub),
        };
        if (status == CardStatus.Revoked)
        {
            sets[F.EIdStatus] = (FieldInput.Of("locked"), FieldOwnership.Hub);
        }

        if (sets.All(s => state.State.Fields.GetValueOrDefault(s.Key)?.Value.SameValueAs(s.Value.Item1) == true))
        {
            return;
        }

        await CommitAsync(new PlannedChange(sets, [], kind), FieldOwnership.Hub);
    }

    public async Task OnConsentRevokedAsync(ConsentNotice notice, IReadOnlyList<string> fields)
    {
        if (!state.State.Exists || await archive.ConsentRevocationToldAsync(Id.Value, notice.ConsentId, CancellationToken.None))
        {
            return;
        }

        // Not a change to the record (its version stays), but an event in the citizen's sequence all the same, written with
        // the state (whose last sequence it advances), so it is as durable and as ordered as the changes around it.
        var now = time.GetUtcNow();
        state.State.Pending.ConsentNotices.Add(notice.ConsentId);
        state.State.Pending.Events.Add(new CitizenEvent(
            Guid.CreateVersion7(now), Id.Value, ++state.State.LastEventSequence, CitizenEventTypes.ConsentRevoked, now, state.State.Version,
            [.. fields.Order(StringComparer.Ordinal)], notice));
        await WriteAsync();
    }

    private async Task<CitizenWriteResult> ApplyAsync(CitizenWrite write, CardSummary? card, bool answerWithRecord)
    {
        // An import reads no record back: copying every imported record for an answer nobody reads was garbage per line.
        CitizenRecord? Answer() => answerWithRecord ? Snapshot() : null;

        var (plan, failure, errors) = CitizenChange.Plan(Id, state.State, write, ownership.Value, Today);
        if (plan is null)
        {
            return CitizenWriteResult.Refused(failure, errors, Answer());
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
                    [.. recorded.Errors.Select(e => e with { Field = "card." + e.Field }).DefaultIfEmpty(new FieldError("card", recorded.Failure.ToString()))], Answer());
            }

            superseded = state.State.Text(F.CardStatus) is "valid" or "lost" ? state.State.Text(F.CardNumber) : null;
            plan = plan.WithCard(card, deceased);
        }

        if (plan.Sets.Count == 0 && plan.Clears.Count == 0)
        {
            return CitizenWriteResult.Applied(Answer(), WriteEffect.Unchanged);
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

        return CitizenWriteResult.Applied(Answer(), created ? WriteEffect.Created : WriteEffect.Updated);
    }

    private async Task CommitAsync(PlannedChange plan, string source)
    {
        var now = time.GetUtcNow();
        foreach (var field in plan.Clears)
        {
            state.State.Fields.Remove(field);
        }

        // A creation fills the record from empty: size it once rather than regrow it three times.
        state.State.Fields.EnsureCapacity(state.State.Fields.Count + plan.Sets.Count);
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
        var changedFields = plan.ChangedFields;
        state.State.Pending.History.Add(new ChangeEntry(state.State.Version, now, source, plan.Kind, changedFields));
        foreach (var (type, fields) in CitizenEventClassifier.Classify(plan.Kind, changedFields))
        {
            state.State.Pending.Events.Add(new CitizenEvent(
                Guid.CreateVersion7(now), Id.Value, ++state.State.LastEventSequence, type, now, state.State.Version, fields));
        }

        await WriteAsync();
    }

    /// <summary>
    /// A state the previous release wrote holds the record's whole history, its event outbox and its consent notices: they
    /// go to their own tables now, in one write, so the state is bounded from here on. Outbox events already in the log are
    /// not added again.
    /// </summary>
    private async Task MoveLegacyRowsOutAsync()
    {
        var legacy = state.State;
        legacy.Pending.History.AddRange(legacy.LegacyHistory);
        legacy.Pending.LegacyOutbox.AddRange(legacy.LegacyOutbox.OrderBy(e => e.Sequence));
        legacy.Pending.ConsentNotices.AddRange(legacy.LegacyConsentNotices);
        legacy.LegacyHistory = [];
        legacy.LegacyOutbox = [];
        legacy.LegacyConsentNotices = [];
        await WriteAsync();
        LogLegacyRowsMoved();
    }

    private async Task WriteAsync()
    {
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

        state.State.Pending.Clear();
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Moved a record written by the previous release to the bounded layout (history, outbox and consent notices to their tables)")]
    private partial void LogLegacyRowsMoved();

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not remove the previous release's event relay reminder ({Failure}); it is removed at its next tick")]
    private partial void LogReminderFailed(string failure);

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
