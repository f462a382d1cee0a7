namespace OrleansHub.Host.Hosting;

/// <summary><c>OrleansHub.Host cluster dev-certificates --out DIR [--dns NAME]... [--force]</c>: writes development cluster certificates.</summary>
public static class ClusterCommand
{
    public static async Task<int> RunAsync(string[] args)
    {
        if (args is not ["dev-certificates", .. var options])
        {
            await Console.Error.WriteLineAsync("usage: cluster dev-certificates --out DIR [--dns NAME]... [--force]");
            return 2;
        }

        string? directory = null;
        var dnsNames = new List<string>();
        var force = false;
        for (var i = 0; i < options.Length; i++)
        {
            switch (options[i])
            {
                case "--out" when i + 1 < options.Length:
                    directory = options[++i];
                    break;
                case "--dns" when i + 1 < options.Length:
                    dnsNames.Add(options[++i]);
                    break;
                case "--force":
                    force = true;
                    break;
                default:
                    await Console.Error.WriteLineAsync($"cluster dev-certificates: unknown or incomplete option '{options[i]}'");
                    return 2;
            }
        }

        if (string.IsNullOrWhiteSpace(directory))
        {
            await Console.Error.WriteLineAsync("cluster dev-certificates: --out DIR is required");
            return 2;
        }

        var existing = Path.Combine(directory, DevelopmentClusterCertificates.CaCertificateFile);
        if (File.Exists(existing) && !force)
        {
            await Console.Error.WriteLineAsync($"cluster dev-certificates: {existing} exists; keeping the set (--force replaces it, and every silo must then get the new one).");
            return 0;
        }

        var files = DevelopmentClusterCertificates.Create(directory, dnsNames: dnsNames);
        await Console.Out.WriteLineAsync($"cluster dev-certificates: wrote a development CA and silo certificate to {Path.GetFullPath(directory)}");
        foreach (var (key, value) in files.Environment)
        {
            await Console.Out.WriteLineAsync($"  {key}={Path.GetFullPath(value)}");
        }

        await Console.Out.WriteLineAsync("For development and tests only: production silos use certificates from the cluster's own CA.");
        return 0;
    }
}
