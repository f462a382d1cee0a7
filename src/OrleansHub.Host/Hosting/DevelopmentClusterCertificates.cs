using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace OrleansHub.Host.Hosting;

/// <summary>
/// Writes a development set of cluster certificates: a CA of its own and one silo certificate it signed, usable by every
/// silo of a local cluster (deploy/cluster.sh) and by the tests. Production clusters use certificates from their own CA.
/// </summary>
public static class DevelopmentClusterCertificates
{
    public const string CaCertificateFile = "ca.crt";
    public const string CaKeyFile = "ca.key";
    public const string SiloCertificateFile = "silo.crt";
    public const string SiloKeyFile = "silo.key";
    public const string SiloPkcs12File = "silo.pfx";

    private static readonly Oid ServerAuthentication = new("1.3.6.1.5.5.7.3.1");
    private static readonly Oid ClientAuthentication = new("1.3.6.1.5.5.7.3.2");

    /// <summary>The files of one set, and the settings that make a silo use them.</summary>
    public sealed record Files(string Directory)
    {
        public string CaCertificate => Path.Combine(Directory, CaCertificateFile);

        public string SiloCertificate => Path.Combine(Directory, SiloCertificateFile);

        public string SiloKey => Path.Combine(Directory, SiloKeyFile);

        public string SiloPkcs12 => Path.Combine(Directory, SiloPkcs12File);

        /// <summary>The host settings, as environment variables, for a silo presenting this set's certificate.</summary>
        public IReadOnlyDictionary<string, string> Environment => new Dictionary<string, string>
        {
            ["Hub__Cluster__Tls__CertificatePath"] = SiloCertificate,
            ["Hub__Cluster__Tls__KeyPath"] = SiloKey,
            ["Hub__Cluster__Tls__CaCertificatePath"] = CaCertificate,
        };
    }

    /// <summary>
    /// Creates a CA ("<paramref name="name"/> CA") and a silo certificate for <c>localhost</c>, <c>127.0.0.1</c> and
    /// <paramref name="dnsNames"/> in <paramref name="directory"/>; keys are written readable by the owner only.
    /// </summary>
    public static Files Create(string directory, string name = "OrleansHub development cluster", IEnumerable<string>? dnsNames = null, TimeProvider? time = null)
    {
        var now = (time ?? TimeProvider.System).GetUtcNow();
        System.IO.Directory.CreateDirectory(directory);

        using var caKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var caRequest = new CertificateRequest(new X500DistinguishedName($"CN={name} CA"), caKey, HashAlgorithmName.SHA256);
        caRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(certificateAuthority: true, hasPathLengthConstraint: true, pathLengthConstraint: 0, critical: true));
        caRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, critical: true));
        caRequest.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(caRequest.PublicKey, critical: false));
        using var ca = caRequest.CreateSelfSigned(now.AddMinutes(-5), now.AddYears(5));

        using var siloKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var siloRequest = new CertificateRequest(new X500DistinguishedName($"CN={name} silo"), siloKey, HashAlgorithmName.SHA256);
        siloRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(certificateAuthority: false, hasPathLengthConstraint: false, pathLengthConstraint: 0, critical: true));
        siloRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, critical: true));
        // Both: a silo is the TLS server on connections it accepts and the TLS client on those it opens.
        siloRequest.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([ServerAuthentication, ClientAuthentication], critical: false));
        siloRequest.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(ca, true, false));
        var names = new SubjectAlternativeNameBuilder();
        names.AddDnsName("localhost");
        names.AddIpAddress(IPAddress.Loopback);
        foreach (var dnsName in dnsNames ?? [])
        {
            names.AddDnsName(dnsName);
        }

        siloRequest.CertificateExtensions.Add(names.Build());
        var serial = RandomNumberGenerator.GetBytes(16);
        serial[0] &= 0x7F;
        using var signed = siloRequest.Create(ca, now.AddMinutes(-5), now.AddYears(1), serial);
        using var silo = signed.CopyWithPrivateKey(siloKey);

        var files = new Files(directory);
        File.WriteAllText(files.CaCertificate, ca.ExportCertificatePem() + "\n");
        WriteSecret(Path.Combine(directory, CaKeyFile), caKey.ExportPkcs8PrivateKeyPem() + "\n");
        File.WriteAllText(files.SiloCertificate, silo.ExportCertificatePem() + "\n");
        WriteSecret(files.SiloKey, siloKey.ExportPkcs8PrivateKeyPem() + "\n");
        WriteSecret(files.SiloPkcs12, silo.Export(X509ContentType.Pkcs12));
        return files;
    }

    private static void WriteSecret(string path, string text) => WriteSecret(path, System.Text.Encoding.ASCII.GetBytes(text));

    private static void WriteSecret(string path, byte[] content)
    {
        File.Delete(path);
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        using var stream = new FileStream(path, options);
        stream.Write(content);
    }
}
