using System.Security.Cryptography;
using System.Text;

namespace EngagementMetrics.AspNetCore.Tests;

/// <summary>The HS256 validator behind the Kore.ai <c>auth</c> header, tested hard.</summary>
public sealed class JwtValidatorTests
{
    private const string Secret = "kore-client-secret-0123456789";
    private static readonly DateTimeOffset Now = new(2025, 12, 7, 12, 0, 0, TimeSpan.Zero);
    private readonly Hs256JwtValidator _validator = new(new FixedClock(Now), TimeSpan.FromSeconds(30));

    private sealed class FixedClock(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }

    private static string B64(string json) => B64(Encoding.UTF8.GetBytes(json));

    private static string B64(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    private static string Sign(string header, string payload, string secret = Secret) =>
        $"{header}.{payload}.{B64(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.ASCII.GetBytes(header + "." + payload)))}";

    private static string Token(string payloadJson, string headerJson = """{"alg":"HS256","typ":"JWT"}""", string secret = Secret) => Sign(B64(headerJson), B64(payloadJson), secret);

    private JwtValidation Validate(string? token) => _validator.Validate(token, app => app == "cs-app" ? Encoding.UTF8.GetBytes(Secret) : null);

    private static long At(TimeSpan offset) => Now.Add(offset).ToUnixTimeSeconds();

    [Fact]
    public void A_valid_token_gives_its_app()
    {
        var result = Validate(Token($$"""{"appId":"cs-app","exp":{{At(TimeSpan.FromMinutes(5))}}}"""));

        result.IsValid.Should().BeTrue(result.Error);
        result.AppId.Should().Be("cs-app");
    }

    [Fact]
    public void A_tampered_payload_fails_the_signature()
    {
        var token = Token($$"""{"appId":"cs-app","exp":{{At(TimeSpan.FromMinutes(5))}},"role":"user"}""");
        var parts = token.Split('.');
        var forged = $"{parts[0]}.{B64($$"""{"appId":"cs-app","exp":{{At(TimeSpan.FromMinutes(5))}},"role":"admin"}""")}.{parts[2]}";

        Validate(forged).Error.Should().Contain("signature");
    }

    [Theory]
    [InlineData("""{"alg":"none","typ":"JWT"}""")]
    [InlineData("""{"alg":"RS256","typ":"JWT"}""")]
    [InlineData("""{"alg":"HS512","typ":"JWT"}""")]
    [InlineData("""{"alg":"hs256","typ":"JWT"}""")]
    [InlineData("""{"typ":"JWT"}""")]
    [InlineData("""{"alg":["HS256"]}""")]
    public void Only_hs256_is_accepted(string header)
    {
        Validate(Token($$"""{"appId":"cs-app","exp":{{At(TimeSpan.FromMinutes(5))}}}""", header)).Error.Should().Be("only HS256 tokens are accepted");
    }

    [Fact]
    public void An_unsigned_none_token_with_an_empty_signature_is_refused()
    {
        var token = $"{B64("""{"alg":"none"}""")}.{B64($$"""{"appId":"cs-app","exp":{{At(TimeSpan.FromMinutes(5))}}}""")}.";

        Validate(token).IsValid.Should().BeFalse();
    }

    [Fact]
    public void A_wrong_key_an_unknown_app_or_no_app_is_refused()
    {
        var payload = $$"""{"appId":"cs-app","exp":{{At(TimeSpan.FromMinutes(5))}}}""";

        Validate(Token(payload, secret: "another-secret")).Error.Should().Contain("signature");
        Validate(Token($$"""{"appId":"ghost","exp":{{At(TimeSpan.FromMinutes(5))}}}""")).Error.Should().Contain("not known");
        Validate(Token($$"""{"exp":{{At(TimeSpan.FromMinutes(5))}}}""")).Error.Should().Contain("appId");
    }

    [Theory]
    [InlineData(-31, false)] // expired beyond the skew
    [InlineData(-29, true)] // within the skew
    public void Expiry_allows_the_skew_and_no_more(int secondsFromNow, bool valid)
    {
        Validate(Token($$"""{"appId":"cs-app","exp":{{At(TimeSpan.FromSeconds(secondsFromNow))}}}""")).IsValid.Should().Be(valid);
    }

    [Fact]
    public void Not_yet_valid_and_missing_or_malformed_exp_are_refused()
    {
        Validate(Token($$"""{"appId":"cs-app","exp":{{At(TimeSpan.FromHours(2))}},"nbf":{{At(TimeSpan.FromMinutes(5))}}}""")).Error.Should().Contain("not valid yet");
        Validate(Token($$"""{"appId":"cs-app","exp":{{At(TimeSpan.FromHours(2))}},"nbf":{{At(TimeSpan.FromSeconds(20))}}}""")).IsValid.Should().BeTrue("nbf within the skew");
        Validate(Token("""{"appId":"cs-app"}""")).Error.Should().Contain("no exp");
        Validate(Token("""{"appId":"cs-app","exp":"tomorrow"}""")).Error.Should().Contain("malformed");
        new Hs256JwtValidator(new FixedClock(Now), requireExpiration: false).Validate(Token("""{"appId":"cs-app"}"""), _ => Encoding.UTF8.GetBytes(Secret)).IsValid.Should().BeTrue();
    }

    [Theory]
    [InlineData("")]
    [InlineData("only-one-part")]
    [InlineData("a.b")]
    [InlineData("a.b.c.d")]
    [InlineData("..")]
    [InlineData("eyJhbGciOiJIUzI1NiJ9.e30=.c2ln")] // padding is not base64url
    [InlineData("eyJhbGciOiJIUzI1NiJ9.e3+/.c2ln")] // '+' and '/' are not base64url
    [InlineData("eyJhbGciOiJIUzI1NiJ9.e.c2ln")] // impossible length
    [InlineData("bm90IGpzb24.e30.c2ln")] // header is not JSON
    public void Malformed_tokens_are_refused(string token)
    {
        Validate(token).IsValid.Should().BeFalse();
    }

    [Fact]
    public void An_oversized_token_is_refused_before_any_parsing()
    {
        var huge = Token($$"""{"appId":"cs-app","exp":{{At(TimeSpan.FromMinutes(5))}},"pad":"{{new string('x', Hs256JwtValidator.MaxTokenLength)}}"}""");

        Validate(huge).Error.Should().Contain("longer than");
    }

    [Fact]
    public void A_signature_of_the_wrong_length_is_refused()
    {
        var parts = Token($$"""{"appId":"cs-app","exp":{{At(TimeSpan.FromMinutes(5))}}}""").Split('.');

        Validate($"{parts[0]}.{parts[1]}.{parts[2][..20]}").Error.Should().Contain("signature");
    }

    [Fact]
    public void A_client_secret_shorter_than_16_bytes_is_refused_with_that_reason()
    {
        var token = Token($$"""{"appId":"cs-app","exp":{{At(TimeSpan.FromMinutes(5))}}}""", secret: "fifteen-bytes-x");

        _validator.Validate(token, _ => Encoding.UTF8.GetBytes("fifteen-bytes-x")).Error.Should().Be("the app's client secret is shorter than 16 bytes");
        _validator.Validate(Token($$"""{"appId":"cs-app","exp":{{At(TimeSpan.FromMinutes(5))}}}""", secret: "sixteen-bytes-xy"), _ => Encoding.UTF8.GetBytes("sixteen-bytes-xy")).IsValid.Should().BeTrue();
    }

    [Fact]
    public void A_header_type_other_than_jwt_is_refused_and_no_type_is_allowed()
    {
        var payload = $$"""{"appId":"cs-app","exp":{{At(TimeSpan.FromMinutes(5))}}}""";

        Validate(Token(payload, """{"alg":"HS256","typ":"at+jwt"}""")).Error.Should().Be("the token type is not JWT");
        Validate(Token(payload, """{"alg":"HS256","typ":"jwt"}""")).IsValid.Should().BeTrue();
        Validate(Token(payload, """{"alg":"HS256"}""")).IsValid.Should().BeTrue();
    }
}
