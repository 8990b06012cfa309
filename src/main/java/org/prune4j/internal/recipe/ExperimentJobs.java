package org.prune4j.internal.recipe;

import java.lang.reflect.RecordComponent;
import java.util.ArrayList;
import java.util.List;
import org.prune4j.internal.experiment.Flag;
import org.prune4j.internal.experiment.LotterySettings;
import org.prune4j.internal.experiment.PruningSettings;
import org.prune4j.internal.experiment.TrainingSettings;

/**
 * Recipe jobs {@code train} and {@code lottery}: their keys are the flags of the experiment's settings
 * records ({@link Flag}), so a flag added there is a recipe key too. {@code --model} is {@code model.arch},
 * {@code --prune} is {@code pruning.method}; every other flag {@code --a-b} of a record is {@code a_b} in its
 * section ({@code training}, {@code pruning}, {@code lottery}).
 */
final class ExperimentJobs {
    private ExperimentJobs() {}

    static JobSchema train() {
        List<JobKey> keys = new ArrayList<>();
        keys.add(JobKey.of("model", "arch", "--model", KeyType.STRING));
        keys.addAll(flags("training", TrainingSettings.class));
        keys.add(JobKey.of("training", "threads", "--threads", KeyType.INT));
        keys.addAll(flags("pruning", PruningSettings.class));
        keys.addAll(common());
        return new JobSchema("train", List.of("train"), keys);
    }

    static JobSchema lottery() {
        List<JobKey> keys = new ArrayList<>();
        keys.add(JobKey.of("model", "arch", "--model", KeyType.STRING));
        keys.addAll(flags("training", TrainingSettings.class));
        keys.add(JobKey.of("training", "threads", "--threads", KeyType.INT));
        keys.addAll(flags("lottery", LotterySettings.class));
        keys.addAll(common());
        return new JobSchema("lottery", List.of("lottery"), keys);
    }

    private static List<JobKey> common() {
        return List.of(JobKey.of("data", "dir", "--data-dir", KeyType.PATH), JobKey.of("output", "path", "--out", KeyType.PATH));
    }

    private static List<JobKey> flags(String section, Class<? extends Record> type) {
        List<JobKey> out = new ArrayList<>();
        for (RecordComponent c : type.getRecordComponents()) {
            String flag = c.getAnnotation(Flag.class).name();
            if (flag.equals("--model")) {
                continue; // model.arch
            }
            String name = flag.equals("--prune") ? "method" : flag.substring(2).replace('-', '_');
            out.add(JobKey.of(section, name, flag, typeOf(c.getType())));
        }
        return out;
    }

    private static KeyType typeOf(Class<?> c) {
        if (c == int.class) {
            return KeyType.INT;
        }
        if (c == long.class) {
            return KeyType.LONG;
        }
        if (c == double.class) {
            return KeyType.NUMBER;
        }
        if (c == boolean.class) {
            return KeyType.BOOL;
        }
        if (c == String.class) {
            return KeyType.STRING;
        }
        throw new IllegalStateException("a settings flag of type " + c + " has no recipe type");
    }
}
