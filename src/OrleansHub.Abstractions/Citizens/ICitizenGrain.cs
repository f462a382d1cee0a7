using Orleans.Concurrency;
using OrleansHub.Abstractions.Cards;
using OrleansHub.Abstractions.Events;
using OrleansHub.Abstractions.Lookups;

namespace OrleansHub.Abstractions.Citizens;

/// <summary>One citizen's record, keyed by the 12-digit personal ID number.</summary>
public interface ICitizenGrain : IGrainWithStringKey
{
    /// <summary>Returns the record, or null when the registry holds no record for this ID.</summary>
    [ReadOnly]
    Task<CitizenRecord?> GetAsync();

    /// <summary>Applies a change to some fields after checking ownership, validation and the expected version.</summary>
    Task<CitizenWriteResult> WriteAsync(CitizenWrite write);

    /// <summary>
    /// Like <see cref="WriteAsync"/>, for bulk import, optionally with the citizen's current card in the same version.
    /// Answers the effect and any errors, without the record. The activation is released afterwards so a large import
    /// keeps memory flat.
    /// </summary>
    Task<CitizenWriteResult> ImportAsync(CitizenWrite write, CardSummary? card);

    /// <summary>Returns the requested fields the record holds, with provenance and the record version: what an agency was allowed to see.</summary>
    [ReadOnly]
    Task<Disclosure> DiscloseAsync(IReadOnlyList<string> fields);

    /// <summary>Compares claimed values with the stored ones and answers predicates, without returning any stored value.</summary>
    [ReadOnly]
    Task<VerificationAnswer> VerifyAsync(VerificationQuestion question);

    /// <summary>Returns up to <paramref name="limit"/> history entries older than <paramref name="beforeVersion"/> (newest first).</summary>
    Task<HistoryPage> GetHistoryAsync(long? beforeVersion, int limit);

    /// <summary>Records a newly issued card as the citizen's current one; refuses for unknown or deceased citizens.</summary>
    Task<CardAttachResult> AttachCardAsync(CardSummary card);

    /// <summary>Records that one of the citizen's cards was reported lost, was revoked, or (if still valid) passed its expiry date.</summary>
    Task OnCardStatusChangedAsync(string cardNumber, CardStatus status);

    /// <summary>
    /// The citizen revoked <paramref name="notice"/>'s consent to <paramref name="fields"/>: tells its agency, once per consent
    /// (repeating the call adds nothing). Nothing happens for a citizen the registry does not hold.
    /// </summary>
    Task OnConsentRevokedAsync(ConsentNotice notice, IReadOnlyList<string> fields);
}
