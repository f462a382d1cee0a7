namespace OrleansHub.Synthetic;

/// <summary>Sex as recorded; written as <c>male</c> / <c>female</c>.</summary>
public enum Sex
{
    Male = 0,
    Female = 1,
}
