using OrleansHub.Abstractions.Cards;

namespace OrleansHub.Grains.Cards;

/// <summary>
/// Where cards with an expiry date are listed by that date, so the expiry sweep can find the cards that expire on a day
/// without visiting every card (a reminder per card would not scale to a population). The registry storage records a card
/// with the card's state, in the same write (see <see cref="Registry.PendingRows.CardExpiries"/>); recording the same card
/// again changes nothing.
/// </summary>
public interface ICardExpiryIndex
{
    Task RecordAsync(CardSummary card, CancellationToken cancellationToken);
}
