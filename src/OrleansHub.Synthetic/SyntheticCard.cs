namespace OrleansHub.Synthetic;

/// <summary>A chip ID card. <see cref="ExpiresOn"/> is null for cards valid for life (issued from the age of 58).</summary>
public sealed record SyntheticCard(string Number, DateOnly IssuedOn, DateOnly? ExpiresOn, string IssuedBy)
{
    /// <summary>The authority that issues chip ID cards.</summary>
    public const string Issuer = "Cục Cảnh sát quản lý hành chính về trật tự xã hội";
}
