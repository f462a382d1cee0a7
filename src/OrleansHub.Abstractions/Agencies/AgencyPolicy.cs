namespace OrleansHub.Abstractions.Agencies;

/// <summary>Whether an agency is a state body acting under a legal mandate or a commercial party (bank, telecom, insurer).</summary>
public enum AgencyKind
{
    State = 0,
    Commercial,
}

/// <summary>A suspended agency keeps its keys and agreement but every request it makes is refused.</summary>
public enum AgencyStatus
{
    Active = 0,
    Suspended,
}

/// <summary>
/// What the operator registers for an agency: who it is and its data-sharing agreement (the fields it may see and the
/// purposes it may state). Commercial agencies always need the citizen's consent; a state body within its mandate does not.
/// </summary>
[GenerateSerializer, Immutable, Alias("hub.AgencyDefinition")]
public sealed record AgencyDefinition(
    [property: Id(0)] string Name,
    [property: Id(1)] AgencyKind Kind,
    [property: Id(2)] AgencyStatus Status,
    [property: Id(3)] IReadOnlyList<string> Fields,
    [property: Id(4)] IReadOnlyList<string> Purposes,
    [property: Id(5)] bool RequiresConsent);

/// <summary>An agency's agreement as held by the hub, with the version that increases on every change.</summary>
[GenerateSerializer, Immutable, Alias("hub.AgencyPolicy")]
public sealed record AgencyPolicy(
    [property: Id(0)] string Code,
    [property: Id(1)] AgencyDefinition Definition,
    [property: Id(2)] long Version,
    [property: Id(3)] DateTimeOffset UpdatedAt)
{
    public bool IsActive => Definition.Status == AgencyStatus.Active;

    public bool AllowsField(string field) => Names(Definition.Fields, field);

    public bool AllowsPurpose(string purpose) => Names(Definition.Purposes, purpose);

    // Asked for every field of every request: an indexed scan allocates no enumerator, as Enumerable.Contains with a comparer does.
    private static bool Names(IReadOnlyList<string> names, string name)
    {
        for (var i = 0; i < names.Count; i++)
        {
            if (string.Equals(names[i], name, StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }
}
