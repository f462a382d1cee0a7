using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OrleansHub.Abstractions.Cards;
using OrleansHub.Abstractions.Citizens;
using OrleansHub.Abstractions.Events;
using OrleansHub.Abstractions.Lookups;
using OrleansHub.Grains.Events;
using OrleansHub.Grains.Lookups;
using F = OrleansHub.Abstractions.Citizens.CitizenFieldNames;

namespace OrleansHub.Grains.Citizens;

/// <summary>
/// Holds one citizen's record; every accepted change bumps the version and is persisted before it is acknowledged, together
/// with the events it produced (the outbox). The events are then relayed to the event log before the change is acknowledged;
/// if that fails, the outbox keeps them and a timer (and, should this activation die, a reminder) relays them later, oldest
/// first, so the log holds each citizen's events in sequence order.
/// </summary>
public sealed partial class CitizenGrain(
    [PersistentState("citizen", GrainStorageNames.Registry)] IPersistentState<CitizenState> state,
    IOptions<FieldOwnership> ownership,
    [FromKeyedServices(HubClock.Key)] TimeProvider time,
    ICitizenEventSink eventLog,
    ILogger<CitizenGrain> logger) : Grain, ICitizenGrain, IRemindable
{
    private const int MaxHistoryPage = 100;
    private const string RelayReminder = "relay-events";
    private static readonly TimeSpan RelayRetryPeriod = TimeSpan.FromSeconds(5);

    // The highest event sequence this activation knows is in the event log; the outbox drops those with the next write.
    private long _relayedThrough;
    private IGrainTimer? _relayRetry;

    // True once this activation served anything but an import: a bulk import then leaves it in memory.
    private bool _inUse;

    private PersonalId Id => PersonalId.Parse(this.GetPrimaryKeyString());

    private DateOnly Today => DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime);

    public override Task OnActivateAsync(CancellationToken cancellationToken) =>
        state.State.Outbox.Count > 0 ? RelayOutboxAsync() : Task.CompletedTask;

    public Task ReceiveReminder(string reminderName, TickStatus status) =>
        reminderName == RelayReminder ? RelayOutboxAsync() : Task.CompletedTask;

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
        if (!state.State.Exists || state.State.RevokedConsentsNotified.Contains(notice.ConsentId))
        {
            return;
        }

        // Not a change to the record (its version stays), but an event in the citizen's sequence all the same, through the
        // same outbox, so it is as durable and as ordered as the changes around it.
        var now = time.GetUtcNow();
        state.State.RevokedConsentsNotified.Add(notice.ConsentId);
        state.State.Outbox.RemoveAll(e => e.Sequence <= _relayedThrough);
        state.State.Outbox.Add(new CitizenEvent(
            Guid.CreateVersion7(now), Id.Value, ++state.State.LastEventSequence, CitizenEventTypes.ConsentRevoked, now, state.State.Version,
            [.. fields.Order(StringComparer.Ordinal)], notice));
        await WriteAndRelayAsync();
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
        state.State.Outbox.RemoveAll(e => e.Sequence <= _relayedThrough);
        foreach (var (type, fields) in CitizenEventClassifier.Classify(plan.Kind, plan.ChangedFields))
        {
            state.State.Outbox.Add(new CitizenEvent(
                Guid.CreateVersion7(now), Id.Value, ++state.State.LastEventSequence, type, now, state.State.Version, fields));
        }

        await WriteAndRelayAsync();
    }

    private async Task WriteAndRelayAsync()
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

        await RelayOutboxAsync();
    }

    /// <summary>
    /// Appends every outbox event not yet known to be in the log, oldest first (earlier ones that failed go first, so the
    /// log keeps the citizen's order). Never throws: the events are durable in the outbox, and a failure arms the retries.
    /// </summary>
    private async Task RelayOutboxAsync()
    {
        var pending = state.State.Outbox.Where(e => e.Sequence > _relayedThrough).ToList();
        if (pending.Count == 0)
        {
            return;
        }

        try
        {
            await eventLog.AppendAsync(pending, CancellationToken.None);
            _relayedThrough = pending[^1].Sequence;
        }
        catch (Exception e)
        {
            LogRelayFailed(pending.Count, e.GetType().Name);
            await ArmRelayRetryAsync();
            return;
        }

        if (_relayRetry is not null)
        {
            _relayRetry.Dispose();
            _relayRetry = null;
            await ForgetRelayReminderAsync();
        }
    }

    private async Task ArmRelayRetryAsync()
    {
        // The timer keeps this activation alive until the log takes the events; the reminder covers this silo dying first.
        _relayRetry ??= this.RegisterGrainTimer(RelayOutboxAsync, new GrainTimerCreationOptions(RelayRetryPeriod, RelayRetryPeriod) { KeepAlive = true });
        try
        {
            await this.RegisterOrUpdateReminder(RelayReminder, TimeSpan.FromMinutes(1), TimeSpan.FromMinutes(1));
        }
        catch (Exception e)
        {
            LogReminderFailed(e.GetType().Name);
        }
    }

    private async Task ForgetRelayReminderAsync()
    {
        try
        {
            if (await this.GetReminder(RelayReminder) is { } reminder)
            {
                await this.UnregisterReminder(reminder);
            }
        }
        catch (Exception e)
        {
            // A leftover reminder only relays an empty outbox once a minute until the next successful relay removes it.
            LogReminderFailed(e.GetType().Name);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not relay {Count} citizen event(s) to the event log ({Failure}); they stay in the record's outbox and are retried")]
    private partial void LogRelayFailed(int count, string failure);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not register or remove the event relay reminder ({Failure}); the retry timer still runs while the record is active")]
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
