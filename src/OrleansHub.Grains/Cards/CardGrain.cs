using Microsoft.Extensions.DependencyInjection;
using OrleansHub.Grains.Registry;
using OrleansHub.Abstractions.Cards;
using OrleansHub.Abstractions.Citizens;

namespace OrleansHub.Grains.Cards;

/// <summary>
/// One chip ID card's lifecycle: issued, reported lost, revoked; expired by date. A card with an expiry date is listed for
/// the expiry sweep by the same write that records it (a pending row of its state), so no card is stored unlisted.
/// </summary>
public sealed class CardGrain(
    [PersistentState(RegistryStateNames.Card, GrainStorageNames.Registry)] IPersistentState<CardState> state,
    [FromKeyedServices(HubClock.Key)] TimeProvider time) : Grain, ICardGrain
{
    // True once this activation served anything but an import.
    private bool _inUse;

    private string Number => this.GetPrimaryKeyString();

    private DateOnly Today => DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime);

    public async Task<CardResult> RecordImportedAsync(CardSummary card, bool holderDeceased)
    {
        var errors = CardRules.Validate(new CardIssue(card.CitizenId, card.IssuedOn, card.ExpiresOn, card.IssuedBy), Today);
        CardResult result;
        if (errors.Count > 0)
        {
            result = Failed(CardFailure.Invalid, errors);
        }
        else if (state.State.Card is { } existing)
        {
            result = existing == card
                ? new CardResult(Check(), CardFailure.None, [], Changed: false)
                : Failed(CardFailure.Conflict, [new("number", "This card number was already issued with other details.")]);
        }
        else
        {
            state.State.Card = card;
            ListForExpiry(card);
            await SetStatusAsync(holderDeceased ? CardStatus.Revoked : CardStatus.Valid, holderDeceased ? RevocationReason.Death : RevocationReason.None);
            result = new CardResult(Check(), CardFailure.None, [], Changed: true);
        }

        if (!_inUse)
        {
            DeactivateOnIdle();
        }

        return result;
    }

    public async Task<CardResult> IssueAsync(CardIssue issue)
    {
        _inUse = true;
        var errors = CardRules.Validate(issue, Today);
        if (errors.Count > 0)
        {
            return Failed(CardFailure.Invalid, errors);
        }

        var card = new CardSummary(Number, issue.CitizenId, issue.IssuedOn, issue.ExpiresOn, issue.IssuedBy);
        if (state.State.Card is { } existing)
        {
            if (existing != card)
            {
                return Failed(CardFailure.Conflict, [new("number", "This card number was already issued with other details.")]);
            }

            return new CardResult(Check(), CardFailure.None, [], Changed: false); // a retry: listed with the first write
        }

        var attached = await GrainFactory.GetGrain<ICitizenGrain>(issue.CitizenId.Value).AttachCardAsync(card);
        if (attached.Failure != CardFailure.None)
        {
            return Failed(attached.Failure, [new("citizenId", attached.Failure == CardFailure.CitizenDeceased
                ? "The citizen is recorded as deceased."
                : "The registry holds no record for this citizen.")]);
        }

        state.State.Card = card;
        ListForExpiry(card);
        await SetStatusAsync(CardStatus.Valid, RevocationReason.None);
        if (attached.SupersededCardNumber is { } previous && previous != Number)
        {
            await GrainFactory.GetGrain<ICardGrain>(previous).RevokeAsync(RevocationReason.Superseded);
        }

        return new CardResult(Check(), CardFailure.None, [], Changed: true);
    }

    public Task<CardCheck> CheckAsync()
    {
        _inUse = true;
        return Task.FromResult(Check());
    }

    public async Task<CardResult> ReportLostAsync()
    {
        _inUse = true;
        switch (CardRules.StatusOn(state.State, Today))
        {
            case CardStatus.Unknown:
                return Failed(CardFailure.NotFound, []);
            case CardStatus.Lost:
                // A retry after a failed answer: the citizen grain may not have heard (it ignores a repeat).
                await GrainFactory.GetGrain<ICitizenGrain>(state.State.Card!.CitizenId.Value).OnCardStatusChangedAsync(Number, CardStatus.Lost);
                return new CardResult(Check(), CardFailure.None, [], Changed: false);
            case CardStatus.Revoked or CardStatus.Expired:
                return Failed(CardFailure.NotActive, [new("number", "The card is revoked or expired; it can no longer be reported lost.")]);
        }

        await SetStatusAsync(CardStatus.Lost, RevocationReason.None);
        await GrainFactory.GetGrain<ICitizenGrain>(state.State.Card!.CitizenId.Value).OnCardStatusChangedAsync(Number, CardStatus.Lost);
        return new CardResult(Check(), CardFailure.None, [], Changed: true);
    }

    public async Task<CardResult> RevokeAsync(RevocationReason reason)
    {
        if (state.State.Card is null)
        {
            return Failed(CardFailure.NotFound, []);
        }

        var changed = state.State.Status != CardStatus.Revoked;
        if (changed)
        {
            await SetStatusAsync(CardStatus.Revoked, reason);
        }

        // A death or a newer card is decided by the citizen grain itself, which is waiting on this call: calling it back would deadlock.
        // Told again on a repeated revocation too: a retry after a failed answer (the citizen grain ignores a repeat).
        if (reason is not (RevocationReason.Death or RevocationReason.Superseded))
        {
            await GrainFactory.GetGrain<ICitizenGrain>(state.State.Card.CitizenId.Value).OnCardStatusChangedAsync(Number, CardStatus.Revoked);
        }

        return new CardResult(Check(), CardFailure.None, [], Changed: changed);
    }

    private CardCheck Check() =>
        new(Number, CardRules.StatusOn(state.State, Today), state.State.Reason, state.State.Card, state.State.StatusChangedAt);

    private CardResult Failed(CardFailure failure, IReadOnlyList<FieldError> errors) => new(Check(), failure, errors, Changed: false);

    private void ListForExpiry(CardSummary card)
    {
        if (card.ExpiresOn is not null)
        {
            state.State.Pending.CardExpiries.Add(card);
        }
    }

    private async Task SetStatusAsync(CardStatus status, RevocationReason reason)
    {
        state.State.Status = status;
        state.State.Reason = reason;
        state.State.StatusChangedAt = time.GetUtcNow();
        try
        {
            await state.WriteStateAsync();
        }
        catch
        {
            DeactivateOnIdle();
            throw;
        }

        state.State.Pending.Clear();
    }
}
