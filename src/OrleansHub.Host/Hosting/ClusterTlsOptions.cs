namespace OrleansHub.Host.Hosting;

/// <summary>
/// The silo's certificate and the cluster's CA, bound from <c>Hub:Cluster:Tls</c>. In Kubernetes the three files come from a
/// secret mount (<c>tls.crt</c>, <c>tls.key</c>, <c>ca.crt</c>); <c>cluster dev-certificates</c> writes a development set.
/// </summary>
public sealed class ClusterTlsOptions
{
    /// <summary>This silo's certificate: a PKCS#12 file (<c>.pfx</c>/<c>.p12</c>) or a PEM file.</summary>
    public string? CertificatePath { get; set; }

    /// <summary>The PEM private key when <see cref="CertificatePath"/> is a PEM file without the key.</summary>
    public string? KeyPath { get; set; }

    /// <summary>Password of the PKCS#12 file or of an encrypted PEM key; a secret, never logged.</summary>
    public string? CertificatePassword { get; set; }

    /// <summary>
    /// PEM file of the CA certificate(s) a peer's certificate must chain to. Several are allowed (during a CA rotation);
    /// the machine's trust store is never consulted.
    /// </summary>
    public string? CaCertificatePath { get; set; }

    /// <summary>Whether anything of the TLS configuration is set.</summary>
    public bool IsConfigured =>
        !string.IsNullOrWhiteSpace(CertificatePath) || !string.IsNullOrWhiteSpace(CaCertificatePath);
}
