using OrleansHub.Synthetic.Randomness;

namespace OrleansHub.Synthetic.Tables;

/// <summary>Religion and blood type shares.</summary>
internal static class Attributes
{
    public static readonly string NoReligion = Provinces.Nfc("Không");

    public static readonly string Buddhism = Provinces.Nfc("Phật giáo");

    /// <summary>2019 census: 13.7% follow a religion.</summary>
    public static readonly WeightedTable<string> Religions = WeightedTable.Of(
        (NoReligion, 86.3), (Provinces.Nfc("Công giáo"), 6.1), (Buddhism, 4.8), (Provinces.Nfc("Tin Lành"), 1.0),
        (Provinces.Nfc("Phật giáo Hòa Hảo"), 1.0), (Provinces.Nfc("Cao Đài"), 0.6));

    /// <summary>Blood groups among Vietnamese donors: O 42%, B 31%, A 21%, AB 6%; Rh-negative is rare (about 0.1%).</summary>
    public static readonly WeightedTable<string> BloodTypes = WeightedTable.Of(
        ("O+", 41.8), ("B+", 30.9), ("A+", 21.2), ("AB+", 5.9), ("O-", 0.06), ("B-", 0.04), ("A-", 0.03), ("AB-", 0.01));
}
