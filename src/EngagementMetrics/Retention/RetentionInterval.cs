namespace EngagementMetrics.Retention;

/// <summary>The interval of a retention table: what a cohort is and what "N intervals later" means.</summary>
public enum RetentionInterval
{
    /// <summary>Local calendar dates. Label <c>2025-12-01</c>.</summary>
    Day = 0,

    /// <summary>Whole ISO weeks (Monday first), also where the period clips them. Label <c>2025-W49</c>.</summary>
    Week = 1,
}
