using System.Collections.Frozen;

namespace OrleansHub.Abstractions.Citizens;

/// <summary>The 63 province codes of birth registration (not contiguous; kept for life after the 2025 merger).</summary>
public static class Provinces
{
    public static readonly FrozenSet<string> Codes = new[]
    {
        "001", "002", "004", "006", "008", "010", "011", "012", "014", "015", "017", "019", "020", "022", "024", "025",
        "026", "027", "030", "031", "033", "034", "035", "036", "037", "038", "040", "042", "044", "045", "046", "048",
        "049", "051", "052", "054", "056", "058", "060", "062", "064", "066", "067", "068", "070", "072", "074", "075",
        "077", "079", "080", "082", "083", "084", "086", "087", "089", "091", "092", "093", "094", "095", "096",
    }.ToFrozenSet(StringComparer.Ordinal);

    /// <summary>Whether <paramref name="code"/> is one of the 63 codes.</summary>
    public static bool IsKnownCode(string code) => Codes.Contains(code);
}
