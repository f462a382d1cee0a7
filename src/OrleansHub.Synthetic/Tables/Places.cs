using System.Globalization;
using OrleansHub.Synthetic.Randomness;

namespace OrleansHub.Synthetic.Tables;

/// <summary>Street, ward, commune and hamlet names, and the addresses built from them.</summary>
internal static class Places
{
    private static readonly string[] _streets = Nfc(
        "Lê Lợi; Trần Hưng Đạo; Nguyễn Trãi; Hai Bà Trưng; Quang Trung; Lý Thường Kiệt; Lê Duẩn; Nguyễn Huệ; Phan Đình Phùng; "
        + "Hoàng Diệu; Trần Phú; Nguyễn Du; Lê Thánh Tông; Điện Biên Phủ; Võ Thị Sáu; Nguyễn Thị Minh Khai; Cách Mạng Tháng Tám; "
        + "Ngô Quyền; Bà Triệu; Phạm Ngũ Lão; Nguyễn Văn Cừ; Lạc Long Quân; Âu Cơ; Hùng Vương; Lê Hồng Phong; Nguyễn Chí Thanh; "
        + "Trường Chinh; Tôn Đức Thắng; Hoàng Văn Thụ; Nguyễn Đình Chiểu; Chu Văn An; Phan Chu Trinh; Phan Bội Châu; Nguyễn Thái Học; "
        + "Lý Tự Trọng; Hàm Nghi; Huế; Kim Mã; Giải Phóng; Láng; Nguyễn Văn Linh; Lê Văn Sỹ; Cộng Hòa; Xô Viết Nghệ Tĩnh; Bạch Đằng");

    private static readonly string[] _wards = Nfc(
        "Bạch Đằng; Tân Phú; An Phú; Hòa Bình; Phú Lợi; Quang Trung; Trần Phú; Hồng Hà; Bình An; Thắng Lợi; Minh Khai; Đông Hòa; "
        + "Tân Định; Phước Hòa; An Lạc; Tân Hưng; Hưng Phú; Lê Lợi; Hòa Khánh; Nghĩa Tân; Thanh Bình; Phú Hòa; Hiệp Thành; Long Bình; "
        + "Trung Hòa; Yên Hòa; Phương Mai; Tân Mai; Đồng Tâm; Vĩnh Tuy; Thịnh Liệt; Phúc Xá; Cống Vị; Bến Thành; Đa Kao; Tân Thuận");

    private static readonly string[] _communes = Nfc(
        "Tân Lập; Đông Phong; Xuân Lâm; Hòa Thuận; Bình Minh; Thanh Lâm; Yên Bình; Phú Xuân; Nghĩa Hưng; Đại Đồng; Quảng Phú; "
        + "Hưng Đạo; Tân Tiến; Kim Liên; Hải Anh; Thọ Xuân; An Thạnh; Long Hựu; Mỹ Phước; Vĩnh Thành; Tam Hiệp; Phước Thạnh; "
        + "Cẩm Bình; Đức Thắng; Hồng Phong; Việt Hưng; Tiên Phong; Minh Tân; Trung Nghĩa; Hòa Phú");

    private static readonly string[] _hamlets = Nfc("Đông; Tây; Nam; Bắc; Thượng; Hạ; Trung; Tân Lập; Phú An; Đồng Tâm; Bình Yên; Chợ; Mới; Cầu");

    private static readonly string[] _apartments = ["CT1", "CT2", "A1", "B2", "C", "HH1", "N04", "S2.01"];

    /// <summary>A permanent or temporary address, as written on a household registration: house, street or hamlet, ward, district, province.</summary>
    public static string Address(SeededRandom random, Province province)
    {
        var district = random.Pick(province.Districts);
        var place = district.IsUrban ? UrbanPlace(random, province, district) : RuralPlace(random, province);
        return $"{place}, {district.FullName}, {province.Name}";
    }

    /// <summary>A hometown (quê quán): commune or ward, district, province.</summary>
    public static string Hometown(SeededRandom random, Province province)
    {
        var district = random.Pick(province.Districts);
        var unit = district.IsUrban ? "phường " + random.Pick(_wards) : "xã " + random.Pick(_communes);
        return $"{unit}, {district.FullName}, {province.Name}";
    }

    private static string UrbanPlace(SeededRandom random, Province province, District district)
    {
        var ward = province.Code == "079" && district.Kind == "quận" && random.Chance(0.5)
            ? "phường " + random.Between(1, 15).ToString(CultureInfo.InvariantCulture)
            : "phường " + random.Pick(_wards);
        var streetKind = province.Code == "001" && district.Kind == "quận" ? "phố" : "đường";
        var street = $"{streetKind} {random.Pick(_streets)}";
        var house = random.Between(1, 350);
        var form = random.Next(100);
        if (form < 8 && province.PopulationThousands > 2000)
        {
            return $"Căn hộ {random.Between(2, 35)}{random.Between(1, 20):D2}, tòa {random.Pick(_apartments)}, {ward}";
        }

        if (form < 45)
        {
            return $"Số {house} {street}, {ward}";
        }

        return province.Region == Region.South
            ? $"Số {house}/{random.Between(1, 120)} {street}, {ward}"
            : $"Số {random.Between(1, 80)}, ngõ {house} {street}, {ward}";
    }

    private static string RuralPlace(SeededRandom random, Province province)
    {
        if (random.Chance(0.15))
        {
            return $"Số {random.Between(1, 200)} đường {random.Pick(_streets)}, thị trấn {random.Pick(_communes)}";
        }

        var hamletKind = province.Region switch
        {
            Region.South => "ấp",
            Region.Highlands => random.Chance(0.3) ? "buôn" : "thôn",
            _ when province.Code is "002" or "004" or "006" or "010" or "011" or "012" or "014" or "015" => random.Chance(0.5) ? "bản" : "thôn",
            _ => random.Chance(0.3) ? "xóm" : "thôn",
        };
        var hamlet = random.Chance(0.4) ? random.Between(1, 12).ToString(CultureInfo.InvariantCulture) : random.Pick(_hamlets);
        return $"{hamletKind} {hamlet}, xã {random.Pick(_communes)}";
    }

    private static string[] Nfc(string list) => [.. list.Split("; ").Select(Provinces.Nfc)];
}
