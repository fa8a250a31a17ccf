using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace EngagementMetrics.AspNetCore;

/// <summary>The outcome of validating a token: the app id it was issued to, or why it was refused.</summary>
/// <param name="AppId">The token's <c>appId</c> claim when valid.</param>
/// <param name="Error">Why the token was refused, or null when valid.</param>
public readonly record struct JwtValidation(string? AppId, string? Error)
{
    /// <summary>True when the token is valid.</summary>
    public bool IsValid => Error is null;
}

/// <summary>
/// Validates the Kore.ai <c>auth</c> header: a compact JWT signed with HS256 by the app's client secret. Only HS256 is
/// accepted (<c>none</c>, RS256, HS512 and everything else are refused, whatever the header says); the signature is
/// compared in constant time; <c>exp</c> (required by default) and <c>nbf</c> are checked against the
/// <see cref="TimeProvider"/> with a small skew.
/// </summary>
/// <remarks>
/// Small on purpose (no JWT package restores here): it implements exactly the subset Kore.ai's public API uses. The
/// secret is looked up by the token's <c>appId</c> claim before the signature is checked; nothing of an unverified
/// token is trusted except to choose which secret to verify it with.
/// </remarks>
public sealed class Hs256JwtValidator
{
    /// <summary>Longest accepted token, in characters.</summary>
    public const int MaxTokenLength = 8192;

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

        var parts = token.Split('.');
        if (parts.Length != 3 || parts[0].Length == 0 || parts[1].Length == 0 || parts[2].Length == 0)
        {
            return Fail("the token is not a compact JWT (header.payload.signature)");
        }

        if (Decode(parts[0]) is not { } headerBytes || Decode(parts[1]) is not { } payloadBytes || Decode(parts[2]) is not { } signature)
        {
            return Fail("the token is not valid base64url");
        }

        string? appId;
        long? exp, nbf;
        try
        {
            using var header = JsonDocument.Parse(headerBytes);
            if (header.RootElement.ValueKind != JsonValueKind.Object
                || !header.RootElement.TryGetProperty("alg", out var alg) || alg.ValueKind != JsonValueKind.String || alg.GetString() != "HS256")
            {
                return Fail("only HS256 tokens are accepted");
            }

            if (header.RootElement.TryGetProperty("typ", out var typ) && (typ.ValueKind != JsonValueKind.String || !string.Equals(typ.GetString(), "JWT", StringComparison.OrdinalIgnoreCase)))
            {
                return Fail("the token type is not JWT");
            }

            using var payload = JsonDocument.Parse(payloadBytes);
            if (payload.RootElement.ValueKind != JsonValueKind.Object)
            {
                return Fail("the token payload is not a JSON object");
            }

            appId = payload.RootElement.TryGetProperty("appId", out var app) && app.ValueKind == JsonValueKind.String ? app.GetString() : null;
            exp = NumericDate(payload.RootElement, "exp");
            nbf = NumericDate(payload.RootElement, "nbf");
        }
        catch (JsonException)
        {
            return Fail("the token is not valid JSON");
        }
        catch (FormatException)
        {
            return Fail("the token has a malformed exp or nbf");
        }

        if (string.IsNullOrEmpty(appId))
        {
            return Fail("the token has no appId claim");
        }

        if (secretOf(appId) is not { Length: > 0 } secret)
        {
            return Fail("the token's app is not known");
        }

        var expected = HMACSHA256.HashData(secret, Encoding.ASCII.GetBytes(parts[0] + "." + parts[1]));
        if (!CryptographicOperations.FixedTimeEquals(expected, signature))
        {
            return Fail("the token's signature is not valid");
        }

        var now = _time.GetUtcNow().ToUnixTimeSeconds();
        var skew = (long)_skew.TotalSeconds;
        if (exp is null && _requireExpiration)
        {
            return Fail("the token has no exp claim");
        }

        if (exp is { } expires && now - skew >= expires)
        {
            return Fail("the token has expired");
        }

        if (nbf is { } notBefore && now + skew < notBefore)
        {
            return Fail("the token is not valid yet");
        }

        return new JwtValidation(appId, null);
    }

    private static JwtValidation Fail(string error) => new(null, error);

    private static long? NumericDate(JsonElement payload, string name)
    {
        if (!payload.TryGetProperty(name, out var value))
        {
            return null;
        }

        return value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out var seconds) ? seconds : throw new FormatException(name);
    }

    // Strict base64url without padding (RFC 7515): other characters, padding or an impossible length are refused.
    private static byte[]? Decode(string part)
    {
        if (part.Length % 4 == 1)
        {
            return null;
        }

        var text = new StringBuilder(part.Length + 3);
        foreach (var c in part)
        {
            text.Append(c switch
            {
                >= 'A' and <= 'Z' or >= 'a' and <= 'z' or >= '0' and <= '9' => c,
                '-' => '+',
                '_' => '/',
                _ => '\0',
            });
            if (text[^1] == '\0')
            {
                return null;
            }
        }

        text.Append('=', (4 - (part.Length % 4)) % 4);
        var buffer = new byte[part.Length];
        return Convert.TryFromBase64String(text.ToString(), buffer, out var written) ? buffer[..written] : null;
    }
}
