using Microsoft.Extensions.Options;

namespace EngagementMetrics;

/// <summary>Settings of the engine. Bound from configuration or set in <c>AddEngagementMetrics(o => ...)</c>; validated at start.</summary>
public sealed class EngagementMetricsOptions
{
    /// <summary>Longest period a trend may cover, in calendar days.</summary>
    /// <value>Default 366; from 1 to 36,600. A longer period is a validation error, never a slow query.</value>
    public int MaxPeriodDays { get; set; } = 366;
}

/// <summary>Checks <see cref="EngagementMetricsOptions"/> at start.</summary>
internal sealed class EngagementMetricsOptionsValidator : IValidateOptions<EngagementMetricsOptions>
{
    public ValidateOptionsResult Validate(string? name, EngagementMetricsOptions options) =>
        options.MaxPeriodDays is < 1 or > 36_600
            ? ValidateOptionsResult.Fail($"EngagementMetrics:MaxPeriodDays must be between 1 and 36600; it is {options.MaxPeriodDays}.")
            : ValidateOptionsResult.Success;
}
