package org.prune4j.internal.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The tool commands ({@code convert}, {@code inspect}, {@code bench}, {@code demo}) print their recipe, embed it in
 * their JSON, and {@code run} of the printed recipe does what the command line does.
 */
class ToolCommandRecipesTest {
    @TempDir
    Path dir;

    private Path recipe(String name, String... args) throws Exception {
        CliRun r = CliRun.of(args);
        assertEquals(0, r.code(), r.err());
        Path f = dir.resolve(name);
        Files.writeString(f, r.out());
        return f;
    }

    @Test
    void convertReplaysToTheSameBytesAndEmbedsItsRecipe() throws Exception {
        Path direct = dir.resolve("direct.gguf");
        Path r = recipe("c.yaml", "convert", "--model", "stories260K", "--to", "gguf", "--out", direct.toString(), "--print-recipe");
        assertFalse(Files.exists(direct), "--print-recipe writes nothing");
        assertTrue(Files.readString(r).contains("job: \"convert\""), Files.readString(r));
        CliRun c = CliRun.of("convert", "--model", "stories260K", "--to", "gguf", "--out", direct.toString(), "--json");
        assertEquals(0, c.code(), c.err());
        JsonNode j = new ObjectMapper().readTree(c.out());
        assertEquals("gguf", j.get("recipe").get("output").get("format").asText());
        Path replayed = dir.resolve("replayed.gguf");
        CliRun run = CliRun.of("run", r.toString(), "--out", replayed.toString());
        assertEquals(0, run.code(), run.err());
        assertArrayEquals(Files.readAllBytes(direct), Files.readAllBytes(replayed));
    }

    @Test
    void inspectReplaysToTheSameOutput() throws Exception {
        Path r = recipe("i.yaml", "inspect", "--model", "stories260K", "--json", "--print-recipe");
        CliRun direct = CliRun.of("inspect", "--model", "stories260K", "--json");
        CliRun run = CliRun.of("run", r.toString(), "--json");
        assertEquals(0, run.code(), run.err());
        assertEquals(direct.out(), run.out());
        assertEquals("inspect", new ObjectMapper().readTree(direct.out()).get("recipe").get("job").asText());
    }

    @Test
    void benchRecipeKeepsEveryModelAndRuns() throws Exception {
        Path r = recipe("b.yaml", "bench", "--model", "stories260K", "--model", "stories260K", "--prefill", "8", "--decode", "2",
                "--runs", "1", "--warmup", "0", "--print-recipe");
        String yaml = Files.readString(r);
        assertEquals(2, yaml.lines().filter(l -> l.strip().equals("- \"stories260K\"")).count(), yaml);
        CliRun run = CliRun.of("run", r.toString(), "--json");
        assertEquals(0, run.code(), run.err());
        JsonNode j = new ObjectMapper().readTree(run.out());
        assertEquals(2, j.get("models").size());
        assertEquals(2, j.get("recipe").get("models").get("paths").size());
        assertEquals(8, j.get("recipe").get("bench").get("prefill").asInt());
        Path bad = dir.resolve("bad.yaml");
        Files.writeString(bad, "job: bench\nmodels: {paths: stories260K}\n");
        CliRun b = CliRun.of("run", bad.toString());
        assertEquals(2, b.code(), b.err());
        assertTrue(b.err().contains("models.paths: expected a list of strings"), b.err());
        assertFalse(b.err().contains("\tat "), b.err());
    }

    @Test
    void demoRecipeIsTheJobAlone() throws Exception {
        Path r = recipe("d.yaml", "demo", "--print-recipe");
        assertEquals("job: \"demo\"", Files.readString(r).lines().filter(l -> !l.startsWith("#")).reduce("", String::concat).strip());
        Path bad = dir.resolve("bad.yaml");
        Files.writeString(bad, "job: demo\nmethod: {name: wanda}\n");
        CliRun b = CliRun.of("run", bad.toString());
        assertEquals(2, b.code(), b.err());
        assertTrue(b.err().contains("unknown key 'method'"), b.err());
    }
}
