using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Orleans.Connections.Security;

namespace OrleansHub.Host.Hosting;

/// <summary>
/// Mutual TLS on the silo-to-silo connections: each silo presents its own certificate and accepts only a peer whose
/// certificate chains to the cluster's CA. Host names are not checked (silos are reached by IP, often a pod IP no
/// certificate names): membership of the cluster is proven by the CA's signature, so the CA must serve this cluster only.
/// </summary>
public static class ClusterTls
{
    /// <summary>Adds TLS to the silo's connections when configured; fails the start when it is required and missing.</summary>
    public static ISiloBuilder UseHubClusterTls(this ISiloBuilder silo, ClusterTlsOptions options, bool required)
    {
        if (!options.IsConfigured)
        {
            if (required)
            {
                throw new ClusterTlsConfigurationException(
                    "Hub:Cluster:Tls is not configured. In PostgreSQL mode outside Development, silos talk to each other only over " +
                    "mutual TLS: set Hub__Cluster__Tls__CertificatePath (PFX or PEM; Hub__Cluster__Tls__KeyPath for a separate PEM key, " +
                    "Hub__Cluster__Tls__CertificatePassword if protected) and Hub__Cluster__Tls__CaCertificatePath (the cluster CA, PEM). " +
                    "For a trial, 'OrleansHub.Host cluster dev-certificates --out DIR' writes a set (see README, Cluster certificates).");
            }

            return silo;
        }

        var certificate = LoadCertificate(options);
        var authorities = LoadAuthorities(options);
        if (!ChainsTo(certificate, authorities, out var status))
        {
            throw new ClusterTlsConfigurationException(
                $"The silo certificate '{certificate.Subject}' ({options.CertificatePath}) does not chain to the cluster CA in " +
                $"{options.CaCertificatePath}: {status}. Peers would refuse this silo.");
        }

        return silo.UseTls(certificate, tls =>
        {
            // Required both ways: the listening silo demands the connecting silo's certificate too.
            tls.RemoteCertificateMode = RemoteCertificateMode.RequireCertificate;
            tls.ClientCertificateMode = RemoteCertificateMode.RequireCertificate;
            tls.RemoteCertificateValidation = (peer, _, errors) =>
                !errors.HasFlag(SslPolicyErrors.RemoteCertificateNotAvailable) && ChainsTo(peer, authorities, out var _);
        });
    }

    /// <summary>Whether <paramref name="certificate"/> chains to one of <paramref name="authorities"/> and to nothing else.</summary>
    public static bool ChainsTo(X509Certificate2 certificate, X509Certificate2Collection authorities, out string status)
    {
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.AddRange(authorities);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        chain.ChainPolicy.VerificationFlags = X509VerificationFlags.NoFlag;
        var valid = chain.Build(certificate);
        status = valid
            ? "valid"
            : string.Join("; ", chain.ChainStatus.Select(s => s.StatusInformation.Trim()).Where(s => s.Length > 0).DefaultIfEmpty("untrusted"));
        return valid;
    }

    /// <summary>Loads the silo's certificate with its private key from a PKCS#12 or PEM file.</summary>
    public static X509Certificate2 LoadCertificate(ClusterTlsOptions options)
    {
        var path = Require(options.CertificatePath, "Hub:Cluster:Tls:CertificatePath");
        Require(options.CaCertificatePath, "Hub:Cluster:Tls:CaCertificatePath");
        var password = string.IsNullOrEmpty(options.CertificatePassword) ? null : options.CertificatePassword;
        try
        {
            X509Certificate2 certificate;
            if (Path.GetExtension(path).ToUpperInvariant() is ".PFX" or ".P12")
            {
                certificate = X509CertificateLoader.LoadPkcs12FromFile(path, password);
            }
            else
            {
                var keyPath = string.IsNullOrWhiteSpace(options.KeyPath) ? null : options.KeyPath;
                using var pem = password is null
                    ? X509Certificate2.CreateFromPemFile(path, keyPath)
                    : X509Certificate2.CreateFromEncryptedPemFile(path, password, keyPath);
                // A PEM key is ephemeral; a PKCS#12 round trip gives SslStream a key it can use on every platform.
                certificate = X509CertificateLoader.LoadPkcs12(pem.Export(X509ContentType.Pkcs12), null);
            }

            if (!certificate.HasPrivateKey)
            {
                throw new ClusterTlsConfigurationException($"The silo certificate in {path} has no private key.");
            }

            return certificate;
        }
        catch (Exception exception) when (exception is CryptographicException or IOException or UnauthorizedAccessException)
        {
            throw new ClusterTlsConfigurationException($"Cannot load the silo certificate from {path}: {exception.Message}", exception);
        }
    }

    /// <summary>Loads the CA certificate(s) of the cluster from a PEM file.</summary>
    public static X509Certificate2Collection LoadAuthorities(ClusterTlsOptions options)
    {
        var path = Require(options.CaCertificatePath, "Hub:Cluster:Tls:CaCertificatePath");
        var authorities = new X509Certificate2Collection();
        try
        {
            authorities.ImportFromPemFile(path);
        }
        catch (Exception exception) when (exception is CryptographicException or IOException or UnauthorizedAccessException)
        {
            throw new ClusterTlsConfigurationException($"Cannot load the cluster CA from {path}: {exception.Message}", exception);
        }

        return authorities.Count > 0
            ? authorities
            : throw new ClusterTlsConfigurationException($"{path} holds no PEM certificate; Hub:Cluster:Tls:CaCertificatePath must name the cluster CA.");
    }

    private static string Require(string? value, string setting) =>
        string.IsNullOrWhiteSpace(value)
            ? throw new ClusterTlsConfigurationException($"{setting} is not configured; mutual TLS between silos needs both the silo certificate and the cluster CA.")
            : value;
}

/// <summary>The cluster's TLS settings are missing or unusable: the silo refuses to start rather than run unprotected.</summary>
public sealed class ClusterTlsConfigurationException : InvalidOperationException
{
    public ClusterTlsConfigurationException(string message)
        : base(message)
    {
    }

    public ClusterTlsConfigurationException(string message, Exception inner)
        : base(message, inner)
    {
    }
}
