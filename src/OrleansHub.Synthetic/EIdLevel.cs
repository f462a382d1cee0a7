namespace OrleansHub.Synthetic;

/// <summary>e-ID account level (Decree 69/2024); written as <c>none</c>, <c>level1</c>, <c>level2</c>.</summary>
public enum EIdLevel
{
    None = 0,
    /// <summary>Identity data and portrait.</summary>
    Level1,
    /// <summary>Adds fingerprints; equal in value to the physical card.</summary>
    Level2,
}
