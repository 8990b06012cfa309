package org.prune4j.internal.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.prune4j.internal.experiment.Fixtures;
import picocli.CommandLine;

class ExperimentCommandsTest {
    @TempDir
    Path tmp;

    record Result(int code, String out, String err) {}

    static Result run(String... args) {
        CommandLine cl = Main.commandLine();
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cl.setOut(new PrintWriter(out));
        cl.setErr(new PrintWriter(err));
        return new Result(cl.execute(args), out.toString(), err.toString());
    }

    @Test
    void badInputIsAOneLineUserErrorWithExitCode2() throws Exception {
        String out = tmp.resolve("runs").toString();
        String data = Fixtures.dataDir().toString();
        for (String[] args : new String[][] {
                {"lottery", "--rate", "1.5", "--out", out, "--data-dir", data},
                {"lottery", "--rate", "0", "--out", out, "--data-dir", data},
                {"lottery", "--model", "lenet-9000", "--out", out, "--data-dir", data},
                {"train", "--dataset", "imagenet", "--out", out, "--data-dir", data},
                {"train", "--prune", "snip", "--sparsity", "1.3", "--out", out, "--data-dir", data},
                {"train", "--epochs", "many", "--out", out, "--data-dir", data},
                {"train", "--model", "resnet20", "--dataset", "fashion-mnist", "--out", out, "--data-dir", data}}) {
            Result r = run(args);
            assertEquals(2, r.code(), String.join(" ", args) + " → " + r.err());
            assertTrue(r.err().startsWith("prune4j: "), r.err());
            assertTrue(!r.err().contains("\tat "), "no stack trace: " + r.err());
        }
        Result r = run("lottery", "--rate", "1.5", "--out", out, "--data-dir", data);
        assertEquals("prune4j: --rate 1.5: must be in (0.0, 1.0)", r.err().strip());
    }

    @Test
    void datasetFileWithAWrongMagicNumberIsAUserError() throws Exception {
        Path bad = tmp.resolve("data/fashion-mnist");
        Files.createDirectories(bad);
        for (String f : new String[] {"train-images-idx3-ubyte", "train-labels-idx1-ubyte", "t10k-images-idx3-ubyte",
                "t10k-labels-idx1-ubyte"}) {
            Files.copy(Fixtures.dataDir().resolve("fashion-mnist/" + f + ".gz"), bad.resolve(f + ".gz"));
        }
        // swap the image and label files of the training split: the magic numbers no longer match
        Path images = bad.resolve("train-images-idx3-ubyte.gz");
        try (var o = new GZIPOutputStream(Files.newOutputStream(images))) {
            o.write(new byte[] {0, 0, 8, 1, 0, 0, 0, 1, 7});
        }
        Result r = run("train", "--epochs", "1", "--out", tmp.resolve("runs").toString(), "--data-dir",
                tmp.resolve("data").toString());
        assertEquals(2, r.code(), r.err());
        assertTrue(r.err().startsWith("prune4j: ") && r.err().contains("train-images-idx3-ubyte.gz"), r.err());
        assertEquals(1, r.err().strip().lines().count(), r.err());
    }

    @Test
    void jsonOutputIsOneObjectAndReRunsAreFound() throws Exception {
        String[] args = {"lottery", "--levels", "1", "--rate", "0.5", "--epochs", "1", "--json", "--threads", "1",
                "--out", tmp.resolve("runs").toString(), "--data-dir", Fixtures.dataDir().toString()};
        Result first = run(args);
        assertEquals(0, first.code(), first.err());
        JsonNode n = new ObjectMapper().readTree(first.out());
        assertEquals(false, n.get("reused").asBoolean());
        assertEquals(2, n.get("results").size());
        assertEquals(1, first.out().strip().lines().count());
        Result second = run(args);
        JsonNode m = new ObjectMapper().readTree(second.out());
        assertEquals(true, m.get("reused").asBoolean());
        assertEquals(n.get("run"), m.get("run"));
        assertEquals(n.get("results"), m.get("results"));
    }
}
