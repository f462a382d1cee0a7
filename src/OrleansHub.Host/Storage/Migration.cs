using System.Reflection;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;

namespace OrleansHub.Host.Storage;

/// <summary>One versioned schema file, <c>NNNN_description.sql</c>, shipped inside the host assembly.</summary>
public sealed partial record Migration(int Version, string Name, string Sql)
{
    /// <summary>SHA-256 of the file, recorded when applied so an edited migration is caught instead of silently skipped.</summary>
    public string Checksum => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(Sql)));

    /// <summary>Every migration embedded in this assembly, in version order.</summary>
    public static IReadOnlyList<Migration> LoadEmbedded()
    {
        var assembly = typeof(Migration).Assembly;
        var migrations = new List<Migration>();
        foreach (var resource in assembly.GetManifestResourceNames())
        {
            var match = ResourceName().Match(resource);
            if (!match.Success)
            {
                continue;
            }

            migrations.Add(new Migration(int.Parse(match.Groups["version"].Value, provider: null), match.Groups["name"].Value, Read(assembly, resource)));
        }

        migrations.Sort((a, b) => a.Version.CompareTo(b.Version));
        var duplicate = migrations.GroupBy(m => m.Version).FirstOrDefault(g => g.Count() > 1);
        return duplicate is null
            ? migrations
            : throw new InvalidOperationException($"Two migrations share version {duplicate.Key}.");
    }

    private static string Read(Assembly assembly, string resource)
    {
        using var stream = assembly.GetManifestResourceStream(resource)!;
        using var reader = new StreamReader(stream, Encoding.UTF8);
        return reader.ReadToEnd();
    }

    [GeneratedRegex(@"^Migrations/(?<version>\d{4})_(?<name>[a-z0-9_]+)\.sql$")]
    private static partial Regex ResourceName();
}
