using OrleansHub.Abstractions.Citizens;

namespace OrleansHub.Abstractions.Cards;

/// <summary>What a card check answers.</summary>
public enum CardStatus
{
    Unknown = 0,
    Valid,
    Lost,
    Revoked,
    Expired,
}

/// <summary>Why a card was revoked.</summary>
public enum RevocationReason
{
    None = 0,
    /// <summary>The registry revoked it (fraud, error, court order).</summary>
    Administrative,
    /// <summary>A newer card was issued to the same citizen.</summary>
    Superseded,
    /// <summary>The holder died.</summary>
    Death,
}

/// <summary>The operator's request to issue a card.</summary>
[GenerateSerializer, Immutable, Alias("hub.CardIssue")]
public sealed record CardIssue(
    [property: Id(0)] PersonalId CitizenId,
    [property: Id(1)] DateOnly IssuedOn,
    [property: Id(2)] DateOnly? ExpiresOn,
    [property: Id(3)] string IssuedBy);

/// <summary>A card as the citizen's record shows it.</summary>
[GenerateSerializer, Immutable, Alias("hub.CardSummary")]
public sealed record CardSummary(
    [property: Id(0)] string Number,
    [property: Id(1)] PersonalId CitizenId,
    [property: Id(2)] DateOnly IssuedOn,
    [property: Id(3)] DateOnly? ExpiresOn,
    [property: Id(4)] string IssuedBy);

/// <summary>The answer to a card check. Status is computed at the time of asking: a valid card past its expiry date is expired.</summary>
[GenerateSerializer, Immutable, Alias("hub.CardCheck")]
public sealed record CardCheck(
    [property: Id(0)] string Number,
    [property: Id(1)] CardStatus Status,
    [property: Id(2)] RevocationReason Reason,
    [property: Id(3)] CardSummary? Card,
    [property: Id(4)] DateTimeOffset? StatusChangedAt);

/// <summary>Why a card operation was refused.</summary>
public enum CardFailure
{
    None = 0,
    Invalid,
    /// <summary>The card number is already issued to someone else or with different details.</summary>
    Conflict,
    /// <summary>No such card was issued.</summary>
    NotFound,
    /// <summary>The citizen has no record.</summary>
    CitizenNotFound,
    /// <summary>The citizen is recorded as deceased.</summary>
    CitizenDeceased,
    /// <summary>The card is revoked or expired and cannot change state.</summary>
    NotActive,
}

/// <summary>The outcome of a card operation.</summary>
[GenerateSerializer, Immutable, Alias("hub.CardResult")]
public sealed record CardResult(
    [property: Id(0)] CardCheck? Card,
    [property: Id(1)] CardFailure Failure,
    [property: Id(2)] IReadOnlyList<FieldError> Errors,
    [property: Id(3)] bool Changed);

/// <summary>The citizen grain's answer when a card is attached: refused, or accepted with the card it replaces.</summary>
[GenerateSerializer, Immutable, Alias("hub.CardAttachResult")]
public sealed record CardAttachResult(
    [property: Id(0)] CardFailure Failure,
    [property: Id(1)] string? SupersededCardNumber);
