namespace OrleansHub.Synthetic.Formats;

/// <summary>Writes citizens one at a time to an output format; disposing flushes what is buffered.</summary>
public interface ICitizenWriter : IDisposable
{
    /// <summary>Records written so far.</summary>
    long Count { get; }

    void Write(SyntheticCitizen citizen);

    /// <summary>Writes out everything buffered.</summary>
    void Flush();
}
