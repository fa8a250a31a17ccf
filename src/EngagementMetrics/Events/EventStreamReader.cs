using System.Buffers;
using System.Text.Json;

namespace EngagementMetrics.Events;

/// <summary>
/// Reads interaction events from a UTF-8 stream (a file, standard input, an HTTP request body) in batches, strictly,
/// without ever holding the whole input: memory stays at about two buffers (the one parsed and one read ahead, 1 MB
/// each, more only for a line longer than that) plus one batch, whatever the input's size.
/// </summary>
/// <remarks>
/// <para><b>Never throws for bad input.</b> Every bad record becomes an <see cref="EventError"/> naming its line
/// (JSON Lines, one-based) or index (arrays, zero-based), the field and the value; the valid records of the batch are
/// still returned. Only I/O failures of the stream and cancellation raise exceptions.</para>
/// <para><b>Strict.</b> A record is refused when it is not valid UTF-8 anywhere; when it holds a lone surrogate, raw or
/// escaped (<c>"\ud800"</c>); when a property appears twice at the top level; when an id or name holds a control
/// character (U+0000 to U+001F, U+007F); when its timestamp is not a real instant (the message says why:
/// <c>2025-02-30 is not a calendar date</c>, <c>leap seconds are not supported</c>, <c>hour 24</c>); and for every rule
/// of <see cref="InteractionEventValidator"/>.</para>
/// <para><b>Lines.</b> <c>\n</c> or <c>\r\n</c> end a line; blank lines are not records but count for line numbers; a
/// UTF-8 byte order mark at the start is skipped. A line longer than <see cref="EventReaderOptions.MaxRecordBytes"/> is one
/// error. <b>Arrays.</b> A JSON syntax error ends the read with one error (an array cannot be resynchronised); so does
/// content after the closing bracket.</para>
/// <para>Not thread-safe: one reader per stream, one call at a time.</para>
/// </remarks>
public sealed class EventStreamReader : IAsyncDisposable, IDisposable
{
    private const int InitialBufferSize = 1 << 16;

    // A source that fills the whole buffer at every read (a file) gets a larger one, up to this: each read of an
    // asynchronous file stream is a system call run on the thread pool and continued on another thread, and at 64 KB
    // a 220 MB file took 3,400 of them, with pool threads spinning between them.
    private const int LargeBufferSize = 1 << 20;

    private readonly Stream _stream;
    private readonly bool _leaveOpen;
    private readonly EventReaderOptions _options;
    private readonly EventRecordParser _parser = new();
    private readonly EventRowBatchPool _batches = new();
    private byte[] _buffer;
    private int _start;
    private int _end;
    private long _discarded;

    // Read-ahead for a source that fills every read (a file): the next read goes into a second buffer, after room for
    // the unfinished line of the current one, while the current one is parsed.
    private const int ReadAheadReserve = 1 << 16;
    private byte[]? _spare;
    private Task<int>? _readAhead;
    private CancellationTokenSource? _readAheadCancel;
    private bool _eof;
    private bool _done;
    private bool _atStart = true;
    private bool _skippingLongLine;
    private bool _sourceKeepsUp;
    private int _lineNumber;
    private int _records;
    private ArrayState _array = ArrayState.BeforeArray;

    /// <summary>Creates a reader over a UTF-8 stream.</summary>
    /// <param name="utf8Stream">The input; read forward only, never sought.</param>
    /// <param name="options">Format, batch size and record limit; defaults when <see langword="null"/>.</param>
    /// <param name="leaveOpen">True to leave the stream open when the reader is disposed.</param>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of its range.</exception>
    public EventStreamReader(Stream utf8Stream, EventReaderOptions? options = null, bool leaveOpen = false)
    {
        ArgumentNullException.ThrowIfNull(utf8Stream);
        _options = options ?? new EventReaderOptions();
        if (_options.BatchSize is < 1 or > 1_000_000)
        {
            throw new ArgumentOutOfRangeException(nameof(options), _options.BatchSize, "BatchSize must be between 1 and 1,000,000.");
        }

        if (_options.MaxRecordBytes is < 1024 or > 64 << 20)
        {
            throw new ArgumentOutOfRangeException(nameof(options), _options.MaxRecordBytes, "MaxRecordBytes must be between 1 KiB and 64 MiB.");
        }

        if (!Enum.IsDefined(_options.Format))
        {
            throw new ArgumentOutOfRangeException(nameof(options), _options.Format, "Format must be JsonLines or JsonArray.");
        }

        _stream = utf8Stream;
        _leaveOpen = leaveOpen;
        _buffer = ArrayPool<byte>.Shared.Rent(InitialBufferSize);
    }

    private enum ArrayState
    {
        BeforeArray,
        FirstElement,
        NextElement,
        AfterElement,
        Closed,
    }

    /// <summary>Bytes of the input read and processed so far (for progress: compare with the file's length).</summary>
    public long BytesRead => _discarded + _start;

    /// <summary>Records read so far (blank lines are not records).</summary>
    public int RecordsRead => _records;

    /// <summary>
    /// Reads up to <see cref="EventReaderOptions.BatchSize"/> records. Each record is either an event (with its position) or
    /// an error; positions and error indexes count from the start of the input, not of the batch.
    /// </summary>
    /// <returns>The batch, or <see langword="null"/> once the input is exhausted.</returns>
    public async ValueTask<EventReadResult?> ReadBatchAsync(CancellationToken cancellationToken = default)
    {
        if (_done)
        {
            return null;
        }

        var batch = new BatchBuilder(_options.Format == EventFormat.JsonLines, _batches.Take(_options.BatchSize));
        while (batch.Count < _options.BatchSize && !_done)
        {
            var progressed = _options.Format == EventFormat.JsonLines ? NextLine(batch) : NextElement(batch);
            if (!progressed)
            {
                await FillAsync(cancellationToken).ConfigureAwait(false);
            }
        }

        return batch.Count == 0 && _done ? null : batch.Build();
    }

    /// <summary>
    /// Gives the storage of <paramref name="batch"/> (read by this reader) back for the next batch at once, instead of
    /// after the garbage collector has found the batch unreachable: its <see cref="EventReadResult.Events"/> and
    /// <see cref="EventReadResult.Positions"/> throw <see cref="ObjectDisposedException"/> from then on.
    /// </summary>
    internal void Release(EventReadResult batch)
    {
        if (batch.Rows is { } rows)
        {
            _batches.Release(rows);
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        ReturnBuffer();
        if (!_leaveOpen)
        {
            _stream.Dispose();
        }
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        if (_readAhead is { } pending)
        {
            await (_readAheadCancel?.CancelAsync() ?? Task.CompletedTask).ConfigureAwait(false);
            await ((Task)pending).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            _readAhead = null;
        }

        ReturnBuffer();
        if (!_leaveOpen)
        {
            await _stream.DisposeAsync().ConfigureAwait(false);
        }
    }

    // Takes the next line from the buffer; false when the buffer holds no complete line (more input is needed).
    private bool NextLine(BatchBuilder batch)
    {
        SkipByteOrderMark();
        var data = _buffer.AsSpan(_start, _end - _start);
        var newline = data.IndexOf((byte)'\n');
        if (_skippingLongLine)
        {
            // The rest of a line already reported as too long: drop it without keeping it.
            if (newline < 0)
            {
                _start = _end;
                if (_eof)
                {
                    _done = true;
                }

                return _eof;
            }

            _start += newline + 1;
            _skippingLongLine = false;
            return true;
        }

        if (newline < 0)
        {
            if (!_eof)
            {
                if (data.Length > _options.MaxRecordBytes)
                {
                    _lineNumber++;
                    batch.AddError(new EventError(_records++, _lineNumber, "$", $"the line is longer than {_options.MaxRecordBytes} bytes"));
                    _start = _end;
                    _skippingLongLine = true;
                    return true;
                }

                return false;
            }

            // The last line has no line terminator.
            _start = _end;
            _done = true;
            if (data.Length > 0)
            {
                Line(data, batch);
            }

            return true;
        }

        _start += newline + 1;
        Line(data[..newline], batch);
        return true;
    }

    private void Line(ReadOnlySpan<byte> line, BatchBuilder batch)
    {
        _lineNumber++;
        if (line.Length > 0 && line[^1] == '\r')
        {
            line = line[..^1];
        }

        if (line.IsEmpty || line.IndexOfAnyExcept(" \t\r"u8) < 0)
        {
            return;
        }

        if (line.Length > _options.MaxRecordBytes)
        {
            batch.AddError(new EventError(_records++, _lineNumber, "$", $"the line is longer than {_options.MaxRecordBytes} bytes"));
            return;
        }

        var index = _records++;
        if (_parser.TryParse(line, index, _lineNumber, "line", batch.Rows, out var error))
        {
            batch.AddEvent(_lineNumber, index);
        }
        else
        {
            batch.AddError(error);
        }
    }

    // Advances the array state machine by one step; false when more input is needed.
    private bool NextElement(BatchBuilder batch)
    {
        SkipByteOrderMark();
        var data = _buffer.AsSpan(_start, _end - _start);
        var skip = data.IndexOfAnyExcept(" \t\r\n"u8);
        if (skip < 0)
        {
            _start = _end;
            if (!_eof)
            {
                return false;
            }

            if (_array == ArrayState.Closed)
            {
                _done = true;
            }
            else
            {
                End(batch, _array == ArrayState.BeforeArray ? "the body is empty: expected a JSON array of event objects" : "the JSON array is not closed");
            }

            return true;
        }

        _start += skip;
        data = data[skip..];
        switch (_array)
        {
            case ArrayState.BeforeArray:
                if (data[0] != '[')
                {
                    End(batch, "the body must be a JSON array of event objects");
                    return true;
                }

                _start++;
                _array = ArrayState.FirstElement;
                return true;
            case ArrayState.Closed:
                End(batch, "unexpected content after the JSON array");
                return true;
            case ArrayState.AfterElement:
                if (data[0] == ',')
                {
                    _start++;
                    _array = ArrayState.NextElement;
                    return true;
                }

                if (data[0] == ']')
                {
                    _start++;
                    _array = ArrayState.Closed;
                    return true;
                }

                End(batch, $"malformed JSON after element {_records - 1}: expected ',' or ']'");
                return true;
            default:
                if (data[0] == ']')
                {
                    _start++;
                    if (_array == ArrayState.NextElement)
                    {
                        End(batch, $"malformed JSON: a ',' after element {_records - 1} is followed by ']'");
                        return true;
                    }

                    _array = ArrayState.Closed;
                    return true;
                }

                return Element(data, batch);
        }
    }

    private bool Element(ReadOnlySpan<byte> data, BatchBuilder batch)
    {
        int length;
        try
        {
            var reader = new Utf8JsonReader(data, isFinalBlock: _eof, state: default);
            if (!reader.Read() || (reader.TokenType is JsonTokenType.StartObject or JsonTokenType.StartArray && !reader.TrySkip()))
            {
                if (_eof)
                {
                    End(batch, $"the JSON array ends inside element {_records}");
                    return true;
                }

                if (data.Length > _options.MaxRecordBytes)
                {
                    End(batch, $"element {_records} is longer than {_options.MaxRecordBytes} bytes; the rest of the body was not read");
                    return true;
                }

                return false;
            }

            length = checked((int)reader.BytesConsumed);
        }
        catch (JsonException ex)
        {
            End(batch, $"element {_records}: {EventRecordParser.DescribeMalformed(ex)}; the rest of the body was not read");
            return true;
        }

        var index = _records++;
        if (_parser.TryParse(data[..length], index, null, "element", batch.Rows, out var error))
        {
            batch.AddEvent(index, index);
        }
        else
        {
            batch.AddError(error);
        }

        _start += length;
        _array = ArrayState.AfterElement;
        return true;
    }

    // A structural error of the array: reported once, not a record, and the end of the read.
    private void End(BatchBuilder batch, string message)
    {
        batch.AddError(new EventError(_records, null, "$", message), isRecord: false);
        _done = true;
        _start = _end;
    }

    private void SkipByteOrderMark()
    {
        if (!_atStart)
        {
            return;
        }

        ReadOnlySpan<byte> byteOrderMark = [0xEF, 0xBB, 0xBF];
        var data = _buffer.AsSpan(_start, _end - _start);
        if (data.Length < 3 && !_eof && byteOrderMark.StartsWith(data))
        {
            return;
        }

        _atStart = false;
        if (data.StartsWith(byteOrderMark))
        {
            _start += 3;
        }
    }

    private async ValueTask FillAsync(CancellationToken cancellationToken)
    {
        if (_eof)
        {
            // Every step finishes on what is buffered once the input has ended; never spin.
            _done = true;
            return;
        }

        if (_readAhead is not null)
        {
            await TakeReadAheadAsync(cancellationToken).ConfigureAwait(false);
            return;
        }

        if (_start > 0)
        {
            _buffer.AsSpan(_start, _end - _start).CopyTo(_buffer);
            _discarded += _start;
            _end -= _start;
            _start = 0;
        }

        // Full (a line longer than the buffer), or a source that gave all that was asked last time: double the buffer.
        if (_end == _buffer.Length || (_sourceKeepsUp && _buffer.Length < LargeBufferSize))
        {
            var grown = ArrayPool<byte>.Shared.Rent(_buffer.Length * 2);
            _buffer.AsSpan(0, _end).CopyTo(grown);
            ArrayPool<byte>.Shared.Return(_buffer);
            _buffer = grown;
        }

        var free = _buffer.Length - _end;
        var read = await _stream.ReadAsync(_buffer.AsMemory(_end), cancellationToken).ConfigureAwait(false);
        if (read == 0)
        {
            _eof = true;
        }

        _sourceKeepsUp = read == free;
        _end += read;
        if (_sourceKeepsUp && _buffer.Length >= LargeBufferSize)
        {
            StartReadAhead();
        }
    }

    // A source that keeps up with a large buffer is read one buffer ahead: the reading overlaps the parsing (the
    // thread that reads a file's next megabyte copies it while this one parses the last), instead of each fill
    // waiting for the system call. At most 1 MB per read, whatever the buffers grew to for a long line, so they never
    // grow further on their own. The reader's own token, cancelled by Dispose: a read outlives the call that started it.
    private void StartReadAhead()
    {
        if (_spare is { Length: > LargeBufferSize })
        {
            ArrayPool<byte>.Shared.Return(_spare);
            _spare = null;
        }

        _spare ??= ArrayPool<byte>.Shared.Rent(LargeBufferSize);
        _readAheadCancel ??= new CancellationTokenSource();
        _readAhead = _stream.ReadAsync(_spare.AsMemory(ReadAheadReserve, LargeBufferSize - ReadAheadReserve), _readAheadCancel.Token).AsTask();
    }

    // Makes the read-ahead the buffer: the unfinished line of the current buffer goes just before the data read ahead
    // (or, longer than the room left for it, the data goes after it), and the next read ahead starts.
    private async ValueTask TakeReadAheadAsync(CancellationToken cancellationToken)
    {
        var read = await _readAhead!.WaitAsync(cancellationToken).ConfigureAwait(false);
        _readAhead = null;
        var spare = _spare!;
        if (read == 0)
        {
            _eof = true;
            ArrayPool<byte>.Shared.Return(spare);
            _spare = null;
            return;
        }

        var remainder = _end - _start;
        if (remainder <= ReadAheadReserve)
        {
            var start = ReadAheadReserve - remainder;
            _buffer.AsSpan(_start, remainder).CopyTo(spare.AsSpan(start));
            _discarded += _start - start;
            (_buffer, _spare) = (spare, _buffer);
            _start = start;
            _end = ReadAheadReserve + read;
        }
        else
        {
            _buffer.AsSpan(_start, remainder).CopyTo(_buffer);
            _discarded += _start;
            _start = 0;
            _end = remainder;
            if (_buffer.Length - _end < read)
            {
                // The unfinished line (at most MaxRecordBytes, or it is skipped) and at most 1 MB read ahead.
                var grown = ArrayPool<byte>.Shared.Rent(_end + read);
                _buffer.AsSpan(0, _end).CopyTo(grown);
                ArrayPool<byte>.Shared.Return(_buffer);
                _buffer = grown;
            }

            spare.AsSpan(ReadAheadReserve, read).CopyTo(_buffer.AsSpan(_end));
            _end += read;
        }

        StartReadAhead();
    }

    private void ReturnBuffer()
    {
        // A read ahead still writing into the spare buffer must end before the buffer goes back to the pool: cancelled
        // (a stalled network source gives up at once; a file's read finishes its copy), then waited for.
        _readAheadCancel?.Cancel();
        if (_readAhead is { } pending)
        {
            _readAhead = null;
            try
            {
                pending.GetAwaiter().GetResult();
            }
            catch (Exception) when (pending.IsFaulted || pending.IsCanceled)
            {
            }
        }

        if (_spare is not null)
        {
            ArrayPool<byte>.Shared.Return(_spare);
            _spare = null;
        }

        _readAheadCancel?.Dispose();
        _readAheadCancel = null;

        if (_buffer.Length > 0)
        {
            ArrayPool<byte>.Shared.Return(_buffer);
            _buffer = [];
            _start = _end = 0;
            _done = true;
        }
    }

    private sealed class BatchBuilder(bool lines, EventRowBatch rows)
    {
        private readonly List<EventError> _errors = [];
        private int _records;

        public EventRowBatch Rows { get; } = rows;

        public int Count => Rows.Count + _errors.Count;

        // The parser has filled the next row; keep it.
        public void AddEvent(int position, int recordIndex)
        {
            ref var row = ref Rows.Rows[Rows.Count];
            row.Position = position;
            row.RecordIndex = recordIndex;
            Rows.Commit();
            _records++;
        }

        public void AddError(EventError error, bool isRecord = true)
        {
            _errors.Add(error);
            _records += isRecord ? 1 : 0;
        }

        public EventReadResult Build() => new(Rows, _errors, _records, lines);
    }
}
