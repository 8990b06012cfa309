package org.prune4j.internal.recipe;

import java.util.List;
import java.util.Locale;
import org.prune4j.UserError;

/**
 * The jobs a recipe can name besides {@code prune} (LLM pruning, recovery, the recipe shape of
 * {@code org.prune4j.api.Recipe}): one per command, each with its {@link JobSchema}.
 */
public final class JobSchemas {
    /** The job of a recipe without a {@code job} key: LLM pruning (and recovery). */
    public static final String PRUNE = "prune";

    private static final List<JobSchema> ALL = List.of(EvalJob.schema(), GenerateJob.schema(), ExperimentJobs.train(),
            ExperimentJobs.lottery(), VisionPruneJob.schema(), PreCropJob.schema(), OnnxPruneJob.schema(), ConvertJob.schema(),
            BenchJob.schema(), InspectJob.schema(), InspectOnnxJob.schema(), DemoJob.schema());

    private JobSchemas() {}

    /** Every job name, {@code prune} first. */
    public static List<String> names() {
        return java.util.stream.Stream.concat(java.util.stream.Stream.of(PRUNE), ALL.stream().map(JobSchema::job)).toList();
    }

    /** The job's name, checked and lower-cased. */
    public static String name(String job) {
        String n = job == null ? null : job.strip().toLowerCase(Locale.ROOT);
        if (n == null || !names().contains(n)) {
            throw new UserError("job " + job + ": unknown job (" + String.join(", ", names()) + ")");
        }
        return n;
    }

    /** The schema of a command job ({@code prune} has none: it is the recipe of {@code org.prune4j.api.Recipe}). */
    public static JobSchema byName(String job) {
        String n = name(job);
        return ALL.stream().filter(s -> s.job().equals(n)).findFirst()
                .orElseThrow(() -> new UserError("job " + job + ": a prune recipe, not a command job"));
    }
}
