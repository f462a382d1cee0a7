namespace OrleansHub.Synthetic;

/// <summary>The text each enumerated value takes in the hub's import contract.</summary>
public static class WireValues
{
    public static string ToWire(this Sex sex) => sex == Sex.Female ? "female" : "male";

    public static string ToWire(this MaritalStatus status) => status switch
    {
        MaritalStatus.Married => "married",
        MaritalStatus.Divorced => "divorced",
        MaritalStatus.Widowed => "widowed",
        _ => "single",
    };

    public static string ToWire(this EIdLevel level) => level switch
    {
        EIdLevel.Level1 => "level1",
        EIdLevel.Level2 => "level2",
        _ => "none",
    };

    public static string ToWire(this HouseholdRelationship relationship) => relationship switch
    {
        HouseholdRelationship.Spouse => "spouse",
        HouseholdRelationship.Child => "child",
        HouseholdRelationship.Parent => "parent",
        HouseholdRelationship.Sibling => "sibling",
        HouseholdRelationship.Other => "other",
        _ => "head",
    };
}
