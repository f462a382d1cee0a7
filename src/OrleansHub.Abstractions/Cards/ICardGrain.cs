namespace OrleansHub.Abstractions.Cards;

/// <summary>One chip ID card, keyed by its card number.</summary>
public interface ICardGrain : IGrainWithStringKey
{
    /// <summary>Issues the card to a citizen; a newer card supersedes the citizen's previous one. Re-issuing the same details changes nothing.</summary>
    Task<CardResult> IssueAsync(CardIssue issue);

    /// <summary>
    /// Records a card the citizen grain is importing (the citizen grain calls this, so it is not called back); revoked at
    /// once when the holder is deceased. The activation is released afterwards so a large import keeps memory flat.
    /// </summary>
    Task<CardResult> RecordImportedAsync(CardSummary card, bool holderDeceased);

    /// <summary>Answers valid / lost / revoked / expired / unknown as of now.</summary>
    Task<CardCheck> CheckAsync();

    /// <summary>Records that the holder reported the card lost.</summary>
    Task<CardResult> ReportLostAsync();

    /// <summary>Revokes the card for <paramref name="reason"/>; revoking a revoked card changes nothing.</summary>
    Task<CardResult> RevokeAsync(RevocationReason reason);
}
