namespace OrleansHub.Grains;

/// <summary>
/// The clock domain decisions use (record timestamps, card expiry, consent windows), registered as a keyed
/// <see cref="TimeProvider"/>. Keyed because Orleans' runtime also resolves <see cref="TimeProvider"/>: tests can
/// move the hub's clock without freezing the silo's own timers.
/// </summary>
public static class HubClock
{
    public const string Key = "hub-clock";
}
