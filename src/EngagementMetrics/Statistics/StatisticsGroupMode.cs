namespace EngagementMetrics.Statistics;

/// <summary>How statistics are grouped: local hours, days, months or years.</summary>
public enum StatisticsGroupMode
{
    /// <summary>Local hours (<c>hour</c>).</summary>
    Hour,

    /// <summary>Local days (<c>day</c>).</summary>
    Day,

    /// <summary>Local months (<c>month</c>).</summary>
    Month,

    /// <summary>Local years (<c>year</c>).</summary>
    Year,
}
