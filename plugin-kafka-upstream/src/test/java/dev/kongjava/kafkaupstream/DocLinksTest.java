package dev.kongjava.kafkaupstream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every relative link of the README, docs/*.md and the module READMEs points to a file that exists
 * and, for a {@code #anchor} into a Markdown file, to a heading it has, and every docs/*.md a source
 * comment names exists: text moved between files keeps its links working.
 */
class DocLinksTest {
    /** A document under docs/ as source comments name it, e.g. {@code docs/protocol.md}. */
    private static final Pattern DOCS_PATH = Pattern.compile("(?<![\\w/.-])docs/[A-Za-z0-9_-]+\\.md");

    @Test
    void everyRelativeLinkOfTheDocumentationPointsToAnExistingFileAndHeading() throws Exception {
        List<Path> documents = DocLinks.markdownFiles(ReadmeSections.ROOT);
        List<String> broken = new ArrayList<>();
        int links = 0;
        for (Path document : documents) {
            links += DocLinks.links(Files.readString(document)).size();
            broken.addAll(DocLinks.broken(ReadmeSections.ROOT, document));
        }
        assertEquals(List.of(), broken, "broken links");
        assertTrue(
                documents.contains(ReadmeSections.README)
                        && documents.contains(ReadmeSections.ROOT.resolve("docs/pdk-guide.md"))
                        && documents.contains(ReadmeSections.ROOT.resolve("plugin-server/README.md")),
                "documents checked: " + documents);
        assertTrue(links >= 50, "links checked: " + links);
    }

    @Test
    void everyDocumentASourceFileNamesUnderDocsExists() throws Exception {
        List<String> missing = new ArrayList<>();
        int named = 0;
        for (Path source : DocLinks.sourceFiles(ReadmeSections.ROOT)) {
            Matcher m = DOCS_PATH.matcher(Files.readString(source));
            while (m.find()) {
                named++;
                if (!Files.exists(ReadmeSections.ROOT.resolve(m.group()))) {
                    missing.add(ReadmeSections.ROOT.relativize(source) + ": " + m.group());
                }
            }
        }
        assertEquals(List.of(), missing, "documents named in sources that do not exist");
        assertTrue(named >= 20, "docs/*.md named in sources: " + named);
    }

    @Test
    void anchorsFollowGitHubsRulesForPunctuationCodeLinksAndDuplicates() {
        String markdown = """
                # Kong 3.9.x: Admin API `GET /` answers 500
                ## kafka-upstream, sync mode (`producer_async=false`)
                ### TLS without an Admin API (DB-less, hybrid, Konnect)
                ## See [the guide](docs/pdk-guide.md) & more
                ## Limits
                ## Limits
                ```sh
                # a comment in a code block is no heading
                ```
                """;
        assertEquals(
                Set.of(
                        "kong-39x-admin-api-get--answers-500",
                        "kafka-upstream-sync-mode-producer_asyncfalse",
                        "tls-without-an-admin-api-db-less-hybrid-konnect",
                        "see-the-guide--more",
                        "limits",
                        "limits-1"),
                DocLinks.anchors(markdown));
    }

    @Test
    void aMissingFileAMissingHeadingAndALinkOutOfTheRepositoryAreEachReported(@TempDir Path root) throws Exception {
        Files.createDirectories(root.resolve("guides"));
        Files.writeString(root.resolve("guides/guide.md"), "# Guide\n\n## Phases\n");
        Path readme = root.resolve("README.md");
        Files.writeString(readme, """
                [ok](guides/guide.md#phases) [ok too](#top) [web](https://example.com/x.md) `[code](nowhere.md)`
                [gone](guides/missing.md) [no heading](guides/guide.md#readahead) [outside](../elsewhere.md)
                ```md
                [in a code block](nowhere.md)
                ```
                # Top
                """);
        assertEquals(
                List.of(
                        "README.md: (guides/missing.md) no such file",
                        "README.md: (guides/guide.md#readahead) no such heading",
                        "README.md: (../elsewhere.md) no such file"),
                DocLinks.broken(root, readme));
    }
}
