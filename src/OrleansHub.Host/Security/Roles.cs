namespace OrleansHub.Host.Security;

/// <summary>Roles a caller can hold, and the authorization policies that require them.</summary>
public static class Roles
{
    public const string Operator = "operator";

    /// <summary>A data-provider agency writing the fields it owns (social security, transport, tax, ...).</summary>
    public const string Provider = "provider";

    /// <summary>Policy for the registry operator's admin API.</summary>
    public const string OperatorPolicy = "operator";

    /// <summary>Policy for writes to citizen fields: the operator, or a data provider for the fields it owns.</summary>
    public const string RegistryWriterPolicy = "registry-writer";
}
