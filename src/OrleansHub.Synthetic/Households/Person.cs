using OrleansHub.Synthetic.Tables;

namespace OrleansHub.Synthetic.Households;

/// <summary>A household member while the household is being put together; becomes a <see cref="SyntheticCitizen"/> at the end.</summary>
internal sealed class Person(HouseholdRelationship relationship, Sex sex, DateOnly dateOfBirth, Province birthProvince, Ethnicity ethnicity)
{
    public HouseholdRelationship Relationship { get; } = relationship;
    public Sex Sex { get; } = sex;
    public DateOnly DateOfBirth { get; } = dateOfBirth;
    public MaritalStatus MaritalStatus { get; set; }
    public Person? Father { get; set; }
    public Person? Mother { get; set; }
    public Person? Spouse { get; set; }
    public DateOnly? DateOfDeath { get; set; }
    public Province BirthProvince { get; } = birthProvince;
    public Ethnicity Ethnicity { get; } = ethnicity;
    public string FamilyName { get; set; } = "";
    public string Hometown { get; set; } = "";
    public string FullName { get; set; } = "";
    public string Id { get; set; } = "";

    /// <summary>The day the record's age-dependent facts refer to: the date of death, or today.</summary>
    public DateOnly ReferenceDate(DateOnly today) => DateOfDeath ?? today;

    public int AgeOn(DateOnly date) => Dates.AgeOn(DateOfBirth, date);

    public bool IsAlive => DateOfDeath is null;
}
