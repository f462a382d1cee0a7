namespace OrleansHub.Abstractions.Citizens;

/// <summary>One citizen's record, keyed by the 12-digit personal ID number.</summary>
public interface ICitizenGrain : IGrainWithStringKey
{
    /// <summary>Returns the record, or null when the registry holds no record for this ID.</summary>
    Task<CitizenRecord?> GetAsync();

    /// <summary>Creates or replaces the identity; with <paramref name="expectedVersion"/> only when the record is at that version.</summary>
    Task<CitizenWriteResult> WriteIdentityAsync(CitizenIdentity identity, long? expectedVersion);
}
