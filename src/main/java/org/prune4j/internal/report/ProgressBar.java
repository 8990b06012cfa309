package org.prune4j.internal.report;

import java.io.PrintStream;
import java.util.Locale;

/**
 * A one-line progress bar on standard error, for anything that runs longer than a couple of seconds.
 * It draws only when standard error is a terminal or {@code PRUNE4J_PROGRESS=1}, at most every 200 ms,
 * and never on standard output (which stays clean for {@code --json}).
 *
 * <pre>{@code
 * try (ProgressBar bar = ProgressBar.start("evaluating", windows)) {
 *     for (...) { ...; bar.step(); }
 * }
 * }</pre>
 */
public final class ProgressBar implements AutoCloseable {
    private static final boolean ENABLED = System.console() != null || "1".equals(System.getenv("PRUNE4J_PROGRESS"));
    private final String label;
    private final long total;
    private final long startNanos = System.nanoTime();
    private final PrintStream out = System.err;
    private long done;
    private long lastDraw;
    private boolean drawn;

    private ProgressBar(String label, long total) {
        this.label = label;
        this.total = Math.max(total, 1);
    }

    /** Starts a bar for {@code total} steps. */
    public static ProgressBar start(String label, long total) {
        return new ProgressBar(label, total);
    }

    /** One step done. */
    public void step() {
        step(1);
    }

    /** {@code n} steps done. */
    public synchronized void step(long n) {
        done = Math.min(total, done + n);
        long now = System.nanoTime();
        if (ENABLED && (now - lastDraw > 200_000_000L || done == total) && now - startNanos > 1_000_000_000L) {
            lastDraw = now;
            draw(now);
        }
    }

    private void draw(long now) {
        int width = 30;
        int filled = (int) (width * done / total);
        double secs = (now - startNanos) / 1e9;
        double eta = done == 0 ? 0 : secs * (total - done) / done;
        out.print(String.format(Locale.ROOT, "\r%-18s [%s%s] %d/%d %.1fs eta %.1fs ", label,
                "#".repeat(filled), ".".repeat(width - filled), done, total, secs, eta));
        out.flush();
        drawn = true;
    }

    @Override
    public synchronized void close() {
        if (drawn) {
            draw(System.nanoTime());
            out.println();
        }
    }
}
