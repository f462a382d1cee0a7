namespace OrleansHub.Host.Tests.Infrastructure;

/// <summary>Finds files of the repository (scripts, build output) from the test's working folder.</summary>
public static class RepositoryRoot
{
    public static string Path { get; } = Find();

    private static string Find()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(System.IO.Path.Combine(dir.FullName, "OrleansHub.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("Tests must run inside the OrleansHub repository.");
    }
}
