using OrleansHub.Abstractions.Citizens;

namespace OrleansHub.Grains.Citizens;

/// <summary>What a citizen grain persists. A null identity means the registry has no record for this ID.</summary>
[GenerateSerializer, Alias("hub.CitizenState")]
public sealed class CitizenState
{
    [Id(0)] public CitizenIdentity? Identity { get; set; }

    [Id(1)] public long Version { get; set; }

    [Id(2)] public DateTimeOffset UpdatedAt { get; set; }
}
