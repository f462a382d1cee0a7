using OrleansHub.Grains.Agencies;
using OrleansHub.Host.AgencyApi;

namespace OrleansHub.Host.Events.Feeds;

/// <summary>
/// Watches the key that opened a stream or a long-poll: once the key is revoked (or a rotation's grace ends) its
/// <see cref="Token"/> is cancelled, within <see cref="Interval"/> of the directory learning of it, so nothing the key
/// opened keeps delivering. The directory is in memory, so a check costs no grain call; if the check itself fails the
/// watch keeps going (the next authentication still refuses the key).
/// </summary>
public sealed class KeyWatch : IDisposable
{
    /// <summary>How often the key is checked.</summary>
    public static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(200);

    private readonly CancellationTokenSource _cancel;

    private KeyWatch(CancellationToken requestAborted) => _cancel = CancellationTokenSource.CreateLinkedTokenSource(requestAborted);

    /// <summary>Cancelled when the request is aborted or the key stops being current.</summary>
    public CancellationToken Token => _cancel.Token;

    /// <summary>True once the watch ended because the key was revoked.</summary>
    public bool Revoked { get; private set; }

    public static KeyWatch Start(AgencyDirectory directory, CallingAgency caller, TimeProvider time, CancellationToken requestAborted)
    {
        var watch = new KeyWatch(requestAborted);
        _ = watch.RunAsync(directory, caller.Code, caller.KeyId, time);
        return watch;
    }

    private async Task RunAsync(AgencyDirectory directory, string code, string keyId, TimeProvider time)
    {
        var token = _cancel.Token;
        try
        {
            while (!token.IsCancellationRequested)
            {
                await Task.Delay(Interval, time, token);
                bool current;
                try
                {
                    current = await directory.IsKeyCurrentAsync(code, keyId, token);
                }
                catch (Exception) when (!token.IsCancellationRequested)
                {
                    continue;
                }

                if (!current)
                {
                    Revoked = true;
                    await _cancel.CancelAsync();
                    return;
                }
            }
        }
        catch (OperationCanceledException)
        {
            // The request ended (or the watch was disposed).
        }
        catch (ObjectDisposedException)
        {
            // Disposed while checking.
        }
    }

    public void Dispose()
    {
        try
        {
            _cancel.Cancel();
        }
        catch (ObjectDisposedException)
        {
            // Already disposed.
        }

        _cancel.Dispose();
    }
}
