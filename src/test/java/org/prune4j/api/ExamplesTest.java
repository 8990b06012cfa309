package org.prune4j.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The programs under {@code examples/} compile against the library and run: {@code PruneStories} gives the
 * Wanda 2:4 perplexity of the reference implementation (locuslab/wanda on the same model and protocol,
 * {@code src/test/resources/reference/README.md}) and saves the pruned model.
 */
class ExamplesTest {
    @TempDir
    Path dir;

    @Test
    void pruneStoriesCompilesRunsAndMatchesTheReference() throws Exception {
        Path source = Path.of("examples", "PruneStories.java");
        assertTrue(Files.isRegularFile(source), "run from the project root: " + source.toAbsolutePath());
        Path classes = Files.createDirectories(dir.resolve("classes"));
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        ByteArrayOutputStream diagnostics = new ByteArrayOutputStream();
        int rc = javac.run(null, null, diagnostics, "--release", "21", "-Xlint:all", "-Werror",
                "-cp", System.getProperty("java.class.path"), "-d", classes.toString(), source.toString());
        assertEquals(0, rc, diagnostics.toString(StandardCharsets.UTF_8));

        Path out = dir.resolve("stories260K-wanda-2of4.bin");
        String printed;
        PrintStream old = System.out;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        try (URLClassLoader loader = new URLClassLoader(new URL[] {classes.toUri().toURL()}, getClass().getClassLoader())) {
            Method main = loader.loadClass("PruneStories").getMethod("main", String[].class);
            System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
            main.invoke(null, (Object) new String[] {out.toString()});
        } finally {
            System.setOut(old);
        }
        printed = captured.toString(StandardCharsets.UTF_8);

        assertEquals(4.1688, number(printed, "dense perplexity\\s+([0-9.]+)"), 1e-4, printed);
        assertEquals(77.5394, number(printed, "pruned perplexity\\s+([0-9.]+)"), 77.5394 * 1e-3, printed);
        assertEquals(0.5, number(printed, "at sparsity ([0-9.]+)"), 1e-9, printed);
        assertTrue(Files.size(out) > 0);
        assertTrue(Files.isRegularFile(Prune4j.reportPath(out)));
        List<String> file = Files.readAllLines(source).stream().map(String::strip).toList();
        List<String> readme = readmeExample().stream().map(String::strip).toList();
        assertTrue(readme.size() >= 10 && java.util.Collections.indexOfSubList(file, readme) >= 0,
                "the README's example is code of examples/PruneStories.java: " + readme);
    }

    /** The lines of the first Java block of the README's "Java API" section. */
    private static List<String> readmeExample() throws Exception {
        List<String> lines = Files.readAllLines(Path.of("README.md"));
        int heading = -1;
        for (int i = 0; i < lines.size() && heading < 0; i++) {
            heading = lines.get(i).startsWith("## Java API") ? i : -1;
        }
        assertTrue(heading >= 0, "README has a '## Java API' section");
        int start = lines.subList(heading, lines.size()).indexOf("```java") + heading + 1;
        assertTrue(start > heading, "the Java API section shows the example");
        int end = lines.subList(start, lines.size()).indexOf("```") + start;
        return lines.subList(start, end);
    }

    private static double number(String text, String regex) {
        Matcher m = Pattern.compile(regex).matcher(text);
        assertTrue(m.find(), "'" + regex + "' in: " + text);
        return Double.parseDouble(m.group(1).toLowerCase(Locale.ROOT));
    }
}
