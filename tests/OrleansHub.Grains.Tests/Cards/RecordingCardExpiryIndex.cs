using System.Collections.Concurrent;
using OrleansHub.Abstractions.Cards;
using OrleansHub.Grains.Cards;

namespace OrleansHub.Grains.Tests.Cards;

/// <summary>The cards the card grains recorded for the expiry sweep, by number.</summary>
public sealed class RecordingCardExpiryIndex : ICardExpiryIndex
{
    private readonly ConcurrentDictionary<string, CardSummary> _cards = new(StringComparer.Ordinal);

    public Task RecordAsync(CardSummary card, CancellationToken cancellationToken)
    {
        _cards[card.Number] = card;
        return Task.CompletedTask;
    }

    public CardSummary? Of(string number) => _cards.GetValueOrDefault(number);
}
