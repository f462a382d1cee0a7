using OrleansHub.Abstractions.Cards;
using OrleansHub.Grains.Registry;

namespace OrleansHub.Grains.Cards;

/// <summary>What a card grain persists. No card means the number was never issued.</summary>
[GenerateSerializer, Alias("hub.CardState")]
public sealed class CardState : IStateWithRows
{
    [Id(0)] public CardSummary? Card { get; set; }

    /// <summary>Valid, Lost or Revoked; expiry is computed from the date, never stored.</summary>
    [Id(1)] public CardStatus Status { get; set; }

    [Id(2)] public RevocationReason Reason { get; set; }

    [Id(3)] public DateTimeOffset? StatusChangedAt { get; set; }

    /// <summary>Rows the next write puts in their own tables with this state (the card's expiry listing); never stored in it.</summary>
    [field: NonSerialized]
    public PendingRows Pending { get; } = new();
}
