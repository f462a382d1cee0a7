using OrleansHub.Abstractions.Citizens;

namespace OrleansHub.Host.Demo;

/// <summary>
/// A handful of synthetic citizens loaded in embedded mode so a newcomer can call the hub at once.
/// The IDs are fixed and consistent with each record (province, century/sex digit, birth year) so the README can show them.
/// </summary>
public static class DemoCitizens
{
    public static readonly IReadOnlyList<(string Id, CitizenIdentity Identity)> All =
    [
        ("001090001234", new("Nguyễn Văn An", new DateOnly(1990, 3, 15), Sex.Male)),
        ("079195004321", new("Trần Thị Bích", new DateOnly(1995, 11, 2), Sex.Female)),
        ("048205000777", new("Lê Minh Châu", new DateOnly(2005, 7, 21), Sex.Male)),
        ("096303001122", new("Phạm Thu Hà", new DateOnly(2003, 1, 9), Sex.Female)),
        ("031088009999", new("Hoàng Văn Dũng", new DateOnly(1988, 9, 30), Sex.Male)),
    ];
}
