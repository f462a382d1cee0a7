using OrleansHub.Synthetic.Randomness;

namespace OrleansHub.Synthetic.Tables;

/// <summary>Vietnamese personal names (all in NFC): family names by frequency, middle and given names by sex and generation.</summary>
internal static class Names
{
    // Hoàng/Huỳnh and Vũ/Võ are one name spelled by region; the pair shares the published share.
    private const string HoangHuynh = "Hoàng|Huỳnh";
    private const string VuVo = "Vũ|Võ";

    /// <summary>Kinh family names with approximate shares (percent); the long tail shares the rest.</summary>
    private static readonly WeightedTable<string> _familyNames = Nfc(
        ("Nguyễn", 40), ("Trần", 11), ("Lê", 9.5), ("Phạm", 7), (HoangHuynh, 5), ("Phan", 4.5), (VuVo, 3.9), ("Đặng", 2.1),
        ("Bùi", 2), ("Đỗ", 1.4), ("Hồ", 1.3), ("Ngô", 1.3), ("Dương", 1), ("Lý", 0.5),
        ("Đinh", 0.45), ("Trịnh", 0.35), ("Đào", 0.35), ("Mai", 0.3), ("Lương", 0.3), ("Trương", 0.3), ("Lâm", 0.25), ("Cao", 0.25),
        ("Đoàn", 0.25), ("Hà", 0.25), ("Tạ", 0.2), ("Tô", 0.15), ("Lưu", 0.15), ("Vương", 0.15), ("Chu", 0.15), ("Thái", 0.15),
        ("Châu", 0.15), ("Kiều", 0.1), ("Quách", 0.1), ("Phùng", 0.1), ("Triệu", 0.1), ("Lại", 0.1), ("Văn", 0.1), ("Tăng", 0.05),
        ("Khúc", 0.05), ("Thân", 0.05), ("Lò", 0.05), ("Nông", 0.05), ("Diệp", 0.05), ("Từ", 0.05), ("Huỳnh Lê", 0.025), ("Tôn Nữ", 0.025));

    private static readonly IReadOnlyList<string> _oldMaleMiddle = Nfc(["Văn", "Văn", "Văn", "Hữu", "Đức", "Đình", "Công", "Quang", "Xuân", "Minh", "Thanh", "Ngọc"]);
    private static readonly IReadOnlyList<string> _newMaleMiddle = Nfc(["Minh", "Đức", "Quốc", "Hoàng", "Gia", "Bảo", "Thanh", "Anh", "Tuấn", "Hữu", "Trung", "Quang", "Đăng", "Thành", "Nhật", "Hải"]);
    private static readonly IReadOnlyList<string> _oldFemaleMiddle = Nfc(["Thị", "Thị", "Thị", "Ngọc", "Thu", "Thanh", "Kim", "Hồng", "Bích", "Minh", "Xuân", "Thúy"]);
    private static readonly IReadOnlyList<string> _newFemaleMiddle = Nfc(["Ngọc", "Thu", "Thanh", "Minh", "Bảo", "Phương", "Khánh", "Hải", "Quỳnh", "Mai", "Thảo", "Gia", "Hoài", "Diệu", "Tường", "Kim"]);

    private static readonly IReadOnlyList<string> _maleGiven = Nfc([
        "An", "Anh", "Bảo", "Bình", "Cường", "Dũng", "Duy", "Đạt", "Đức", "Giang", "Hải", "Hiếu", "Hòa", "Hoàng", "Hùng", "Huy",
        "Hưng", "Khang", "Khánh", "Khoa", "Kiên", "Long", "Lâm", "Lộc", "Mạnh", "Minh", "Nam", "Nghĩa", "Nhân", "Phong", "Phúc",
        "Quân", "Quang", "Sơn", "Tài", "Thắng", "Thành", "Thịnh", "Tiến", "Toàn", "Trí", "Trung", "Tuấn", "Tùng", "Việt", "Vinh",
        "Vũ", "Hậu", "Thái", "Công", "Tâm", "Thiện", "Phát", "Nguyên", "Lực", "Chiến", "Quý", "Tú", "Vĩnh", "Đông",
    ]);

    private static readonly IReadOnlyList<string> _femaleGiven = Nfc([
        "An", "Anh", "Bích", "Châu", "Chi", "Diệp", "Dung", "Duyên", "Giang", "Hà", "Hằng", "Hạnh", "Hiền", "Hoa", "Hồng", "Huệ",
        "Hương", "Huyền", "Lan", "Liên", "Linh", "Loan", "Ly", "Mai", "My", "Ngân", "Ngọc", "Nga", "Nhung", "Oanh", "Phương",
        "Quyên", "Tâm", "Thảo", "Thanh", "Thu", "Thủy", "Trang", "Trâm", "Uyên", "Vân", "Vy", "Xuân", "Yến", "Nhi", "Hân",
        "Trinh", "Thư", "Lụa", "Đào", "Cúc", "Hòa", "Tuyết", "Nhàn", "Quỳnh", "Khuê", "Hậu", "Sương", "Thắm", "Lệ",
    ]);

    /// <summary>A Kinh family name, with Hoàng/Huỳnh and Vũ/Võ spelled as the region of <paramref name="region"/> mostly does.</summary>
    public static string FamilyName(SeededRandom random, Region region)
    {
        var name = _familyNames.Pick(random);
        if (name is not (HoangHuynh or VuVo))
        {
            return name;
        }

        var southernShare = region switch { Region.South => 0.85, Region.North => 0.1, _ => 0.5 };
        var pair = name.Split('|');
        return random.Chance(southernShare) ? pair[1] : pair[0];
    }

    /// <summary>One or two middle names: older generations mostly Văn / Thị, younger ones more varied.</summary>
    public static string MiddleName(SeededRandom random, Sex sex, int birthYear)
    {
        var traditional = birthYear switch { < 1970 => 0.85, < 1990 => 0.65, < 2005 => 0.4, _ => 0.2 };
        var (old, modern) = sex == Sex.Male ? (_oldMaleMiddle, _newMaleMiddle) : (_oldFemaleMiddle, _newFemaleMiddle);
        var first = random.Chance(traditional) ? random.Pick(old) : random.Pick(modern);
        if (random.Chance(0.12))
        {
            var second = random.Pick(modern);
            if (second != first)
            {
                return first + " " + second;
            }
        }

        return first;
    }

    public static string GivenName(SeededRandom random, Sex sex, string middleName)
    {
        var names = sex == Sex.Male ? _maleGiven : _femaleGiven;
        var index = random.Next(names.Count);
        // "Minh Minh" is not a name anyone gives: take the next name instead.
        var lastMiddle = middleName[(middleName.LastIndexOf(' ') + 1)..];
        return names[index] == lastMiddle ? names[(index + 1) % names.Count] : names[index];
    }

    private static string[] Nfc(string[] names) => [.. names.Select(Provinces.Nfc)];

    private static WeightedTable<string> Nfc(params (string Name, double Share)[] names) =>
        new(names.Select(n => (Provinces.Nfc(n.Name), n.Share)));
}
