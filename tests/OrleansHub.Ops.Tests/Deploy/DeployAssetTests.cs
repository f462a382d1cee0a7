using OrleansHub.Ops.Tests.Infrastructure;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace OrleansHub.Ops.Tests.Deploy;

/// <summary>
/// What can be checked of the container and Kubernetes files without a container runtime: they parse, carry the
/// required fields, and point at files, ports and endpoints that exist.
/// </summary>
public sealed class DeployAssetTests
{
    private static string Deploy(params string[] parts) => Path.Combine([OpsFiles.DeployFolder, .. parts]);

    [Fact]
    public void Compose_DefinesPostgresThreeSilosPrometheusAndGrafana()
    {
        var services = Compose().Child("services");

        Assert.Equal(["cluster-certs", "grafana", "migrate", "postgres", "prometheus", "silo1", "silo2", "silo3"],
            ((YamlMappingNode)services).Children.Keys.Select(k => ((YamlScalarNode)k).Value!).Order(StringComparer.Ordinal));
        foreach (var name in new[] { "silo1", "silo2", "silo3" })
        {
            var silo = services.Child(name);
            Assert.Equal("deploy/Dockerfile", silo.Child("build").Text("dockerfile"));
            Assert.True(File.Exists(Path.Combine(OpsFiles.DeployFolder, silo.Child("build").Text("context"), silo.Child("build").Text("dockerfile"))));
            var environment = silo.Child("environment");
            Assert.Contains("Host=postgres;", environment.Text("ConnectionStrings__Postgres"), StringComparison.Ordinal);
            Assert.Equal(name, silo.Text("hostname"));
            Assert.Equal("orleanshub-compose", environment.Text("Hub__Cluster__ClusterId"));
            Assert.Contains("/health/ready", string.Join(' ', silo.Child("healthcheck").Child("test").AllScalars()), StringComparison.Ordinal);
            Assert.Equal("service_healthy", silo.Child("depends_on").Child("postgres").Text("condition"));
        }
    }

    [Fact]
    public void Compose_SilosRunAsTheRuntimeRole_MigrateAsTheOwner_AndNoSecretHasADefault()
    {
        var services = Compose().Child("services");
        var migrate = services.Child("migrate");
        Assert.Equal(["migrate"], migrate.Child("command").AllScalars());
        Assert.Contains("Username=hub_owner;", migrate.Child("environment").Text("ConnectionStrings__PostgresOwner"), StringComparison.Ordinal);
        foreach (var name in new[] { "silo1", "silo2", "silo3" })
        {
            var silo = services.Child(name);
            var environment = silo.Child("environment");
            Assert.Contains("Username=hub_runtime;", environment.Text("ConnectionStrings__Postgres"), StringComparison.Ordinal);
            Assert.False(environment.Has("ConnectionStrings__PostgresOwner"), "a silo must not hold the owner's login");
            Assert.Equal("service_completed_successfully", silo.Child("depends_on").Child("migrate").Text("condition"));
            Assert.StartsWith("${HUB_OPERATOR_KEY:?", environment.Text("Hub__Operator__ApiKey"), StringComparison.Ordinal);
            Assert.StartsWith("${HUB_AUDIT_KEY:?", environment.Text($"Hub__Audit__Keys__{environment.Text("Hub__Audit__KeyId")}"), StringComparison.Ordinal);
        }

        Assert.StartsWith("${POSTGRES_PASSWORD:?", services.Child("postgres").Child("environment").Text("POSTGRES_PASSWORD"), StringComparison.Ordinal);
        Assert.Contains("./postgres-init:/docker-entrypoint-initdb.d:ro", services.Child("postgres").Child("volumes").AllScalars());
        Assert.True(File.Exists(Deploy("postgres-init", "10-hub-roles.sh")));
        Assert.DoesNotContain("change-me", File.ReadAllText(Deploy("docker-compose.yml")), StringComparison.Ordinal);
    }

    [Fact]
    public void Kubernetes_MigrateInitContainerAloneHoldsTheOwnerLogin_AndTheSiloGetsAnAuditKey()
    {
        var pod = Manifest("deployment.yaml", "Deployment").Child("spec").Child("template").Child("spec");
        var migrate = pod.Child("initContainers").Items().Single();
        var silo = pod.Child("containers").Items().Single();

        Assert.Equal(["migrate"], migrate.Child("args").AllScalars());
        Assert.Contains("ConnectionStrings__PostgresOwner", Names(migrate));
        Assert.DoesNotContain("ConnectionStrings__PostgresOwner", Names(silo));
        Assert.Contains("Hub__Audit__KeyId", Names(silo));
        Assert.Contains(Names(silo), n => n.StartsWith("Hub__Audit__Keys__", StringComparison.Ordinal));

        static List<string> Names(YamlNode container) => [.. container.Child("env").Items().Select(e => e.Text("name"))];
    }

    [Fact]
    public void Compose_PrometheusScrapesTheComposeSilos_AndGrafanaMountsTheDashboards()
    {
        var services = Compose().Child("services");
        var mounts = services.Child("grafana").Child("volumes").AllScalars().ToList();
        var provider = OpsFiles.YamlDocuments(Deploy("grafana", "provisioning", "dashboards", "orleanshub.yml")).Single()
            .Child("providers").Items().Single().Child("options").Text("path");

        Assert.Contains($"../dashboards:{provider}:ro", mounts);
        Assert.Contains("./grafana/provisioning:/etc/grafana/provisioning:ro", mounts);
        Assert.Contains("./prometheus:/etc/prometheus:ro", services.Child("prometheus").Child("volumes").AllScalars());
        Assert.All(mounts.Select(m => m.Split(':')[0]), source => Assert.True(Directory.Exists(Path.Combine(OpsFiles.DeployFolder, source)), source));

        var scrape = OpsFiles.YamlDocuments(Deploy("prometheus", "prometheus.yml")).Single().Child("scrape_configs").Items().Single();
        Assert.Equal("orleanshub", scrape.Text("job_name"));
        Assert.Equal(["silo1:8080", "silo2:8080", "silo3:8080"], scrape.Child("static_configs").Items().Single().Child("targets").AllScalars());
    }

    [Fact]
    public void Kubernetes_EveryManifest_IsWellFormed_AndKustomizationListsThem()
    {
        var kustomization = OpsFiles.YamlDocuments(Deploy("kubernetes", "kustomization.yaml")).Single();
        var resources = kustomization.Child("resources").AllScalars().ToList();

        Assert.All(resources, r => Assert.True(File.Exists(Deploy("kubernetes", r)), r));
        var documents = resources.SelectMany(r => OpsFiles.YamlDocuments(Deploy("kubernetes", r))).ToList();
        Assert.All(documents, d =>
        {
            Assert.False(string.IsNullOrWhiteSpace(d.Text("apiVersion")));
            Assert.False(string.IsNullOrWhiteSpace(d.Text("kind")));
            Assert.False(string.IsNullOrWhiteSpace(d.Child("metadata").Text("name")));
        });
        Assert.Equal(["Deployment", "Namespace", "NetworkPolicy", "PodDisruptionBudget", "Role", "RoleBinding", "Service", "ServiceAccount"],
            documents.Select(d => d.Text("kind")).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Kubernetes_Deployment_HasProbesGracefulStopNonRootAndOrleansHosting()
    {
        var deployment = Manifest("deployment.yaml", "Deployment");
        var pod = deployment.Child("spec").Child("template");
        var container = pod.Child("spec").Child("containers").Items().Single();

        Assert.Equal("/health/ready", container.Child("readinessProbe").Child("httpGet").Text("path"));
        Assert.Equal("/health/live", container.Child("livenessProbe").Child("httpGet").Text("path"));
        Assert.True(int.Parse(pod.Child("spec").Text("terminationGracePeriodSeconds"), System.Globalization.CultureInfo.InvariantCulture) >= 30);
        Assert.Equal("true", pod.Child("spec").Child("securityContext").Text("runAsNonRoot"));
        Assert.Equal("false", container.Child("securityContext").Text("allowPrivilegeEscalation"));

        var labels = pod.Child("metadata").Child("labels");
        Assert.True(labels.Has("orleans/serviceId") && labels.Has("orleans/clusterId"));
        var environment = container.Child("env").Items().ToDictionary(e => e.Text("name"), e => e);
        Assert.Equal("true", environment["Hub__Cluster__Kubernetes"].Text("value"));
        Assert.All(new[] { "POD_NAME", "POD_NAMESPACE", "POD_IP", "ORLEANS_SERVICE_ID", "ORLEANS_CLUSTER_ID", "ConnectionStrings__Postgres", "Hub__Operator__ApiKey" },
            name => Assert.True(environment.ContainsKey(name), name));
        Assert.Equal("orleanshub", pod.Child("spec").Text("serviceAccountName"));
    }

    [Fact]
    public void Kubernetes_ServiceAndDisruptionBudget_SelectTheSiloPods()
    {
        var podLabels = (YamlMappingNode)Manifest("deployment.yaml", "Deployment").Child("spec").Child("template").Child("metadata").Child("labels");
        var service = (YamlMappingNode)Manifest("service.yaml", "Service").Child("spec").Child("selector");
        var budget = Manifest("pdb.yaml", "PodDisruptionBudget").Child("spec");

        Assert.All(service.Children, pair => Assert.Equal(pair.Value, podLabels.Children[pair.Key]));
        Assert.All(((YamlMappingNode)budget.Child("selector").Child("matchLabels")).Children, pair => Assert.Equal(pair.Value, podLabels.Children[pair.Key]));
        Assert.Equal("1", budget.Text("maxUnavailable"));
    }

    [Fact]
    public void Dockerfile_IsMultiStage_RunsAsNonRoot_AndCopiesEveryProjectTheHostNeeds()
    {
        var lines = File.ReadAllLines(Deploy("Dockerfile")).Select(l => l.Trim()).Where(l => l.Length > 0 && !l.StartsWith('#')).ToList();

        Assert.Equal(2, lines.Count(l => l.StartsWith("FROM ", StringComparison.Ordinal)));
        var user = Assert.Single(lines, l => l.StartsWith("USER ", StringComparison.Ordinal));
        Assert.DoesNotContain("root", user, StringComparison.Ordinal);
        Assert.True(lines.IndexOf(user) > lines.FindLastIndex(l => l.StartsWith("FROM ", StringComparison.Ordinal)), "USER must apply to the runtime stage.");
        Assert.Contains(lines, l => l.StartsWith("ENTRYPOINT", StringComparison.Ordinal) && l.Contains("OrleansHub.Host.dll", StringComparison.Ordinal));

        // The restore layer copies project files one by one: a project the host depends on must not be missing.
        var copied = lines.Where(l => l.StartsWith("COPY src/", StringComparison.Ordinal) && l.Contains(".csproj", StringComparison.Ordinal))
            .Select(l => l.Split(' ')[1]).ToHashSet(StringComparer.Ordinal);
        var needed = new[] { "OrleansHub.Host", "OrleansHub.Grains", "OrleansHub.Abstractions", "OrleansHub.Synthetic" };
        Assert.All(needed, p => Assert.Contains($"src/{p}/{p}.csproj", copied));
        Assert.All(copied, c => Assert.True(File.Exists(Path.Combine(OpsFiles.DeployFolder, "..", c)), c));
    }

    [Fact]
    public void Compose_SilosUseTheGeneratedClusterCertificates_AndPublishOnlyHttp()
    {
        var services = Compose().Child("services");
        var generator = services.Child("cluster-certs");
        Assert.Equal(["cluster", "dev-certificates", "--out", "/etc/orleanshub/cluster-tls"], generator.Child("command").AllScalars());
        Assert.Contains("cluster-tls:/etc/orleanshub/cluster-tls", generator.Child("volumes").AllScalars());

        foreach (var name in new[] { "silo1", "silo2", "silo3" })
        {
            var silo = services.Child(name);
            Assert.Equal("service_completed_successfully", silo.Child("depends_on").Child("cluster-certs").Text("condition"));
            Assert.Contains("cluster-tls:/etc/orleanshub/cluster-tls:ro", silo.Child("volumes").AllScalars());
            var environment = silo.Child("environment");
            Assert.Equal("/etc/orleanshub/cluster-tls/silo.crt", environment.Text("Hub__Cluster__Tls__CertificatePath"));
            Assert.Equal("/etc/orleanshub/cluster-tls/silo.key", environment.Text("Hub__Cluster__Tls__KeyPath"));
            Assert.Equal("/etc/orleanshub/cluster-tls/ca.crt", environment.Text("Hub__Cluster__Tls__CaCertificatePath"));
            Assert.False(environment.Has("Hub__Cluster__GatewayPort"));
            Assert.All(silo.Child("ports").AllScalars(), port => Assert.EndsWith(":8080", port, StringComparison.Ordinal));
        }
    }

    [Fact]
    public void Kubernetes_SilosPresentTheClusterCertificate_AndOpenNoGateway()
    {
        var pod = Manifest("deployment.yaml", "Deployment").Child("spec").Child("template").Child("spec");
        var container = pod.Child("containers").Items().Single();

        Assert.Equal(["http", "silo"], container.Child("ports").Items().Select(p => p.Text("name")));
        Assert.Equal(["11111", "8080"], container.Child("ports").Items().Select(p => p.Text("containerPort")).Order(StringComparer.Ordinal));
        var environment = container.Child("env").Items().ToDictionary(e => e.Text("name"), e => e);
        Assert.False(environment.ContainsKey("Hub__Cluster__GatewayPort"));
        Assert.False(environment.ContainsKey("Hub__Cluster__ListenOnAnyAddress"));
        var mount = container.Child("volumeMounts").Items().Single(m => m.Text("name") == "cluster-tls");
        Assert.Equal("true", mount.Text("readOnly"));
        foreach (var (setting, file) in new[] { ("CertificatePath", "tls.crt"), ("KeyPath", "tls.key"), ("CaCertificatePath", "ca.crt") })
        {
            Assert.Equal($"{mount.Text("mountPath")}/{file}", environment[$"Hub__Cluster__Tls__{setting}"].Text("value"));
        }

        var volume = pod.Child("volumes").Items().Single(v => v.Text("name") == "cluster-tls");
        Assert.Equal("orleanshub-cluster-tls", volume.Child("secret").Text("secretName"));
        Assert.Equal("1654", pod.Child("securityContext").Text("fsGroup"));
        // The example secret documents the same keys the mount expects.
        var example = OpsFiles.YamlDocuments(Deploy("kubernetes", "secret.example.yaml")).Single(d => d.Child("metadata").Text("name") == "orleanshub-cluster-tls");
        Assert.Equal(["ca.crt", "tls.crt", "tls.key"], ((YamlMappingNode)example.Child("stringData")).Children.Keys.Select(k => ((YamlScalarNode)k).Value!).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Kubernetes_NetworkPolicy_AdmitsSiloTrafficOnlyFromHubPods_AndHttpFromClients()
    {
        var podLabels = (YamlMappingNode)Manifest("deployment.yaml", "Deployment").Child("spec").Child("template").Child("metadata").Child("labels");
        var policy = Manifest("networkpolicy.yaml", "NetworkPolicy").Child("spec");

        Assert.All(((YamlMappingNode)policy.Child("podSelector").Child("matchLabels")).Children, pair => Assert.Equal(pair.Value, podLabels.Children[pair.Key]));
        Assert.Equal(["Ingress"], policy.Child("policyTypes").AllScalars());
        var rules = policy.Child("ingress").Items().ToList();
        var ports = rules.SelectMany(r => r.Child("ports").Items().Select(p => p.Text("port"))).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(["11111", "8080"], ports);

        var silo = Assert.Single(rules, r => r.Child("ports").Items().Any(p => p.Text("port") == "11111"));
        Assert.Equal(["11111"], silo.Child("ports").Items().Select(p => p.Text("port")));
        var from = Assert.Single(silo.Child("from").Items());
        Assert.False(from.Has("namespaceSelector") || from.Has("ipBlock"), "Silo traffic only from pods of this namespace.");
        Assert.All(((YamlMappingNode)from.Child("podSelector").Child("matchLabels")).Children, pair => Assert.Equal(pair.Value, podLabels.Children[pair.Key]));

        var http = Assert.Single(rules, r => r.Child("ports").Items().Any(p => p.Text("port") == "8080"));
        Assert.Equal(["8080"], http.Child("ports").Items().Select(p => p.Text("port")));
    }

    [Fact]
    public void Dockerfile_ExposesOnlyHttpAndTheSiloPort_AndExpectsTheClusterCertificate()
    {
        var lines = File.ReadAllLines(Deploy("Dockerfile")).Select(l => l.Trim()).Where(l => l.Length > 0 && !l.StartsWith('#')).ToList();

        var expose = Assert.Single(lines, l => l.StartsWith("EXPOSE ", StringComparison.Ordinal));
        Assert.Equal(["8080", "11111"], expose.Split(' ', StringSplitOptions.RemoveEmptyEntries).Skip(1));
        var text = string.Join('\n', lines);
        Assert.DoesNotContain("GatewayPort", text, StringComparison.Ordinal);
        Assert.DoesNotContain("30000", text, StringComparison.Ordinal);
        Assert.Contains("Hub__Cluster__Tls__CaCertificatePath=/etc/orleanshub/cluster-tls/ca.crt", text, StringComparison.Ordinal);
    }

    private static YamlMappingNode Compose()
    {
        // Compose files use YAML merge keys (<<: *silo); the merging parser resolves them as Docker does.
        using var reader = new StreamReader(Deploy("docker-compose.yml"));
        var stream = new YamlStream();
        stream.Load(new MergingParser(new Parser(reader)));
        return (YamlMappingNode)stream.Documents.Single().RootNode;
    }

    private static YamlMappingNode Manifest(string file, string kind) =>
        OpsFiles.YamlDocuments(Deploy("kubernetes", file)).Single(d => d.Text("kind") == kind);
}
