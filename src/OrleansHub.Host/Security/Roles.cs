namespace OrleansHub.Host.Security;

/// <summary>Roles a caller can hold, and the authorization policies that require them.</summary>
public static class Roles
{
    public const string Operator = "operator";

    /// <summary>Policy for the registry operator's admin API.</summary>
    public const string OperatorPolicy = "operator";
}
