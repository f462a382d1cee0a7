using OrleansHub.Abstractions.Citizens;

namespace OrleansHub.Host.Citizens;

/// <summary>The body of a citizen write: the registry's identity fields.</summary>
public sealed record CitizenIdentityRequest
{
    /// <summary>Full name in Vietnamese with diacritics, e.g. "Nguyễn Thị Lan".</summary>
    public required string FullName { get; init; }

    /// <summary>ISO 8601 date, e.g. "1990-05-17".</summary>
    public required DateOnly DateOfBirth { get; init; }

    /// <summary>"Male" or "Female".</summary>
    public required Sex Sex { get; init; }

    public CitizenIdentity ToIdentity() => new(FullName, DateOfBirth, Sex);
}

/// <summary>A citizen record as the admin API shows it.</summary>
public sealed record CitizenResponse(string Id, string FullName, DateOnly DateOfBirth, Sex Sex, long Version, DateTimeOffset UpdatedAt)
{
    public static CitizenResponse From(CitizenRecord record) =>
        new(record.Id.Value, record.Identity.FullName, record.Identity.DateOfBirth, record.Identity.Sex, record.Version, record.UpdatedAt);
}
