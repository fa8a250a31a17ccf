namespace EngagementMetrics.AspNetCore;

/// <summary>
/// Reads through to another stream until a byte limit is passed, then reports the end of the input and sets
/// <see cref="Exceeded"/>: a body larger than the limit is never read whole, whatever its Content-Length says.
/// </summary>
internal sealed class LimitedReadStream(Stream inner, long limit) : Stream
{
    private long _read;

    /// <summary>True once the input held more than the limit; what was read after that point is discarded.</summary>
    public bool Exceeded { get; private set; }

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => _read; set => throw new NotSupportedException(); }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        if (Exceeded)
        {
            return 0;
        }

        return Count(inner.Read(buffer));
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (Exceeded)
        {
            return 0;
        }

        return Count(await inner.ReadAsync(buffer, cancellationToken).ConfigureAwait(false));
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    private int Count(int read)
    {
        _read += read;
        if (_read > limit)
        {
            Exceeded = true;
            return 0;
        }

        return read;
    }
}
