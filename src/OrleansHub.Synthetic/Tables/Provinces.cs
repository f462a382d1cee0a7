using System.Text;

namespace OrleansHub.Synthetic.Tables;

/// <summary>Broad region: decides naming habits (Hoàng or Huỳnh, thôn or ấp, phố or đường).</summary>
internal enum Region
{
    North,
    Central,
    Highlands,
    South,
}

/// <summary>A district-level unit as it stood before the 2025 reform (addresses on existing records still name it).</summary>
internal sealed record District(string Kind, string Name)
{
    public string FullName => $"{Kind} {Name}";

    /// <summary>Urban units (quận, thị xã, thành phố) are divided into phường; rural huyện into xã.</summary>
    public bool IsUrban => Kind != "huyện";
}

/// <summary>A province of birth registration: code, name, population (2019 census, thousands), plate codes and some districts.</summary>
internal sealed record Province(string Code, string Name, int PopulationThousands, Region Region, IReadOnlyList<string> PlateCodes, IReadOnlyList<District> Districts)
{
    /// <summary>The two-digit form used in social-insurance, health-insurance and licence numbers.</summary>
    public string ShortCode => Code[1..];
}

/// <summary>The 63 province codes of DOMAIN.md with approximate public figures.</summary>
internal static class Provinces
{
    public static readonly IReadOnlyList<Province> All =
    [
        P("001", "Hà Nội", 8054, Region.North, "29 30 31 32 33 40", "q Hoàn Kiếm; q Ba Đình; q Đống Đa; q Hai Bà Trưng; q Cầu Giấy; q Thanh Xuân; q Hoàng Mai; q Long Biên; q Hà Đông; q Nam Từ Liêm; q Bắc Từ Liêm; q Tây Hồ; h Gia Lâm; h Đông Anh; h Sóc Sơn; h Thanh Trì; tx Sơn Tây; h Ba Vì"),
        P("002", "Hà Giang", 855, Region.North, "23", "tp Hà Giang; h Bắc Quang; h Vị Xuyên; h Đồng Văn"),
        P("004", "Cao Bằng", 530, Region.North, "11", "tp Cao Bằng; h Trùng Khánh; h Hòa An; h Bảo Lạc"),
        P("006", "Bắc Kạn", 314, Region.North, "97", "tp Bắc Kạn; h Ba Bể; h Chợ Đồn; h Bạch Thông"),
        P("008", "Tuyên Quang", 785, Region.North, "22", "tp Tuyên Quang; h Sơn Dương; h Yên Sơn; h Hàm Yên"),
        P("010", "Lào Cai", 731, Region.North, "24", "tp Lào Cai; tx Sa Pa; h Bảo Thắng; h Bát Xát"),
        P("011", "Điện Biên", 599, Region.North, "27", "tp Điện Biên Phủ; h Điện Biên; h Tuần Giáo; h Mường Ảng"),
        P("012", "Lai Châu", 460, Region.North, "25", "tp Lai Châu; h Tam Đường; h Than Uyên; h Phong Thổ"),
        P("014", "Sơn La", 1249, Region.North, "26", "tp Sơn La; h Mộc Châu; h Mai Sơn; h Thuận Châu"),
        P("015", "Yên Bái", 822, Region.North, "21", "tp Yên Bái; tx Nghĩa Lộ; h Văn Yên; h Trấn Yên"),
        P("017", "Hòa Bình", 855, Region.North, "28", "tp Hòa Bình; h Lương Sơn; h Mai Châu; h Kim Bôi"),
        P("019", "Thái Nguyên", 1287, Region.North, "20", "tp Thái Nguyên; tp Sông Công; tp Phổ Yên; h Đại Từ"),
        P("020", "Lạng Sơn", 782, Region.North, "12", "tp Lạng Sơn; h Cao Lộc; h Hữu Lũng; h Chi Lăng"),
        P("022", "Quảng Ninh", 1321, Region.North, "14", "tp Hạ Long; tp Cẩm Phả; tp Uông Bí; tp Móng Cái; h Vân Đồn"),
        P("024", "Bắc Giang", 1804, Region.North, "98", "tp Bắc Giang; h Lạng Giang; h Lục Nam; h Yên Dũng"),
        P("025", "Phú Thọ", 1464, Region.North, "19", "tp Việt Trì; tx Phú Thọ; h Lâm Thao; h Thanh Sơn"),
        P("026", "Vĩnh Phúc", 1152, Region.North, "88", "tp Vĩnh Yên; tp Phúc Yên; h Tam Đảo; h Vĩnh Tường"),
        P("027", "Bắc Ninh", 1369, Region.North, "99", "tp Bắc Ninh; tp Từ Sơn; h Tiên Du; h Yên Phong"),
        P("030", "Hải Dương", 1893, Region.North, "34", "tp Hải Dương; tp Chí Linh; tx Kinh Môn; h Cẩm Giàng"),
        P("031", "Hải Phòng", 2029, Region.North, "15 16", "q Hồng Bàng; q Lê Chân; q Ngô Quyền; q Hải An; q Kiến An; h Thủy Nguyên; h An Dương"),
        P("033", "Hưng Yên", 1253, Region.North, "89", "tp Hưng Yên; tx Mỹ Hào; h Văn Lâm; h Khoái Châu"),
        P("034", "Thái Bình", 1861, Region.North, "17", "tp Thái Bình; h Đông Hưng; h Thái Thụy; h Vũ Thư"),
        P("035", "Hà Nam", 853, Region.North, "90", "tp Phủ Lý; tx Duy Tiên; h Kim Bảng; h Lý Nhân"),
        P("036", "Nam Định", 1781, Region.North, "18", "tp Nam Định; h Hải Hậu; h Giao Thủy; h Ý Yên"),
        P("037", "Ninh Bình", 983, Region.North, "35", "tp Ninh Bình; tp Tam Điệp; h Hoa Lư; h Kim Sơn"),
        P("038", "Thanh Hóa", 3641, Region.Central, "36", "tp Thanh Hóa; tp Sầm Sơn; tx Bỉm Sơn; tx Nghi Sơn; h Hoằng Hóa"),
        P("040", "Nghệ An", 3328, Region.Central, "37", "tp Vinh; tx Cửa Lò; h Diễn Châu; h Quỳnh Lưu; h Nghi Lộc"),
        P("042", "Hà Tĩnh", 1289, Region.Central, "38", "tp Hà Tĩnh; tx Hồng Lĩnh; h Can Lộc; h Kỳ Anh"),
        P("044", "Quảng Bình", 896, Region.Central, "73", "tp Đồng Hới; h Bố Trạch; h Lệ Thủy; h Quảng Trạch"),
        P("045", "Quảng Trị", 633, Region.Central, "74", "tp Đông Hà; tx Quảng Trị; h Gio Linh; h Hải Lăng"),
        P("046", "Thừa Thiên Huế", 1129, Region.Central, "75", "tp Huế; tx Hương Thủy; tx Hương Trà; h Phú Vang"),
        P("048", "Đà Nẵng", 1135, Region.Central, "43", "q Hải Châu; q Thanh Khê; q Sơn Trà; q Ngũ Hành Sơn; q Liên Chiểu; q Cẩm Lệ; h Hòa Vang"),
        P("049", "Quảng Nam", 1496, Region.Central, "92", "tp Tam Kỳ; tp Hội An; tx Điện Bàn; h Duy Xuyên"),
        P("051", "Quảng Ngãi", 1232, Region.Central, "76", "tp Quảng Ngãi; tx Đức Phổ; h Bình Sơn; h Tư Nghĩa"),
        P("052", "Bình Định", 1487, Region.Central, "77", "tp Quy Nhơn; tx An Nhơn; tx Hoài Nhơn; h Phù Cát"),
        P("054", "Phú Yên", 873, Region.Central, "78", "tp Tuy Hòa; tx Sông Cầu; tx Đông Hòa; h Tuy An"),
        P("056", "Khánh Hòa", 1232, Region.Central, "79", "tp Nha Trang; tp Cam Ranh; tx Ninh Hòa; h Diên Khánh"),
        P("058", "Ninh Thuận", 591, Region.Central, "85", "tp Phan Rang - Tháp Chàm; h Ninh Hải; h Ninh Phước; h Thuận Bắc"),
        P("060", "Bình Thuận", 1231, Region.Central, "86", "tp Phan Thiết; tx La Gi; h Hàm Thuận Bắc; h Bắc Bình"),
        P("062", "Kon Tum", 541, Region.Highlands, "82", "tp Kon Tum; h Đắk Hà; h Ngọc Hồi; h Đắk Tô"),
        P("064", "Gia Lai", 1514, Region.Highlands, "81", "tp Pleiku; tx An Khê; tx Ayun Pa; h Chư Sê"),
        P("066", "Đắk Lắk", 1870, Region.Highlands, "47", "tp Buôn Ma Thuột; tx Buôn Hồ; h Cư M'gar; h Krông Pắc"),
        P("067", "Đắk Nông", 622, Region.Highlands, "48", "tp Gia Nghĩa; h Đắk Mil; h Cư Jút; h Đắk R'lấp"),
        P("068", "Lâm Đồng", 1297, Region.Highlands, "49", "tp Đà Lạt; tp Bảo Lộc; h Đức Trọng; h Di Linh"),
        P("070", "Bình Phước", 995, Region.South, "93", "tp Đồng Xoài; tx Bình Long; tx Phước Long; tx Chơn Thành"),
        P("072", "Tây Ninh", 1170, Region.South, "70", "tp Tây Ninh; tx Hòa Thành; tx Trảng Bàng; h Gò Dầu"),
        P("074", "Bình Dương", 2456, Region.South, "61", "tp Thủ Dầu Một; tp Dĩ An; tp Thuận An; tp Tân Uyên; tp Bến Cát"),
        P("075", "Đồng Nai", 3097, Region.South, "60 39", "tp Biên Hòa; tp Long Khánh; h Nhơn Trạch; h Trảng Bom; h Long Thành"),
        P("077", "Bà Rịa - Vũng Tàu", 1149, Region.South, "72", "tp Vũng Tàu; tp Bà Rịa; tx Phú Mỹ; h Long Điền"),
        P("079", "Thành phố Hồ Chí Minh", 8993, Region.South, "50 51 52 53 54 55 56 57 58 59 41", "q 1; q 3; q 5; q 7; q 10; q 12; q Bình Thạnh; q Gò Vấp; q Tân Bình; q Tân Phú; q Phú Nhuận; q Bình Tân; tp Thủ Đức; h Bình Chánh; h Hóc Môn; h Củ Chi; h Nhà Bè"),
        P("080", "Long An", 1689, Region.South, "62", "tp Tân An; tx Kiến Tường; h Bến Lức; h Đức Hòa; h Cần Giuộc"),
        P("082", "Tiền Giang", 1765, Region.South, "63", "tp Mỹ Tho; tx Gò Công; tx Cai Lậy; h Châu Thành"),
        P("083", "Bến Tre", 1289, Region.South, "71", "tp Bến Tre; h Châu Thành; h Mỏ Cày Nam; h Ba Tri"),
        P("084", "Trà Vinh", 1010, Region.South, "84", "tp Trà Vinh; tx Duyên Hải; h Càng Long; h Tiểu Cần"),
        P("086", "Vĩnh Long", 1023, Region.South, "64", "tp Vĩnh Long; tx Bình Minh; h Long Hồ; h Tam Bình"),
        P("087", "Đồng Tháp", 1600, Region.South, "66", "tp Cao Lãnh; tp Sa Đéc; tp Hồng Ngự; h Lấp Vò"),
        P("089", "An Giang", 1908, Region.South, "67", "tp Long Xuyên; tp Châu Đốc; tx Tân Châu; h Chợ Mới"),
        P("091", "Kiên Giang", 1724, Region.South, "68", "tp Rạch Giá; tp Phú Quốc; tp Hà Tiên; h Châu Thành"),
        P("092", "Cần Thơ", 1236, Region.South, "65", "q Ninh Kiều; q Bình Thủy; q Cái Răng; q Ô Môn; h Phong Điền"),
        P("093", "Hậu Giang", 734, Region.South, "95", "tp Vị Thanh; tp Ngã Bảy; tx Long Mỹ; h Châu Thành A"),
        P("094", "Sóc Trăng", 1200, Region.South, "83", "tp Sóc Trăng; tx Vĩnh Châu; tx Ngã Năm; h Mỹ Xuyên"),
        P("095", "Bạc Liêu", 907, Region.South, "94", "tp Bạc Liêu; tx Giá Rai; h Hòa Bình; h Phước Long"),
        P("096", "Cà Mau", 1194, Region.South, "69", "tp Cà Mau; h Năm Căn; h Cái Nước; h Trần Văn Thời"),
    ];

    private static readonly Dictionary<string, Province> _byCode = All.ToDictionary(p => p.Code, StringComparer.Ordinal);

    public static Province ByCode(string code) => _byCode[code];

    private static Province P(string code, string name, int population, Region region, string plates, string districts) =>
        new(code, Nfc(name), population, region, plates.Split(' '), [.. districts.Split("; ").Select(ParseDistrict)]);

    private static District ParseDistrict(string entry)
    {
        var space = entry.IndexOf(' ', StringComparison.Ordinal);
        var kind = entry[..space] switch
        {
            "q" => "quận",
            "h" => "huyện",
            "tx" => "thị xã",
            "tp" => "thành phố",
            var other => throw new FormatException($"Unknown district kind '{other}'."),
        };
        return new District(Nfc(kind), Nfc(entry[(space + 1)..]));
    }

    internal static string Nfc(string text) => text.Normalize(NormalizationForm.FormC);
}
