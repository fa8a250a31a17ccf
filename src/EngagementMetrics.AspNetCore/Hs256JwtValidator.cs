using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace EngagementMetrics.AspNetCore;

/// <summary>
/// Validates the Kore.ai <c>auth</c> header: a compact JWT signed with HS256 by the app's client secret. Only HS256 is
/// accepted (<c>none</c>, RS256, HS512 and everything else are refused, whatever the header says); <c>exp</c>
/// (required by default) and <c>nbf</c> are checked against the <see cref="TimeProvider"/> with a small skew. No issuer
/// or audience is required (Kore.ai's tokens carry none).
/// </summary>
/// <remarks>
/// <para>
/// The signature, algorithm and token type are checked by <c>Microsoft.IdentityModel.JsonWebTokens</c>
/// (<see cref="JsonWebTokenHandler"/>, with <see cref="TokenValidationParameters.ValidAlgorithms"/> pinned to HS256).
/// The secret is looked up by the token's <c>appId</c> claim before the signature is checked; nothing of an unverified
/// token is trusted except to choose which secret to verify it with.
/// </para>
/// <para>
/// Client secrets from <see cref="MinSecretLength"/> (16) bytes up are accepted: the library refuses HS256 keys shorter
/// than 32 bytes (RFC 7518 asks for at least the hash size), and Kore.ai apps already issued with shorter secrets
/// would otherwise stop working; below 16 bytes its signature provider refuses any key, and so does this class, with
/// that reason. Only the creation of the HMAC is ours; the comparison stays the
/// library's (constant time). Thread-safe.
/// </para>
/// </remarks>
public sealed class Hs256JwtValidator
{
    /// <summary>Longest accepted token, in characters.</summary>
    public const int MaxTokenLength = 8192;

    /// <summary>Shortest accepted client secret, in bytes (128 bits, the floor of the library's HMAC signature provider).</summary>
    public const int MinSecretLength = 16;

    private const string NotCompact = "the token is not a compact JWT (header.payload.signature)";

    private static readonly JsonWebTokenHandler Handler = new();

    private static readonly CryptoProviderFactory Crypto = new() { CustomCryptoProvider = new HmacSha256OfAnyKeyLength() };

    private readonly TimeProvider _time;
    private readonly TimeSpan _skew;
    private readonly bool _requireExpiration;

    /// <summary>Creates a validator.</summary>
    /// <param name="timeProvider">The clock for <c>exp</c> and <c>nbf</c>.</param>
    /// <param name="clockSkew">Tolerance for clock differences (default 30 s).</param>
    /// <param name="requireExpiration">Refuse tokens without <c>exp</c> (default true: a token without one never expires).</param>
    public Hs256JwtValidator(TimeProvider timeProvider, TimeSpan? clockSkew = null, bool requireExpiration = true)
    {
        _time = timeProvider ?? throw new ArgumentNullException(nameof(timeProvider));
        _skew = clockSkew ?? TimeSpan.FromSeconds(30);
        _requireExpiration = requireExpiration;
    }

    /// <summary>Validates a token.</summary>
    /// <param name="token">The compact JWT.</param>
    /// <param name="secretOf">The client secret of an app id, or null for an unknown app.</param>
    public JwtValidation Validate(string? token, Func<string, byte[]?> secretOf)
    {
        ArgumentNullException.ThrowIfNull(secretOf);
        if (string.IsNullOrEmpty(token))
        {
            return Fail("no token");
        }

        if (token.Length > MaxTokenLength)
        {
            return Fail($"the token is longer than {MaxTokenLength} characters");
        }

        if (RefuseHeader(token) is { } refusal)
        {
            return Fail(refusal);
        }

        JsonWebToken jwt;
        try
        {
            jwt = Handler.ReadJsonWebToken(token);
        }
        catch (SecurityTokenMalformedException)
        {
            return Fail(NotCompact);
        }
        catch (ArgumentException)
        {
            // The handler reads registered claims strictly: a payload that is not base64url JSON, or an exp or nbf
            // that is not a number, is refused here.
            return Fail("the token is malformed (not base64url JSON, or a malformed exp or nbf)");
        }

        if (!jwt.TryGetPayloadValue<string>("appId", out var appId) || string.IsNullOrEmpty(appId))
        {
            return Fail("the token has no appId claim");
        }

        if (secretOf(appId) is not { Length: > 0 } secret)
        {
            return Fail("the token's app is not known");
        }

        if (secret.Length < MinSecretLength)
        {
            return Fail($"the app's client secret is shorter than {MinSecretLength} bytes");
        }

        // Without a configuration manager the handler completes synchronously: nothing here waits on I/O.
        var result = Handler.ValidateTokenAsync(jwt, Parameters(secret)).GetAwaiter().GetResult();
        return result.IsValid ? new JwtValidation(appId, null) : Fail(Reason(result.Exception));
    }

    private TokenValidationParameters Parameters(byte[] secret) => new()
    {
        ValidAlgorithms = [SecurityAlgorithms.HmacSha256],
        IssuerSigningKey = new SymmetricSecurityKey(secret) { CryptoProviderFactory = Crypto },
        RequireSignedTokens = true,
        ValidateIssuer = false,
        ValidateAudience = false,
        ValidateLifetime = true,
        RequireExpirationTime = _requireExpiration,
        ClockSkew = _skew,
        TypeValidator = (type, _, _) => string.IsNullOrEmpty(type) || string.Equals(type, "JWT", StringComparison.OrdinalIgnoreCase)
            ? type ?? string.Empty
            : throw new SecurityTokenInvalidTypeException("the token type is not JWT"),
        // The handler's own lifetime check reads the system clock; this one reads the injected TimeProvider, in whole
        // seconds as the claims are.
        LifetimeValidator = (notBefore, expires, _, _) => CheckLifetime(notBefore, expires),
    };

    private bool CheckLifetime(DateTime? notBefore, DateTime? expires)
    {
        var now = _time.GetUtcNow().ToUnixTimeSeconds();
        var skew = (long)_skew.TotalSeconds;
        if (expires is null && _requireExpiration)
        {
            throw new SecurityTokenNoExpirationException("the token has no exp claim");
        }

        if (expires is { } exp && now - skew >= UnixSeconds(exp))
        {
            throw new SecurityTokenExpiredException("the token has expired");
        }

        if (notBefore is { } nbf && now + skew < UnixSeconds(nbf))
        {
            throw new SecurityTokenNotYetValidException("the token is not valid yet");
        }

        return true;
    }

    private static long UnixSeconds(DateTime utc) => new DateTimeOffset(DateTime.SpecifyKind(utc, DateTimeKind.Utc)).ToUnixTimeSeconds();

    // The reasons of the 401 body, in the words the validator used before it used the library; every other refusal
    // (a wrong key, a tampered payload, a truncated signature) is a bad signature.
    private static string Reason(Exception? exception) => exception switch
    {
        SecurityTokenNoExpirationException => "the token has no exp claim",
        SecurityTokenExpiredException => "the token has expired",
        SecurityTokenNotYetValidException => "the token is not valid yet",
        SecurityTokenInvalidTypeException => "the token type is not JWT",
        _ => "the token's signature is not valid",
    };

    // The algorithm is pinned before the handler reads the token, so that every other header (none, RS256, HS512,
    // hs256, no alg, an alg that is not a string) is refused with the same reason; ValidAlgorithms pins it again.
    private static string? RefuseHeader(string token)
    {
        var end = token.IndexOf('.', StringComparison.Ordinal);
        if (end <= 0)
        {
            return NotCompact;
        }

        try
        {
            using var header = JsonDocument.Parse(Base64UrlEncoder.DecodeBytes(token[..end]));
            return header.RootElement.ValueKind == JsonValueKind.Object
                && header.RootElement.TryGetProperty("alg", out var alg)
                && alg.ValueKind == JsonValueKind.String
                && alg.ValueEquals(SecurityAlgorithms.HmacSha256)
                ? null
                : "only HS256 tokens are accepted";
        }
        catch (FormatException)
        {
            return "the token is not valid base64url";
        }
        catch (JsonException)
        {
            return "the token is not valid JSON";
        }
    }

    private static JwtValidation Fail(string error) => new(null, error);

    /// <summary>
    /// Gives the library's HS256 signature provider an HMAC for keys shorter than 32 bytes, which its own factory
    /// refuses. Asked only for keyed hash algorithms (one <c>byte[]</c> argument), never for signature providers, so
    /// verification itself stays the library's.
    /// </summary>
    private sealed class HmacSha256OfAnyKeyLength : ICryptoProvider
    {
        public bool IsSupportedAlgorithm(string algorithm, params object[] args) =>
            algorithm == SecurityAlgorithms.HmacSha256 && args is [byte[]];

        public object Create(string algorithm, params object[] args) => new HMACSHA256((byte[])args[0]);

        public void Release(object cryptoInstance) => (cryptoInstance as IDisposable)?.Dispose();
    }
}
