namespace OrleansHub.Host.Security;

/// <summary>
/// Whether a configured secret (operator, provider or audit key) is fit for a real deployment: at least
/// <see cref="MinimumLength"/> characters, not a value published anywhere (development keys, the README's and the
/// deployment files' examples), no placeholder words, and high entropy (at least 10 distinct characters, no run of 5
/// repeated or consecutive characters, and at least 96 bits by the Shannon estimate of its own characters: e.g. <c>openssl rand -base64 32</c> or
/// <c>openssl rand -hex 32</c>). Only the reason is ever reported, never the key.
/// </summary>
public static class KeyStrength
{
    public const int MinimumLength = 32;

    /// <summary>Keys and examples published in this repository: never accepted outside Development and embedded mode.</summary>
    private static readonly string[] PublicValues =
    [
        OperatorOptions.DevelopmentKey,
        "compose-operator-key-change-me",
        "a-long-random-operator-key",
        "local-operator-key",
        "test-operator-key-0123456789",
        "change-me",
    ];

    private static readonly string[] PlaceholderWords = ["change-me", "changeme", "example", "password", "operator-key", "provider-key", "dev-", "local-", "replace"];

    /// <summary>Why <paramref name="key"/> is not acceptable; null when it is.</summary>
    public static string? Problem(string? key)
    {
        if (string.IsNullOrWhiteSpace(key))
        {
            return "is not set";
        }

        if (PublicValues.Any(v => string.Equals(v, key.Trim(), StringComparison.OrdinalIgnoreCase)) || IsDevelopmentProviderKey(key))
        {
            return "is a published example or development key";
        }

        if (key.Length < MinimumLength)
        {
            return $"is shorter than {MinimumLength} characters";
        }

        if (PlaceholderWords.Any(w => key.Contains(w, StringComparison.OrdinalIgnoreCase)))
        {
            return "looks like a placeholder";
        }

        if (key.Distinct().Count() < 10 || HasRun(key) || EstimatedBits(key) < 96)
        {
            return "has too little entropy (use e.g. `openssl rand -base64 32`)";
        }

        return null;
    }

    private static bool IsDevelopmentProviderKey(string key) =>
        key.StartsWith("dev-", StringComparison.OrdinalIgnoreCase) && key.EndsWith("-key", StringComparison.OrdinalIgnoreCase);

    /// <summary>Five characters in a row that repeat (aaaaa) or count up or down (12345, edcba).</summary>
    private static bool HasRun(string key)
    {
        int same = 1, up = 1, down = 1;
        for (var i = 1; i < key.Length; i++)
        {
            var step = key[i] - key[i - 1];
            same = step == 0 ? same + 1 : 1;
            up = step == 1 ? up + 1 : 1;
            down = step == -1 ? down + 1 : 1;
            if (same >= 5 || up >= 5 || down >= 5)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Shannon entropy of the key's own character frequencies times its length: a rough upper estimate.</summary>
    private static double EstimatedBits(string key)
    {
        var bitsPerCharacter = key.GroupBy(c => c)
            .Select(g => (double)g.Count() / key.Length)
            .Sum(p => -p * Math.Log2(p));
        return bitsPerCharacter * key.Length;
    }
}
