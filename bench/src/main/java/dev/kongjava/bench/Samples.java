package dev.kongjava.bench;

import java.util.Arrays;
import java.util.List;

/** Order statistics over measurements: median, percentiles, min and max. */
final class Samples {
    private Samples() {}

    /** Nearest-rank percentile of unsorted values; {@code p} in [0, 100]. */
    static long percentile(long[] values, int count, double p) {
        long[] sorted = Arrays.copyOf(values, count);
        Arrays.sort(sorted);
        return percentileSorted(sorted, p);
    }

    static long percentileSorted(long[] sorted, double p) {
        if (sorted.length == 0) {
            return 0;
        }
        int rank = (int) Math.ceil(p / 100.0 * sorted.length);
        return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
    }

    /** Median of doubles (mean of the middle two for even counts). */
    static double median(List<Double> values) {
        if (values.isEmpty()) {
            return Double.NaN;
        }
        double[] v = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        int n = v.length;
        return n % 2 == 1 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
    }

    static double min(List<Double> values) {
        return values.stream().mapToDouble(Double::doubleValue).min().orElse(Double.NaN);
    }

    static double max(List<Double> values) {
        return values.stream().mapToDouble(Double::doubleValue).max().orElse(Double.NaN);
    }

    /** A value measured in several rounds: its median and the min–max spread. */
    record Spread(double median, double min, double max, int rounds) {
        static Spread of(List<Double> rounds) {
            return new Spread(Samples.median(rounds), Samples.min(rounds), Samples.max(rounds), rounds.size());
        }

        /** e.g. "12.3 (11.9–13.0)". */
        String format(String pattern) {
            return String.format(pattern, median) + " (" + String.format(pattern, min) + "–"
                    + String.format(pattern, max) + ")";
        }
    }
}
