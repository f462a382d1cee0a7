using OrleansHub.Synthetic.Randomness;

namespace OrleansHub.Synthetic.Tables;

/// <summary>An ethnic group: its national share, the family names common in it and the provinces where most of it lives.</summary>
internal sealed record Ethnicity(string Name, IReadOnlyList<string> FamilyNames, WeightedTable<Province>? Homeland)
{
    public bool IsKinh => FamilyNames.Count == 0;
}

/// <summary>Ethnic groups with their approximate shares of the 2019 census (Kinh 85.3%). Only the larger groups are listed, so Kinh weighs 70 against their shares to keep its own share near 85%.</summary>
internal static class Ethnicities
{
    public static readonly Ethnicity Kinh = new("Kinh", [], null);

    public static readonly WeightedTable<Ethnicity> National = WeightedTable.Of(
        (Kinh, 70),
        (Group("Tày", "Hoàng Nông Lương Ma Lăng Triệu Hà Đinh", "004 020 006 008 002 019"), 1.9),
        (Group("Thái", "Lò Lường Quàng Cầm Vi Hà Lộc", "014 040 011 038 012 015"), 1.9),
        (Group("Mường", "Bùi Đinh Quách Hà Xa", "017 038 025 037"), 1.5),
        (Group("H'Mông", "Giàng Sùng Vàng Thào Lý Hờ Mùa Vừ", "002 010 011 014 012 015"), 1.5),
        (Group("Khmer", "Thạch Sơn Danh Kim Lâm Châu", "094 084 091 089 095"), 1.4),
        (Group("Nùng", "Hoàng Nông Lăng Lục Vi Lương", "020 004 024 019 066"), 1.1),
        (Group("Dao", "Triệu Bàn Đặng Lý", "002 008 010 015 022"), 0.9),
        (Group("Hoa", "Lâm Trương Lý Quách Châu Hứa Tăng Mã", "079 075 091 094"), 0.8),
        (Group("Gia Rai", "Ksor Siu Nay Kpă Puih Rahlan", "064 062"), 0.5),
        (Group("Sán Dìu", "Diệp Trần Lưu Tạ Đặng", "022 019 026 024"), 0.2),
        (Group("Chăm", "Đàng Thuận Quảng Lộ Châu", "058 060 089"), 0.2),
        (Group("Sán Chay", "Hoàng Lâm Trần La", "008 019 024"), 0.2));

    private static Ethnicity Group(string name, string familyNames, string provinceCodes) =>
        new(Provinces.Nfc(name), Provinces.Nfc(familyNames).Split(' '),
            new WeightedTable<Province>(provinceCodes.Split(' ').Select(code => (Provinces.ByCode(code), (double)Provinces.ByCode(code).PopulationThousands))));
}
