using System.ComponentModel.DataAnnotations;

namespace OrleansHub.Host.Fees;

/// <summary>Fee accounting settings, bound from <c>Hub:Fees</c>.</summary>
public sealed class FeeOptions
{
    public const string Section = "Hub:Fees";

    /// <summary>
    /// The collector's share of every đồng charged, in percent (the draft split: 30 to the collecting police department,
    /// 70 remitted to the state budget). The collector's part of an amount is rounded down; the state budget gets the rest.
    /// </summary>
    [Range(0, 100)]
    public int CollectorSharePercent { get; set; } = 30;
}
