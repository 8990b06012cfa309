package org.prune4j.architecture;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.spi.ToolProvider;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Javadoc jar that {@code ./mvnw install} publishes builds: the API sources (the same files the pom's
 * javadoc plugin includes) pass {@code javadoc} with doclint, so a broken {@code {@link}} fails here instead of
 * at install time.
 */
class ApiJavadocTest {
    @Test
    void apiJavadocBuildsWithoutErrors(@TempDir Path out) throws Exception {
        ToolProvider javadoc = ToolProvider.findFirst("javadoc").orElseThrow(() -> new IllegalStateException("no javadoc in this JDK"));
        List<String> args = new ArrayList<>(List.of("-quiet", "-d", out.toString(), "--release", "21",
                "-Xdoclint:all,-missing", "-sourcepath", "src/main/java", "-cp", System.getProperty("java.class.path")));
        args.add("src/main/java/org/prune4j/UserError.java");
        for (String dir : new String[] {"src/main/java/org/prune4j/api", "src/main/java/org/prune4j/api/report"}) {
            try (Stream<Path> files = Files.list(Path.of(dir))) {
                files.filter(f -> f.toString().endsWith(".java")).sorted().forEach(f -> args.add(f.toString()));
            }
        }
        StringWriter log = new StringWriter();
        int rc = javadoc.run(new PrintWriter(log), new PrintWriter(log), args.toArray(String[]::new));
        assertEquals(0, rc, "javadoc of the API failed:\n" + log);
    }
}
