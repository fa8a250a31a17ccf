using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace EngagementMetrics.AspNetCore;

/// <summary>The outcome of validating a token: the app id it was issued to, or why it was refused.</summary>
/// <param name="AppId">The token's <c>appId</c> claim when valid.</param>
/// <param name="Error">Why the token was refused, or null when valid.</param>
public readonly record struct JwtValidation(string? AppId, string? Error)
{
    /// <summary>True when the token is valid.</summary>
    public bool IsValid => Error is null;
}
