using EngagementMetrics.Events;

namespace EngagementMetrics;

/// <summary>
/// A store cannot be used: its database cannot be opened or reached (a file that is not a database, a missing file or
/// directory, an unreachable server, refused credentials), or it holds no EngagementMetrics tables where they must
/// already exist (a read-only store), or a newer schema than this library understands. Nothing was read or written.
/// </summary>
/// <remarks>
/// The message is one line that names the store (a file path, or <c>host:port/database</c> for a server; never a
/// password) and says what is wrong. <see cref="Exception.InnerException"/> holds the driver's error, when there is one.
/// </remarks>
public sealed class EngagementStoreException : EngagementException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="store">How the store is named in messages, e.g. <c>SQLite file '/data/bots.db'</c>; never a password.</param>
    /// <param name="message">What is wrong; should start with <paramref name="store"/>.</param>
    /// <param name="innerException">The driver's error, if any.</param>
    public EngagementStoreException(string store, string message, Exception? innerException = null)
        : base(message, innerException)
    {
        Store = store;
    }

    /// <summary>How the store is named in messages: a file path or <c>host:port/database</c>, never a password.</summary>
    public string Store { get; }
}
