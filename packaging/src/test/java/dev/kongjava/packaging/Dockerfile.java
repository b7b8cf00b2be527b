package dev.kongjava.packaging;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Just enough of the Dockerfile syntax to check docker/Dockerfile without a Docker engine:
 * stages, COPY (with --from), ENV and RUN.
 */
record Dockerfile(List<Stage> stages) {
    private static final Pattern ENV_PAIR =
            Pattern.compile("([A-Za-z_][A-Za-z0-9_]*)=(\"((?:[^\"\\\\]|\\\\.)*)\"|\\S+)");

    /** One {@code FROM image [AS name]} stage with its instructions. */
    record Stage(String image, String name, List<Copy> copies, Map<String, String> env, List<String> runs) {}

    /** {@code COPY [--from=stage] source... destination}. */
    record Copy(String from, List<String> sources, String destination) {}

    static Dockerfile parse(String text) {
        List<Stage> stages = new ArrayList<>();
        for (String line : logicalLines(text)) {
            String keyword = line.split("\\s+", 2)[0].toUpperCase(java.util.Locale.ROOT);
            String args = line.substring(keyword.length()).strip();
            if (keyword.equals("FROM")) {
                String[] words = args.split("\\s+");
                String name = words.length >= 3 && words[1].equalsIgnoreCase("AS") ? words[2] : null;
                stages.add(new Stage(words[0], name, new ArrayList<>(), new LinkedHashMap<>(), new ArrayList<>()));
            } else if (stages.isEmpty()) {
                // nothing to keep: ARG or syntax directives before the first FROM
            } else if (keyword.equals("COPY") || keyword.equals("ADD")) {
                stages.getLast().copies().add(copy(args));
            } else if (keyword.equals("ENV")) {
                Matcher m = ENV_PAIR.matcher(args);
                while (m.find()) {
                    stages.getLast().env().put(m.group(1), m.group(3) != null ? m.group(3) : m.group(2));
                }
            } else if (keyword.equals("RUN")) {
                stages.getLast().runs().add(args);
            }
        }
        return new Dockerfile(stages);
    }

    Stage stage(String name) {
        return stages.stream()
                .filter(s -> name.equals(s.name()))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no stage " + name + " in " + stages));
    }

    Stage last() {
        return stages.getLast();
    }

    private static Copy copy(String args) {
        String from = null;
        List<String> words = new ArrayList<>(List.of(args.split("\\s+")));
        while (!words.isEmpty() && words.getFirst().startsWith("--")) {
            String flag = words.removeFirst();
            if (flag.startsWith("--from=")) {
                from = flag.substring("--from=".length());
            }
        }
        String destination = words.removeLast();
        return new Copy(from, List.copyOf(words), destination);
    }

    private static List<String> logicalLines(String text) {
        List<String> lines = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        for (String raw : text.split("\n")) {
            String line = raw.strip();
            if (current.isEmpty() && (line.isEmpty() || line.startsWith("#"))) {
                continue;
            }
            if (line.endsWith("\\")) {
                current.append(line, 0, line.length() - 1).append(' ');
            } else {
                current.append(line);
                lines.add(current.toString().replaceAll("\\s+", " ").strip());
                current.setLength(0);
            }
        }
        return lines;
    }
}
