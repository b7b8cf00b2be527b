package dev.kongjava.bench;

import java.util.Map;

/** Writes RESULTS.md: goals first, then every table with medians and min–max spreads. */
final class Report {
    private final Results r;
    private final StringBuilder md = new StringBuilder();

    private Report(Results r) {
        this.r = r;
    }

    static String markdown(Results r) {
        return new Report(r).build();
    }

    private String build() {
        md.append("# Benchmark results\n\n");
        md.append("Produced by `")
                .append(r.command().trim())
                .append("` in ")
                .append(r.elapsedSeconds() / 60)
                .append(" min ")
                .append(r.elapsedSeconds() % 60)
                .append(" s. Every figure is the median over rounds with the min–max ")
                .append("spread in parentheses. Within a round every column runs once, in an order that rotates from ")
                .append("round to round. Every ratio is computed one way: between two columns of the same round, then ")
                .append("the median of those per-round ratios with their min–max (so a ratio is not the quotient of ")
                .append("the two medians shown next to it). Chart: [chart.svg](chart.svg); ")
                .append("raw numbers: [results.json](results.json).\n\n");
        goals();
        machine();
        pdk();
        e2e();
        producer();
        coldStart();
        memory();
        profiles();
        return md.toString();
    }

    private void goals() {
        md.append("## Goals\n\n| Goal | Measured | Status |\n|---|---|---|\n");
        for (Results.Goal g : r.goals()) {
            md.append("| ")
                    .append(g.goal())
                    .append(" | ")
                    .append(g.measured())
                    .append(" | ")
                    .append(g.met() ? "met" : "**missed**")
                    .append(" |\n");
        }
        md.append('\n');
    }

    private void machine() {
        md.append("## Machine, versions, load\n\n| | |\n|---|---|\n");
        r.facts().forEach((k, v) -> row(k, v));
        r.versions().forEach((k, v) -> row(k, v));
        double[] l = r.load();
        row(
                "Load average (1 min) during the run",
                String.format(
                        "first %.2f, mean %.2f, max %.2f, last %.2f "
                                + "(sampled every 10 s; 2 cores, so anything above ~2 means queueing)",
                        l[0], l[1], l[2], l[3]));
        md.append("\nTop processes when the run started (other people's builds share this machine):\n\n```\n")
                .append(r.othersAtStart())
                .append("```\n\n");
    }

    private void pdk() {
        if (r.pdk().isEmpty()) {
            return;
        }
        md.append("## 1. PDK round trip\n\nOne client connection, one call at a time (as Kong): HandleEvent, 4 × Step ")
                .append("answering `kong.request.get_header`, then the plugin's `kong.response.exit`; µs per call ")
                .append(
                        "measured by the client around each write+read. Server CPU is the server process's own CPU time ")
                .append("per call (from /proc).\n\n");
        md.append(
                "| Server | Median µs/call | p99 µs/call | Median ÷ echo | Server CPU µs/call |\n|---|---|---|---|---|\n");
        for (PdkRoundTrip.Result p : r.pdk()) {
            md.append("| ")
                    .append(p.label())
                    .append(" | ")
                    .append(p.medianUs().format("%.1f"))
                    .append(" | ")
                    .append(p.p99Us().format("%.1f"))
                    .append(" | ")
                    .append(r.pdkRatio(p.key(), "echo").format("%.2f"))
                    .append(" | ")
                    .append(p.serverCpuUsPerCall().format("%.1f"))
                    .append(" |\n");
        }
        md.append("\nOur server ÷ JS server (median): ")
                .append(r.pdkRatio("ours", "js").format("%.2f"))
                .append("\n\n");
    }

    private void e2e() {
        if (r.e2e().isEmpty()) {
            return;
        }
        md.append("## 2. End to end: wrk → nginx/Lua Kong peer → plugin server → Kafka\n\n");
        for (int size : r.sizes()) {
            md.append("### ").append(Bodies.label(size)).append(" JSON bodies\n\n");
            md.append("| Column | req/s | ÷ (a) | p50 ms | p99 ms | RPC/req | Acknowledged (200) | Delivered | ")
                    .append(
                            "Delivered = acknowledged | Non-2xx + socket errors |\n|---|---|---|---|---|---|---|---|---|---|\n");
            for (GatewaySetup.Column c : GatewaySetup.COLUMNS) {
                EndToEnd.Result e = r.e2e(c.key(), size);
                boolean hasTopic = c.topic() != null;
                md.append("| ")
                        .append(c.label())
                        .append(" | ")
                        .append(e.rps().format("%.0f"))
                        .append(" | ")
                        .append(r.e2eRatio(c.key(), "a", size).format("%.2f"))
                        .append(" | ")
                        .append(e.p50().format("%.2f"))
                        .append(" | ")
                        .append(e.p99().format("%.2f"))
                        .append(" | ")
                        .append(String.format("%.2f", e.rpcPerRequest().median()))
                        .append(" | ")
                        .append(e.acknowledged())
                        .append(" | ")
                        .append(hasTopic ? e.delivered() : "–")
                        .append(" | ")
                        .append(hasTopic ? (e.delivered() == e.acknowledged() ? "yes" : "**no**") : "–")
                        .append(" | ")
                        .append(e.failures())
                        .append(" |\n");
            }
            md.append("\n(b) ÷ (e): ")
                    .append(r.e2eRatio("b", "e", size).format("%.2f"))
                    .append("; (c) ÷ (b): ")
                    .append(r.e2eRatio("c", "b", size).format("%.2f"))
                    .append("\n\n");
            cpu(size);
        }
    }

    private void cpu(int size) {
        md.append("CPU time per request, µs, by process (/proc utime+stime over the run ÷ requests; \"other\" is ")
                .append(
                        "everything else on the machine, including other users' builds; total is the sum per run):\n\n| Column |");
        EndToEnd.COMPONENTS.forEach(c -> md.append(' ').append(c).append(" |"));
        md.append(" total |\n|---|");
        EndToEnd.COMPONENTS.forEach(c -> md.append("---|"));
        md.append("---|\n");
        for (GatewaySetup.Column c : GatewaySetup.COLUMNS) {
            EndToEnd.Result e = r.e2e(c.key(), size);
            md.append("| ").append(c.label()).append(" |");
            for (String comp : EndToEnd.COMPONENTS) {
                md.append(' ').append(e.cpu(comp).format("%.0f")).append(" |");
            }
            md.append(' ').append(e.cpuTotal().format("%.0f")).append(" |\n");
        }
        md.append('\n');
    }

    private void producer() {
        ProducerPath.Result p = r.producer();
        if (p == null) {
            return;
        }
        md.append("## 3. Producer path alone (no nginx)\n\n")
                .append(p.connections())
                .append(" driver connections, one outstanding request each; kafka-upstream default config (async), ")
                .append(Bodies.label(p.bodySize()))
                .append(" JSON body → records of ")
                .append(p.recordSize())
                .append(" bytes. ProducerPerformance writes records of the same size to the same broker. ")
                .append("Records/s = records that reached the topic ÷ time until the last one arrived.\n\n");
        md.append("| Producer | records/s | Ours ÷ this |\n|---|---|---|\n");
        md.append("| kafka-upstream via the socket (HandleEvent + 2 Steps per record) | ")
                .append(p.ours().format("%.0f"))
                .append(" | – |\n");
        md.append("| ProducerPerformance, Kafka defaults (acks=1) | ")
                .append(p.ppDefaults().format("%.0f"))
                .append(" | ")
                .append(r.producerRatio(ProducerPath.Round::ppDefaults).format("%.2f"))
                .append(" |\n");
        md.append("| ProducerPerformance, kafka-upstream's settings (")
                .append(String.join(" ", ProducerPath.PLUGIN_PRODUCER))
                .append(") | ")
                .append(p.ppPlugin().format("%.0f"))
                .append(" | ")
                .append(r.producerRatio(ProducerPath.Round::ppPlugin).format("%.2f"))
                .append(" |\n\n");
        md.append(
                "| Round | accepted (200) | delivered | 503 | server CPU µs/record | driver CPU µs/record |\n|---|---|---|---|---|---|\n");
        int i = 1;
        for (ProducerPath.Round round : p.rounds()) {
            md.append(String.format(
                    "| %d | %d | %d | %d | %.1f | %.1f |%n",
                    i++,
                    round.accepted(),
                    round.delivered(),
                    round.rejected(),
                    round.serverCpuUsPerRecord(),
                    round.driverCpuUsPerRecord()));
        }
        md.append('\n');
    }

    private void coldStart() {
        if (r.coldStart().isEmpty()) {
            return;
        }
        md.append("## 5. Cold start: process start to the first 200\n\nA fresh server process per column and round; ")
                .append("as soon as its socket accepts, a Kong-like client sends StartInstance and one access event ")
                .append("(512 B JSON body), then 50 more requests one after the other. ms from starting the process ")
                .append("(JVM or node start included):\n\n| Column | socket accepts | first 200 | ")
                .append("first request (StartInstance + event) | next 50 requests, median |\n|---|---|---|---|---|\n");
        for (ColdStart.Result c : r.coldStart()) {
            md.append("| ")
                    .append(c.label())
                    .append(" | ")
                    .append(c.acceptMs().format("%.0f"))
                    .append(" | ")
                    .append(c.firstOkMs().format("%.0f"))
                    .append(" | ")
                    .append(c.firstRequestMs().format("%.1f"))
                    .append(" | ")
                    .append(c.warmRequestMs().format("%.2f"))
                    .append(" |\n");
        }
        md.append('\n');
    }

    private void memory() {
        Memory.Result m = r.memory();
        if (m == null) {
            return;
        }
        md.append("## 4. Memory of the kafka-upstream server (VmRSS)\n\nJVM options as the launcher's defaults: `")
                .append(String.join(" ", Env.serverJvm()))
                .append("`.\n\n| State | RSS MiB |\n|---|---|\n");
        md.append(String.format("| fresh, idle | %.0f |%n", m.idleKib() / 1024.0));
        md.append(String.format(
                "| %d instances, each served one request | %.0f |%n", m.instances(), m.instancesKib() / 1024.0));
        md.append(String.format("| + %d open connections | %.0f |%n", m.connections(), m.connectionsKib() / 1024.0));
        double minutes = m.soak().isEmpty() ? 0 : m.soak().getLast().seconds() / 60;
        md.append(String.format(
                "| soak (%.1f min of wrk, /soak = default config, 512 B): first sample | %.0f |%n",
                minutes, m.first() / 1024.0));
        md.append(String.format(
                "| soak: last sample | %.0f |%n| soak: max | %.0f |%n%n", m.last() / 1024.0, m.max() / 1024.0));
        md.append(String.format(
                "Soak load: %.0f req/s, p99 %.2f ms; acknowledged %d, delivered %d (%s); "
                        + "non-2xx + socket errors %d. The 1,000 instances expire after the default 60 s idle time during the soak.%n%n",
                m.soakWrk().rps(),
                m.soakWrk().p99Ms(),
                m.soakAcknowledged(),
                m.soakDelivered(),
                m.soakAcknowledged() == m.soakDelivered() ? "equal" : "differ",
                m.soakWrk().non2xx() + m.soakWrk().socketErrors()));
    }

    private void profiles() {
        for (JfrProfile.Summary s : r.profiles()) {
            md.append("## Profile: ")
                    .append(s.title())
                    .append("\n\n")
                    .append(s.samples())
                    .append(
                            " JFR execution samples (Java frames only: time in syscalls and in the JVM's own threads is ")
                    .append("not sampled). Heap allocation: about ")
                    .append(String.format("%.0f", s.allocatedBytesPerRequest()))
                    .append(" bytes per request (heap growth between GCs ÷ requests; 0 when no GC ran).\n\n");
            table("Code area (top frame)", "% samples", s.areas());
            table("Hottest frames (self)", "% samples", s.topSelf());
            table("Our methods, inclusive", "% samples", s.ourInclusive());
            table("Allocation sites (first own frame)", "% sampled weight", s.topAllocations());
        }
    }

    private void table(String what, String unit, Map<String, Double> values) {
        md.append("| ").append(what).append(" | ").append(unit).append(" |\n|---|---|\n");
        values.forEach((k, v) -> md.append("| `")
                .append(k)
                .append("` | ")
                .append(String.format("%.1f", v))
                .append(" |\n"));
        md.append('\n');
    }

    private void row(String k, String v) {
        md.append("| ").append(k).append(" | ").append(v.replace("|", "\\|")).append(" |\n");
    }
}
