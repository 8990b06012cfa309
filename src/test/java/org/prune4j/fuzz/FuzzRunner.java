package org.prune4j.fuzz;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.prune4j.UserError;

/**
 * Runs mutants of a target's seeds through its parser, each in a worker thread bounded in time. Accepted
 * inputs and {@link UserError}s with a clean one-line message are fine; anything else is a failure, and
 * the input that caused it is saved under {@code target/fuzz-failures/} to reproduce it.
 */
final class FuzzRunner {
    private final Path work;
    private final Path failuresDir;
    private final long perInputSeconds;

    FuzzRunner(Path work, Path failuresDir, long perInputSeconds) {
        this.work = work;
        this.failuresDir = failuresDir;
        this.perInputSeconds = perInputSeconds;
    }

    /** Runs {@code inputs} mutants of {@code t}'s seeds, drawn from {@code seed}. */
    FuzzStats run(FuzzTarget t, long inputs, long seed) throws Exception {
        Path dir = Files.createDirectories(work.resolve(t.name()));
        if (t.setup() != null) {
            t.setup().into(dir);
        }
        SplittableRandom rnd = new SplittableRandom(seed ^ t.name().hashCode());
        ExecutorService worker = newWorker(t.name());
        long accepted = 0;
        long userErrors = 0;
        List<String> failures = new ArrayList<>();
        long t0 = System.nanoTime();
        try {
            for (long i = 0; i < inputs; i++) {
                byte[] seedBytes = t.seeds().get(rnd.nextInt(t.seeds().size()));
                byte[] input = t.wrap().apply(Mutator.mutate(seedBytes, rnd));
                Path file = dir.resolve(t.fileName() != null ? t.fileName() : "input-" + i + ".in");
                Files.write(file, input);
                Future<Throwable> f = worker.submit(() -> {
                    try {
                        t.parser().parse(file);
                        return null;
                    } catch (Throwable e) {
                        return e;
                    }
                });
                Throwable outcome;
                try {
                    outcome = f.get(perInputSeconds, TimeUnit.SECONDS);
                } catch (TimeoutException e) {
                    f.cancel(true);
                    worker.shutdownNow();
                    worker = newWorker(t.name());
                    outcome = new TimeoutException("ran past " + perInputSeconds + " s");
                }
                if (outcome == null) {
                    accepted++;
                } else if (outcome instanceof UserError u && cleanMessage(u.getMessage())) {
                    userErrors++;
                } else {
                    failures.add(describe(outcome) + " (input saved as " + save(t.name(), i, input) + ")");
                }
                if (t.fileName() == null) {
                    Files.deleteIfExists(file);
                }
                if ((i + 1) % 10_000 == 0) { // a long run that is stopped early still leaves its figures
                    System.out.printf("fuzz-progress %s %d inputs %d accepted %d user errors %d failures %.1f s%n",
                            t.name(), i + 1, accepted, userErrors, failures.size(), (System.nanoTime() - t0) / 1e9);
                }
            }
        } finally {
            worker.shutdownNow();
        }
        return new FuzzStats(t.name(), inputs, accepted, userErrors, failures, (System.nanoTime() - t0) / 1e9);
    }

    /** One line, no control characters, no Java internals. */
    static boolean cleanMessage(String m) {
        return m != null && m.chars().noneMatch(Character::isISOControl) && !m.contains("java.")
                && !m.contains("cannot be cast") && !m.contains("Exception");
    }

    private static String describe(Throwable e) {
        String msg = e.getMessage() == null ? "" : e.getMessage().replaceAll("\\p{Cntrl}", "?");
        StackTraceElement[] st = e.getStackTrace();
        String where = st.length > 0 ? " at " + st[0] : "";
        return e.getClass().getName() + ": " + (msg.length() > 200 ? msg.substring(0, 200) + "..." : msg) + where;
    }

    private Path save(String target, long i, byte[] input) {
        try {
            Files.createDirectories(failuresDir);
            return Files.write(failuresDir.resolve(target + "-" + i + ".bin"), input);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static ExecutorService newWorker(String name) {
        return Executors.newSingleThreadExecutor(r -> {
            Thread th = new Thread(r, "fuzz-" + name);
            th.setDaemon(true);
            return th;
        });
    }
}
