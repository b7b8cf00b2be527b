package dev.kongjava.kafkaupstream.record;

import java.io.ByteArrayOutputStream;
import java.util.Arrays;

/**
 * An in-memory output that refuses to grow past a limit: a message is built straight into it and
 * stops as soon as it would be too large to produce, so no request can make the plugin hold more
 * than the limit for its message (JSON escaping can make a body six times longer).
 */
public final class BoundedOutput extends ByteArrayOutputStream {
    private final int limit;

    public BoundedOutput(int expected, int limit) {
        super(Math.min(Math.max(expected, 256), limit));
        this.limit = limit;
    }

    @Override
    public synchronized void write(int b) {
        ensure(1);
        super.write(b);
    }

    @Override
    public synchronized void write(byte[] b, int off, int len) {
        ensure(len);
        super.write(b, off, len);
    }

    /** The bytes written, without a copy when the buffer is exactly full. */
    public byte[] bytes() {
        return count == buf.length ? buf : Arrays.copyOf(buf, count);
    }

    private void ensure(int more) {
        if ((long) count + more > limit) {
            throw new Overflow();
        }
        if (count + more > buf.length) {
            // grow, but never past the limit: the last growth is the limit itself
            buf = Arrays.copyOf(buf, (int) Math.min(limit, Math.max(count + more, 2L * buf.length)));
        }
    }

    /** The limit was reached; unchecked, because ByteArrayOutputStream's writes declare no IOException. */
    public static final class Overflow extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Overflow() {
            super("message limit reached", null, false, false);
        }
    }
}
