using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;

namespace EngagementMetrics.AspNetCore.Dashboard;

/// <summary>Writes HTML and SVG text: every value through the encoder, every number in the invariant culture.</summary>
internal sealed class Html
{
    private readonly StringBuilder _text = new(16 * 1024);

    /// <summary>Markup written as is (only ever literals of this assembly).</summary>
    public Html Raw(string markup)
    {
        _text.Append(markup);
        return this;
    }

    /// <summary>Text or an attribute value, encoded.</summary>
    public Html Text(string? value)
    {
        _text.Append(HtmlEncoder.Default.Encode(value ?? string.Empty));
        return this;
    }

    /// <summary>A number with at most two decimals, invariant (<c>12.5</c>).</summary>
    public Html Number(double value)
    {
        _text.Append(Format(value));
        return this;
    }

    public static string Format(double value) => Math.Round(value, 2).ToString("0.##", CultureInfo.InvariantCulture);

    public override string ToString() => _text.ToString();
}
