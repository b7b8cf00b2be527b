package dev.kongjava.pluginserver.internal.rpc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.EOFException;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import org.msgpack.core.MessagePack;
import org.msgpack.core.MessageUnpacker;

/**
 * Sizes and amplification: whatever the bytes declare or nest, decoding one message holds no more
 * of the server-wide budget than the budget has, keeps a value tree no bigger than the message's
 * limit allows, and gives every byte back when the message is done. A normal build runs the seeds in
 * {@code BudgetFuzzTestInputs/}; {@code JAZZER_FUZZ=1} fuzzes (docs/fuzzing-and-soak.md).
 */
class BudgetFuzzTest {
    private static final long LIMIT = 64 * 1024;
    private static final long BUDGET = 4 * LIMIT;
    /** What one kept value costs at least in the codec's estimate (a list slot or a boxed number). */
    private static final long SMALLEST_COST = 16;

    @FuzzTest(maxDuration = "5m")
    void anyMessageHoldsAtMostItsLimitsAndGivesEverythingBack(byte[] input) throws IOException {
        InFlightBudget budget = new InFlightBudget(BUDGET);
        MsgpackCodec codec = new MsgpackCodec(LIMIT, budget);
        MessageUnpacker in = MessagePack.newDefaultUnpacker(input);
        try {
            while (in.hasNext()) {
                Frame frame = codec.frame(in.getTotalReadBytes());
                Object value;
                try {
                    value = codec.read(in, frame);
                } finally {
                    assertTrue(budget.used() <= BUDGET, "held " + budget.used() + " of " + BUDGET);
                }
                long kept = size(value);
                assertTrue(kept <= 2 * LIMIT / SMALLEST_COST + 64, "kept " + kept + " values for one message");
                frame.release();
                assertEquals(0, budget.used(), "everything given back");
            }
        } catch (MalformedMessageException | EOFException expected) {
            // the connection would be closed here, and its frames released
        }
    }

    /** Values in a decoded tree: a refused message keeps only an outline, an accepted one what it paid for. */
    private static long size(Object value) {
        if (value instanceof Map<?, ?> map) {
            long n = 1;
            for (Object v : map.values()) {
                n += 1 + size(v);
            }
            return n;
        }
        if (value instanceof List<?> list) {
            long n = 1;
            for (Object v : list) {
                n += size(v);
            }
            return n;
        }
        return 1;
    }
}
