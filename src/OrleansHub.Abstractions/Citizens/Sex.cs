namespace OrleansHub.Abstractions.Citizens;

/// <summary>Sex as recorded in the population database; it is also encoded in the ID number's century digit.</summary>
public enum Sex
{
    Male = 0,
    Female = 1,
}
