using OrleansHub.Abstractions.Citizens;

namespace OrleansHub.Grains.Citizens;

/// <summary>
/// What a citizen's writes moved out of its state into their own tables: the change history, and the consents whose
/// revocation the record already told its agency of. Written by the registry storage with the state (see
/// <see cref="Registry.PendingRows"/>), read here.
/// </summary>
public interface ICitizenArchive
{
    /// <summary>Up to <paramref name="limit"/> history entries of the citizen older than <paramref name="beforeVersion"/>, newest first.</summary>
    Task<IReadOnlyList<ChangeEntry>> ReadHistoryAsync(string citizenId, long? beforeVersion, int limit, CancellationToken cancellationToken);

    /// <summary>Whether the citizen's record already raised the consent-revoked event of <paramref name="consentId"/>.</summary>
    Task<bool> ConsentRevocationToldAsync(string citizenId, Guid consentId, CancellationToken cancellationToken);
}
