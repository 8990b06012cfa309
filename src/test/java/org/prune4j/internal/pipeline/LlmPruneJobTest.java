package org.prune4j.internal.pipeline;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.prune4j.internal.io.IdsFileSpec;
import org.prune4j.internal.io.SafetensorsFile;
import org.prune4j.internal.io.SafetensorsWriter;
import org.prune4j.internal.io.TensorData;
import org.prune4j.internal.model.BundledModels;
import org.prune4j.internal.model.llama.StreamedBlocks;
import org.prune4j.internal.pipeline.calibrate.CalibrationSpec;
import org.prune4j.internal.pipeline.evaluate.DenseBaselines;
import org.prune4j.internal.pipeline.evaluate.EvaluationSpec;
import org.prune4j.internal.pipeline.load.ModelSpec;
import org.prune4j.internal.pipeline.load.Residency;
import org.prune4j.internal.pipeline.prune.PruningSpec;
import org.prune4j.internal.pipeline.recover.Recovery;
import org.prune4j.internal.pipeline.report.PruneReport;
import org.prune4j.internal.pipeline.report.ReportFiles;
import org.prune4j.internal.pipeline.save.OutputSpec;
import org.prune4j.internal.prune.PruningMask;
import org.prune4j.internal.prune.SparsityPattern;
import org.prune4j.internal.prune.method.PruningMethods;

/** The job gives the same masks and perplexities whether the model is resident or streamed, and reports honestly. */
class LlmPruneJobTest {
    @TempDir
    Path dir;

    /** The first {@code rows} rows of a protocol tensor, written to a file of their own. */
    private IdsFileSpec firstRows(String tensor, int rows) throws Exception {
        try (SafetensorsFile f = SafetensorsFile.open(BundledModels.protocol("stories260K"))) {
            TensorData t = f.get(tensor);
            int cols = (int) t.shape()[1];
            int[] ids = Arrays.copyOf(t.toInts(), rows * cols);
            Path p = dir.resolve(tensor + ".safetensors");
            SafetensorsWriter.write(p, Map.of(tensor, TensorData.ofInts(new long[] {rows, cols}, ids)), Map.of());
            return new IdsFileSpec(p, tensor);
        }
    }

    private PruneJobSettings settings(Residency residency, Path out) throws Exception {
        return new PruneJobSettings(new ModelSpec("stories260K", null, residency),
                new CalibrationSpec(null, firstRows("calib_ids", 8), 128, 0, 0, 0),
                PruningSpec.uniform(PruningMethods.byName("sparsegpt"), SparsityPattern.parse("2:4")), Recovery.none(),
                new EvaluationSpec(null, firstRows("eval_ids", 4), 0, 0), OutputSpec.to(out));
    }

    @Test
    void residentAndStreamedRunsAgree() throws Exception {
        PrintStream quiet = new PrintStream(OutputStream.nullOutputStream());
        Map<String, PruningMask> resident = new LinkedHashMap<>();
        Map<String, PruningMask> streamed = new LinkedHashMap<>();
        Path outR = dir.resolve("resident.bin");
        Path outS = dir.resolve("streamed.bin");
        PruneReport r = new LlmPruneJob(quiet).withMaskListener(resident::put).run(settings(Residency.RESIDENT, outR));
        PruneReport s = new LlmPruneJob(quiet).withMaskListener(streamed::put)
                .withReportJson(rep -> "{\"written_by\": \"" + rep.residency() + " job\"}")
                .run(settings(Residency.STREAMED, outS));
        assertEquals("resident", r.residency());
        assertEquals("streamed", s.residency());
        assertEquals(resident.keySet(), streamed.keySet());
        resident.forEach((name, m) -> assertArrayEquals(m.prunedBytes(), streamed.get(name).prunedBytes(), name));
        assertEquals(r.densePpl(), s.densePpl(), r.densePpl() * 1e-6);
        assertEquals(r.prunedPpl(), s.prunedPpl(), r.prunedPpl() * 1e-6);
        assertArrayEquals(Files.readAllBytes(outR), Files.readAllBytes(outS), "the same pruned file either way");
        // the report is written once, by the job, in the form its caller asked for
        assertEquals(ReportFiles.toJson(r) + "\n", Files.readString(ReportFiles.reportPath(outR)));
        assertEquals("{\"written_by\": \"streamed job\"}\n", Files.readString(ReportFiles.reportPath(outS)));
        try (var files = Files.list(dir)) {
            assertTrue(files.noneMatch(p -> p.getFileName().toString().startsWith(StreamedBlocks.SCRATCH_PREFIX)),
                    "no scratch folder left beside the output");
        }
        // the gained side, said honestly: zeros stored densely do not shrink the file
        assertEquals(r.inputBytes(), r.outputBytes());
        assertTrue(r.storage().contains("save neither disk nor time"));
        assertTrue(r.denseTokensPerSecond() > 0 && r.prunedTokensPerSecond() > 0);
        assertEquals(35, resident.size());
        long weights = resident.values().stream().mapToLong(PruningMask::size).sum();
        assertEquals(weights, r.prunedParameters(), "pruned_parameters counts every weight of the pruned matrices");
    }

    @Test
    void theDenseFigureIsMeasuredOncePerRun() throws Exception {
        PrintStream quiet = new PrintStream(OutputStream.nullOutputStream());
        DenseBaselines shared = new DenseBaselines();
        LlmPruneJob job = new LlmPruneJob(quiet).sharingDenseBaselines(shared);
        EvaluationSpec eval = new EvaluationSpec(null, firstRows("eval_ids", 4), 0, 0);
        PruneJobSettings magnitude = new PruneJobSettings(ModelSpec.of("stories260K"), null,
                PruningSpec.uniform(PruningMethods.byName("magnitude"), SparsityPattern.parse("0.5")), null, eval, null);
        PruneReport first = job.run(magnitude);
        PruneReport second = job.run(magnitude);
        assertEquals(first.densePpl(), second.densePpl());
        assertEquals(first.denseTokensPerSecond(), second.denseTokensPerSecond(), "the second run reused the measurement");
        assertEquals(first.prunedPpl(), second.prunedPpl());
    }
}
