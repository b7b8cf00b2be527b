package dev.kongjava.kafkaupstream;

import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The relative links of the repository's Markdown files, and the anchors GitHub gives their
 * headings, so that a link that breaks when text moves between files fails the build.
 */
final class DocLinks {
    private static final Pattern FENCE = Pattern.compile("^\\s*(```|~~~)");
    private static final Pattern HEADING = Pattern.compile("^#{1,6}\\s+(.*?)\\s*#*\\s*$");
    private static final Pattern CODE_SPAN = Pattern.compile("(`+)(.+?)\\1");
    private static final Pattern INLINE_LINK =
            Pattern.compile("!?\\[([^\\]]*)\\]\\(\\s*<?([^)\\s>]*)>?(?:\\s+\"[^\"]*\")?\\s*\\)");
    private static final Pattern REFERENCE = Pattern.compile("^\\s{0,3}\\[[^\\]]+\\]:\\s*<?([^\\s>]+)>?");
    private static final Pattern SOURCE = Pattern.compile(".*\\.(java|lua|sh|conf|xml|yml|properties)");
    private static final Pattern SCHEME = Pattern.compile("^([a-zA-Z][a-zA-Z0-9+.-]*:|//)");

    private DocLinks() {}

    /** Every Markdown file under {@code root}, skipping build output and hidden directories. */
    static List<Path> markdownFiles(Path root) throws IOException {
        try (Stream<Path> files = Files.walk(root)) {
            return files.filter(f -> f.toString().endsWith(".md") && !skipped(root.relativize(f)))
                    .sorted()
                    .toList();
        }
    }

    /** Every source, script and build file under {@code root} that can name a document, skipping the same. */
    static List<Path> sourceFiles(Path root) throws IOException {
        try (Stream<Path> files = Files.walk(root)) {
            return files.filter(
                            f -> SOURCE.matcher(f.getFileName().toString()).matches() && !skipped(root.relativize(f)))
                    .sorted()
                    .toList();
        }
    }

    private static boolean skipped(Path relative) {
        for (Path part : relative) {
            String name = part.toString();
            if (name.equals("target") || name.equals("node_modules") || name.startsWith(".")) {
                return true;
            }
        }
        return false;
    }

    /** The link targets of a Markdown text, outside code blocks and code spans, in order. */
    static List<String> links(String markdown) {
        List<String> targets = new ArrayList<>();
        for (String line : proseLines(markdown)) {
            Matcher ref = REFERENCE.matcher(line);
            if (ref.find()) {
                targets.add(ref.group(1));
            }
            Matcher m = INLINE_LINK.matcher(CODE_SPAN.matcher(line).replaceAll(""));
            while (m.find()) {
                targets.add(m.group(2));
            }
        }
        return targets;
    }

    /** The anchors GitHub gives the headings of a Markdown text, duplicates numbered as GitHub does. */
    static Set<String> anchors(String markdown) {
        Set<String> anchors = new LinkedHashSet<>();
        Map<String, Integer> seen = new HashMap<>();
        for (String line : proseLines(markdown)) {
            Matcher m = HEADING.matcher(line);
            if (m.matches()) {
                String slug = slug(m.group(1));
                int n = seen.merge(slug, 1, Integer::sum) - 1;
                anchors.add(n == 0 ? slug : slug + "-" + n);
            }
        }
        return anchors;
    }

    /**
     * GitHub's anchor for a heading: its text as rendered (code spans keep their text, links their
     * label, emphasis marks go), lower-cased, without characters other than letters, digits,
     * '-', '_' and spaces, each space a '-'.
     */
    static String slug(String heading) {
        String text = CODE_SPAN.matcher(heading).replaceAll(r -> Matcher.quoteReplacement(r.group(2)));
        text = INLINE_LINK.matcher(text).replaceAll(r -> Matcher.quoteReplacement(r.group(1)));
        text = text.replaceAll("<[^>]*>", "").toLowerCase(Locale.ROOT);
        StringBuilder out = new StringBuilder();
        text.codePoints().forEach(c -> {
            if (c == ' ') {
                out.append('-');
            } else if (Character.isLetterOrDigit(c) || c == '-' || c == '_') {
                out.appendCodePoint(c);
            }
        });
        return out.toString();
    }

    /** What is wrong with each relative link of {@code document}: a missing file or heading. */
    static List<String> broken(Path root, Path document) throws IOException {
        Path top = root.toAbsolutePath().normalize();
        String text = Files.readString(document, StandardCharsets.UTF_8);
        List<String> broken = new ArrayList<>();
        for (String link : links(text)) {
            if (SCHEME.matcher(link).find()) {
                continue;
            }
            int hash = link.indexOf('#');
            String path = URLDecoder.decode(hash < 0 ? link : link.substring(0, hash), StandardCharsets.UTF_8);
            String fragment = hash < 0 ? null : link.substring(hash + 1);
            Path target = path.isEmpty()
                    ? document
                    : document.toAbsolutePath().getParent().resolve(path).normalize();
            String where = top.relativize(document.toAbsolutePath().normalize()) + ": (" + link + ")";
            if (!target.toAbsolutePath().normalize().startsWith(top) || !Files.exists(target)) {
                broken.add(where + " no such file");
            } else if (fragment != null
                    && target.toString().endsWith(".md")
                    && !anchors(Files.readString(target, StandardCharsets.UTF_8))
                            .contains(fragment)) {
                broken.add(where + " no such heading");
            }
        }
        return broken;
    }

    /** The lines of a Markdown text outside fenced code blocks. */
    private static List<String> proseLines(String markdown) {
        List<String> lines = new ArrayList<>();
        String fence = null;
        for (String line : markdown.split("\n", -1)) {
            Matcher f = FENCE.matcher(line);
            if (fence == null && f.find()) {
                fence = f.group(1);
            } else if (fence != null) {
                if (line.strip().startsWith(fence)) {
                    fence = null;
                }
            } else {
                lines.add(line);
            }
        }
        return lines;
    }
}
