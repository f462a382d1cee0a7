using System.Globalization;
using OrleansHub.Synthetic.Randomness;

namespace OrleansHub.Synthetic.Numbering;

/// <summary>
/// Hands out personal ID numbers and document numbers that are unique within one generated population. Each number is a
/// counter passed through a keyed permutation, so the memory used is bounded (one counter per ID prefix) whatever the count.
/// </summary>
internal sealed class DocumentNumbers(ulong seed)
{
    private const long Six = 1_000_000;

    private readonly Dictionary<int, long> _idCounters = [];
    private readonly long[] _socialInsuranceCounters = new long[100];
    private readonly FeistelPermutation _cards = new(SeededRandom.Mix(seed, 1), 100_000);
    private readonly FeistelPermutation _taxCodes = new(SeededRandom.Mix(seed, 2), 100_000);
    private readonly FeistelPermutation _licences = new(SeededRandom.Mix(seed, 3), 100_000);
    private readonly FeistelPermutation _socialInsurance = new(SeededRandom.Mix(seed, 4), 10_000);
    private long _cardCount;
    private long _taxCodeCount;
    private long _licenceCount;

    /// <summary>
    /// The 12-digit personal ID <c>PPP C YY RRRRRR</c>: province of birth registration, century/sex digit, year digits and six
    /// digits drawn without repetition per (province, century/sex, year).
    /// </summary>
    public string PersonalId(string provinceCode, DateOnly dateOfBirth, Sex sex)
    {
        var century = ((dateOfBirth.Year / 100) - 19) * 2 + (sex == Sex.Female ? 1 : 0);
        var year = dateOfBirth.Year % 100;
        var prefix = (int.Parse(provinceCode, CultureInfo.InvariantCulture) * 1000) + (century * 100) + year;
        var used = _idCounters.GetValueOrDefault(prefix);
        if (used >= Six)
        {
            throw new InvalidOperationException($"All {Six:N0} personal ID numbers with prefix {provinceCode}{century}{year:D2} are used.");
        }

        _idCounters[prefix] = used + 1;
        var random = new FeistelPermutation(SeededRandom.Mix(seed, (ulong)prefix), 1000).Apply(used);
        return string.Create(12, (provinceCode, century, year, random), static (span, s) =>
        {
            s.provinceCode.AsSpan().CopyTo(span);
            span[3] = (char)('0' + s.century);
            s.year.TryFormat(span[4..6], out _, "D2", CultureInfo.InvariantCulture);
            s.random.TryFormat(span[6..], out _, "D6", CultureInfo.InvariantCulture);
        });
    }

    /// <summary>A chip card number: <c>CC</c> and ten digits.</summary>
    public string CardNumber() => "CC" + Format(_cards.Apply(Take(ref _cardCount, _cards.Size)), "D10");

    /// <summary>A personal tax code: ten digits starting with 8, as individuals' codes do.</summary>
    public string TaxCode() => "8" + Format(_taxCodes.Apply(Take(ref _taxCodeCount, 1_000_000_000), 1_000_000_000), "D9");

    /// <summary>A driving licence number: the two-digit province and ten digits.</summary>
    public string DrivingLicence(string provinceCode) =>
        provinceCode[1..] + Format(_licences.Apply(Take(ref _licenceCount, _licences.Size)), "D10");

    /// <summary>A social insurance number: the two-digit province and eight digits, unique per province.</summary>
    public string SocialInsurance(string provinceCode)
    {
        var province = int.Parse(provinceCode, CultureInfo.InvariantCulture);
        return provinceCode[1..] + Format(_socialInsurance.Apply(Take(ref _socialInsuranceCounters[province], _socialInsurance.Size)), "D8");
    }

    private static long Take(ref long counter, long capacity) =>
        counter < capacity ? counter++ : throw new InvalidOperationException($"All {capacity:N0} numbers of a document kind are used.");

    private static string Format(long value, string format) => value.ToString(format, CultureInfo.InvariantCulture);
}
