namespace OrleansHub.Grains.Citizens;

/// <summary>
/// Which source owns which field. Bound from <c>Hub:Registry</c>: fields not listed in <see cref="Owners"/> belong to
/// <see cref="Registry"/>. Example: <c>Hub:Registry:Owners:healthInsuranceNumber = VSS</c> gives social security that field.
/// </summary>
public sealed class FieldOwnership
{
    public const string Section = "Hub:Registry";

    /// <summary>The source name of the registry operator itself.</summary>
    public const string Registry = "registry";

    /// <summary>Source name of writes the hub makes itself (card events, death side effects).</summary>
    public const string Hub = "hub";

    /// <summary>Field name → owning source code.</summary>
    public Dictionary<string, string> Owners { get; set; } = new(StringComparer.Ordinal);

    /// <summary>The source that owns <paramref name="field"/>.</summary>
    public string OwnerOf(string field) => Owners.TryGetValue(field, out var owner) ? owner : Registry;
}
