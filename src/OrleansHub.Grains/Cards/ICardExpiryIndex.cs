using OrleansHub.Abstractions.Cards;

namespace OrleansHub.Grains.Cards;

/// <summary>
/// Where cards with an expiry date are listed by that date, so the expiry sweep can find the cards that expire on a day
/// without visiting every card (a reminder per card would not scale to a population). Written by the card grain before
/// it acknowledges an issue or import; recording the same card again changes nothing.
/// </summary>
public interface ICardExpiryIndex
{
    Task RecordAsync(CardSummary card, CancellationToken cancellationToken);
}
