using System.ComponentModel.DataAnnotations;

namespace OrleansHub.Host.Hosting;

/// <summary>Where this silo sits in the cluster. Bound from <c>Hub:Cluster</c>.</summary>
public sealed class HubClusterOptions
{
    public const string Section = "Hub:Cluster";

    /// <summary>Silos with the same cluster ID form one cluster.</summary>
    [Required]
    public string ClusterId { get; set; } = "orleanshub";

    /// <summary>Stable across deployments; grain state is keyed by it.</summary>
    [Required]
    public string ServiceId { get; set; } = "orleanshub";

    /// <summary>Silo-to-silo port.</summary>
    [Range(1, 65535)]
    public int SiloPort { get; set; } = 11111;

    // No gateway port: the hub serves its own HTTP and no Orleans client is part of it, so silos open no client gateway
    // (an open gateway let any Orleans client on the network call every grain). A Hub:Cluster:GatewayPort setting is ignored.

    /// <summary>The address other silos reach this one at; defaults to loopback in embedded mode and the first non-loopback address otherwise.</summary>
    public string? AdvertisedAddress { get; set; }

    /// <summary>
    /// Listen for silo traffic on every interface instead of only the advertised address. Off by default; only for hosts
    /// where the advertised address is not a local one (NAT, some overlay networks). Kubernetes pods do not need it: they
    /// advertise and bind their pod IP.
    /// </summary>
    public bool ListenOnAnyAddress { get; set; }

    /// <summary>Mutual TLS between silos (<c>Hub:Cluster:Tls</c>); required in PostgreSQL mode outside Development.</summary>
    public ClusterTlsOptions Tls { get; set; } = new();

    /// <summary>
    /// Running as Kubernetes pods (deploy/kubernetes): silo name, address and cluster IDs come from the pod, and silos
    /// whose pod is gone are declared dead at once instead of after missed probes. Clustering stays on PostgreSQL.
    /// </summary>
    public bool Kubernetes { get; set; }
}
