package dev.kongjava.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The commit a run measures. Results must come from a clean tree so that they belong to that commit:
 * a dirty tree is refused, or (with {@code --allow-dirty}, for experiments) its diff is written next
 * to the results and the report says so.
 */
record GitState(String commit, String changes) {
    /** The file next to RESULTS.md that holds the uncommitted changes of a dirty run. */
    static final String DIFF_FILE = "dirty.diff";

    static GitState of(Path repo) {
        String commit = Machine.command(List.of("git", "-C", repo.toString(), "rev-parse", "--short=12", "HEAD"))
                .trim();
        String status = Machine.command(List.of("git", "-C", repo.toString(), "status", "--porcelain"));
        return new GitState(commit, status);
    }

    boolean dirty() {
        return !changes.isBlank();
    }

    /** What RESULTS.md shows as the commit. */
    String describe() {
        return dirty() ? commit + "-dirty (uncommitted changes in " + DIFF_FILE + ")" : commit;
    }

    /** The uncommitted changes (diff against HEAD and the untracked files), written next to the results. */
    void writeDiff(Path repo, Path results) throws IOException {
        Files.createDirectories(results);
        String diff = Machine.command(List.of("git", "-C", repo.toString(), "diff", "HEAD"));
        Files.writeString(results.resolve(DIFF_FILE), "# git status --porcelain\n" + changes + "\n" + diff);
    }
}
