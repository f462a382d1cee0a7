namespace OrleansHub.Synthetic;

/// <summary>Civil status; written as <c>single</c>, <c>married</c>, <c>divorced</c>, <c>widowed</c>.</summary>
public enum MaritalStatus
{
    Single = 0,
    Married,
    Divorced,
    Widowed,
}
