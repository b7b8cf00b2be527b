package dev.kongjava.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.ToDoubleFunction;

/**
 * Everything one run measured, and the goals judged from it. Every ratio is computed one way: per
 * round, between columns measured in that round, then the median of those ratios with their min–max
 * (never a ratio of medians).
 */
record Results(
        Map<String, String> facts,
        Map<String, String> versions,
        double[] load,
        String othersAtStart,
        long elapsedSeconds,
        String command,
        List<PdkRoundTrip.Result> pdk,
        List<EndToEnd.Result> e2e,
        ProducerPath.Result producer,
        List<ColdStart.Result> coldStart,
        Memory.Result memory,
        List<JfrProfile.Summary> profiles) {
    /** The body size the end-to-end goals are set at. */
    static final int GOAL_SIZE = 512;

    /** One goal of the issue: what was measured against what was asked. */
    record Goal(String goal, String measured, boolean met) {}

    PdkRoundTrip.Result pdk(String key) {
        return pdk.stream().filter(r -> r.key().equals(key)).findFirst().orElseThrow();
    }

    EndToEnd.Result e2e(String column, int size) {
        return e2e.stream()
                .filter(r -> r.column().key().equals(column) && r.bodySize() == size)
                .findFirst()
                .orElseThrow();
    }

    /** Per-round ratio of two PDK targets' median latencies. */
    Samples.Spread pdkRatio(String key, String base) {
        return ratio(pdk(key).roundMediansUs(), pdk(base).roundMediansUs());
    }

    /** Per-round ratio of two end-to-end columns' req/s at one body size. */
    Samples.Spread e2eRatio(String column, String base, int size) {
        return ratio(rps(e2e(column, size)), rps(e2e(base, size)));
    }

    private static List<Double> rps(EndToEnd.Result r) {
        return r.runs().stream().map(run -> run.wrk().rps()).toList();
    }

    Samples.Spread producerRatio(ToDoubleFunction<ProducerPath.Round> base) {
        List<Double> ratios = producer.rounds().stream()
                .map(r -> r.ours() / base.applyAsDouble(r))
                .toList();
        return Samples.Spread.of(ratios);
    }

    static Samples.Spread ratio(List<Double> a, List<Double> b) {
        List<Double> ratios = new ArrayList<>();
        for (int i = 0; i < Math.min(a.size(), b.size()); i++) {
            ratios.add(a.get(i) / b.get(i));
        }
        return Samples.Spread.of(ratios);
    }

    List<Goal> goals() {
        List<Goal> goals = new ArrayList<>();
        if (!pdk.isEmpty()) {
            Samples.Spread r = pdkRatio("ours", "echo");
            goals.add(new Goal(
                    "PDK round trip: our server ≤ 1.3 × raw echo, every round < 1.5 × (µs per call)",
                    r.format("%.2f") + " ×",
                    r.median() <= 1.3 && r.max() < 1.5));
        }
        if (!e2e.isEmpty()) {
            e2eGoals(goals);
        }
        if (producer != null) {
            Samples.Spread d = producerRatio(ProducerPath.Round::ppDefaults);
            Samples.Spread p = producerRatio(ProducerPath.Round::ppPlugin);
            Samples.Spread strict = d.median() < p.median() ? d : p;
            goals.add(new Goal(
                    "Producer path ≥ 0.50 × ProducerPerformance (the faster of its two settings)",
                    strict.format("%.2f") + " ×",
                    strict.median() >= 0.50));
        }
        return goals;
    }

    private void e2eGoals(List<Goal> goals) {
        String at = Bodies.label(GOAL_SIZE);
        Samples.Spread cpu = e2e("b", GOAL_SIZE).cpu("plugin server");
        goals.add(new Goal(
                "Plugin server CPU per request, (b) default config, " + at + ": ≤ 70 µs",
                cpu.format("%.0f") + " µs",
                cpu.median() <= 70));
        Samples.Spread ba = e2eRatio("b", "a", GOAL_SIZE);
        goals.add(new Goal(
                "End to end, " + at + ": (b) ÷ (a) ≥ 0.50 req/s", ba.format("%.2f") + " ×", ba.median() >= 0.50));
        Samples.Spread cb = e2eRatio("c", "b", GOAL_SIZE);
        goals.add(new Goal(
                "End to end, " + at + ": sync acks=1 ÷ async, (c) ÷ (b) ≥ 0.80 req/s",
                cb.format("%.2f") + " ×",
                cb.median() >= 0.80));
        for (int size : sizes()) {
            Samples.Spread be = e2eRatio("b", "e", size);
            goals.add(new Goal(
                    "End to end, " + Bodies.label(size) + ": (b) ≥ 3 × (e) req/s",
                    be.format("%.2f") + " ×",
                    be.median() >= 3));
        }
        // median over rounds: a round may include a few extra RPCs when the server expired the idle
        // instance (60 s) and the peer started it again (StartInstance + the retried HandleEvent)
        double rpc = sizes().stream()
                .mapToDouble(s -> e2e("b", s).rpcPerRequest().median())
                .max()
                .orElse(0);
        double rounded = Math.round(rpc * 100) / 100.0;
        goals.add(new Goal(
                "Default config: ≤ 3 PDK round trips per request (median over rounds)",
                String.format("%.2f", rounded),
                rounded <= 3));
        for (int size : sizes()) {
            EndToEnd.Result c = e2e("c", size);
            goals.add(new Goal(
                    "Sync acks=1, " + Bodies.label(size) + ": records delivered = requests acknowledged",
                    c.delivered() + " = " + c.acknowledged(),
                    c.delivered() == c.acknowledged()));
        }
    }

    List<Integer> sizes() {
        return e2e.stream().map(EndToEnd.Result::bodySize).distinct().toList();
    }

    boolean syncAssertionHeld() {
        return e2e.stream().filter(r -> r.column().sync()).allMatch(r -> r.delivered() == r.acknowledged());
    }
}
