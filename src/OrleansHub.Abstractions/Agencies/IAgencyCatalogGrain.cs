namespace OrleansHub.Abstractions.Agencies;

/// <summary>
/// Knows every agency code and the revision of its policy and keys. Agency grains report each change; every silo's
/// agency directory polls it in the background to learn what to reload. Never called on the request path.
/// Use key <see cref="Key"/>.
/// </summary>
public interface IAgencyCatalogGrain : IGrainWithIntegerKey
{
    public const long Key = 0;

    /// <summary>Records that <paramref name="code"/> is now at <paramref name="revision"/>; an older or equal revision changes nothing.</summary>
    Task RecordAsync(string code, long revision);

    /// <summary>The agencies whose revision changed after catalog generation <paramref name="afterGeneration"/> (all of them for 0).</summary>
    Task<AgencyCatalogChanges> GetChangesAsync(long afterGeneration);

    /// <summary>Every registered agency code, in order.</summary>
    Task<IReadOnlyList<string>> ListCodesAsync();
}
