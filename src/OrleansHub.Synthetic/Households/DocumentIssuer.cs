using OrleansHub.Synthetic.Numbering;
using OrleansHub.Synthetic.Randomness;
using OrleansHub.Synthetic.Tables;

namespace OrleansHub.Synthetic.Households;

/// <summary>Issues the documents a citizen holds: chip card, health insurance, driving licences, vehicle registrations.</summary>
internal sealed class DocumentIssuer(DocumentNumbers numbers)
{
    /// <summary>The 12-digit citizen ID card replaced the 9-digit ID card from this day.</summary>
    private static readonly DateOnly _cardEra = new(2016, 1, 1);

    /// <summary>The mass issue of chip cards.</summary>
    private static readonly DateOnly _chipRolloutStart = new(2021, 3, 1);
    private static readonly DateOnly _chipRolloutEnd = new(2022, 12, 31);

    private static readonly string[] _carSeries = ["A", "C", "D", "E", "F", "G", "H", "K", "LD"];
    private static readonly string[] _motorbikeSeries = ["B", "C", "D", "E", "F", "G", "H", "K", "L", "M", "N", "P", "S", "T", "U", "V", "X", "Y", "Z"];

    /// <summary>Object code, benefit level, two-digit province, then the ten-digit social insurance number (as on cards since 2018).</summary>
    public static string HealthInsurance(SeededRandom random, int age, Province residence, string socialInsurance)
    {
        var (code, benefit) = age switch
        {
            < 6 => ("TE", 1),
            < 18 => ("HS", 4),
            < 23 when random.Chance(0.5) => ("SV", 4),
            >= 60 when random.Chance(0.5) => ("HT", 2),
            _ => random.Next(100) switch
            {
                < 45 => ("DN", 4),
                < 75 => ("GD", 4),
                < 90 => ("HC", 4),
                _ => ("HN", 2),
            },
        };
        return $"{code}{benefit}{residence.ShortCode}{socialInsurance}";
    }

    public string[] DrivingLicences(SeededRandom random, Province residence)
    {
        var count = random.Next(100) switch { < 50 => 0, < 90 => 1, _ => 2 };
        var licences = new string[count];
        for (var i = 0; i < count; i++)
        {
            licences[i] = numbers.DrivingLicence(residence.Code);
        }

        return licences;
    }

    public static string[] VehicleRegistrations(SeededRandom random, Province residence)
    {
        var count = random.Next(100) switch { < 55 => 0, < 90 => 1, _ => 2 };
        var plates = new List<string>(count);
        while (plates.Count < count)
        {
            var prefix = random.Pick(residence.PlateCodes);
            var series = random.Chance(0.7) ? random.Pick(_motorbikeSeries) + random.Between(1, 9) : random.Pick(_carSeries);
            var plate = $"{prefix}{series}-{random.Between(100, 999)}.{random.Between(0, 99):D2}";
            if (!plates.Contains(plate))
            {
                plates.Add(plate);
            }
        }

        return [.. plates];
    }

    /// <summary>
    /// The card held now (or at death): from the age of 14, mostly from the 2021-2022 chip rollout, renewed by most people when
    /// it expires at a renewal age.
    /// </summary>
    public SyntheticCard? Card(SeededRandom random, DateOnly dateOfBirth, DateOnly reference)
    {
        var fourteen = dateOfBirth.AddYears(14);
        if (fourteen > reference)
        {
            return null;
        }

        var earliest = _cardEra <= reference ? Dates.Max(fourteen, _cardEra) : fourteen;
        var rolloutFrom = Dates.Max(earliest, _chipRolloutStart);
        var rolloutTo = Dates.Min(reference, _chipRolloutEnd);
        var issued = rolloutFrom <= rolloutTo && random.Chance(0.55)
            ? random.DateBetween(rolloutFrom, rolloutTo)
            : random.DateBetween(earliest, reference);
        for (var renewal = 0; renewal < 3 && CardExpiry.For(dateOfBirth, issued) is { } expires && expires <= reference && random.Chance(0.85); renewal++)
        {
            issued = random.DateBetween(Dates.Max(issued.AddDays(1), expires.AddMonths(-18)), Dates.Min(reference, expires.AddMonths(12)));
        }

        return new SyntheticCard(numbers.CardNumber(), issued, CardExpiry.For(dateOfBirth, issued), SyntheticCard.Issuer);
    }
}
