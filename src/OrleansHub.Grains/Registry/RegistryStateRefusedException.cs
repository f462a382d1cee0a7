namespace OrleansHub.Grains.Registry;

/// <summary>
/// The registry storage refused one grain's state (too large, a key or value the database cannot hold). Only that grain's
/// write fails; the others written with it are not affected. Not transient: retrying the same write fails the same way.
/// The message names the rule, never a value of the record.
/// </summary>
[GenerateSerializer, Alias("hub.RegistryStateRefusedException")]
public sealed class RegistryStateRefusedException : OrleansException
{
    public RegistryStateRefusedException()
    {
    }

    public RegistryStateRefusedException(string message)
        : base(message)
    {
    }

    public RegistryStateRefusedException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}

/// <summary>Bounds the registry storage enforces on every state it writes, in every storage mode.</summary>
public static class RegistryLimits
{
    /// <summary>
    /// The largest serialized state: several times the largest record validation admits (about 25 KB with every field at
    /// its maximum), so only a bug can reach it.
    /// </summary>
    public const int MaxStateBytes = 64 * 1024;

    /// <summary>The error for a state over <see cref="MaxStateBytes"/>.</summary>
    public static RegistryStateRefusedException TooLarge(string stateName, int bytes) =>
        new($"The {stateName} state is {bytes} bytes, over the registry's limit of {MaxStateBytes}; it was not written.");
}
