namespace OrleansHub.Synthetic;

/// <summary>Relationship to the head of household; written as <c>head</c>, <c>spouse</c>, <c>child</c>, <c>parent</c>, <c>sibling</c>, <c>other</c>.</summary>
public enum HouseholdRelationship
{
    Head = 0,
    Spouse,
    Child,
    Parent,
    Sibling,
    Other,
}
