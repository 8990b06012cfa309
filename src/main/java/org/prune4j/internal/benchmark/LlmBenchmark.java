package org.prune4j.internal.benchmark;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.IntConsumer;
import org.prune4j.UserError;
import org.prune4j.internal.model.llama.DecoderBlock;
import org.prune4j.internal.model.llama.KvCache;
import org.prune4j.internal.model.llama.LlamaModel;
import org.prune4j.internal.nn.Linear;
import org.prune4j.internal.nn.Module;
import org.prune4j.internal.nn.Parameter;

/**
 * Prefill and decode speed of language models in prune4j's runtime (or another, through a {@link Runner}). Every round runs every model once
 * (interleaved, so that machine noise hits them alike): a prefill of {@code prefill} random tokens into
 * an empty KV cache, then {@code decode} single-token steps. The token ids are drawn once from the seed
 * and shared by all models.
 */
public final class LlmBenchmark {
    private LlmBenchmark() {}

    /** Runs one prefill of {@code prompt} and decode of {@code continuation}; returns {prefill tokens/s, decode tokens/s}. */
    @FunctionalInterface
    public interface Runner {
        double[] once(int[] prompt, int[] continuation);
    }

    /**
     * A loaded model under test: {@code model} gives its facts and context, {@code runner} the runtime it is
     * timed in.
     */
    public record Subject(String name, LlamaModel model, long fileBytes, Runner runner) {
        /** Timed in prune4j's own runtime. */
        public Subject(String name, LlamaModel model, long fileBytes) {
            this(name, model, fileBytes, (p, c) -> once(model, p, c));
        }
    }

    /**
     * Measures {@code subjects}; {@code progress} is told each finished round. The prefill is shortened
     * when prefill plus decode would exceed a model's context (the result records the lengths used).
     */
    public static List<LlmBenchResult> run(List<Subject> subjects, BenchSettings s, IntConsumer progress) {
        int context = subjects.stream().mapToInt(x -> x.model().config().maxPositions()).min().orElseThrow();
        if (s.decode() >= context) {
            throw new UserError("--decode " + s.decode() + ": must be shorter than the model's context of " + context);
        }
        int prefill = Math.min(s.prefill(), context - s.decode());
        int vocab = subjects.stream().mapToInt(x -> x.model().config().vocabSize()).min().orElseThrow();
        Random rng = new Random(s.seed());
        int[] prompt = new int[prefill];
        int[] continuation = new int[s.decode()];
        for (int i = 0; i < prompt.length; i++) {
            prompt[i] = rng.nextInt(vocab);
        }
        for (int i = 0; i < continuation.length; i++) {
            continuation[i] = rng.nextInt(vocab);
        }
        int n = subjects.size();
        double[][] prefillRates = new double[n][s.runs()];
        double[][] decodeRates = new double[n][s.runs()];
        for (int round = -s.warmup(); round < s.runs(); round++) {
            for (int m = 0; m < n; m++) {
                double[] r = subjects.get(m).runner().once(prompt, continuation);
                if (round >= 0) {
                    prefillRates[m][round] = r[0];
                    decodeRates[m][round] = r[1];
                }
            }
            if (round >= 0) {
                progress.accept(round + 1);
            }
        }
        List<LlmBenchResult> out = new ArrayList<>();
        for (int m = 0; m < n; m++) {
            Subject x = subjects.get(m);
            out.add(new LlmBenchResult(x.name(), facts(x.model(), x.fileBytes()), new Timing(prefillRates[m]), new Timing(decodeRates[m])));
        }
        return out;
    }

    /** Prefill length actually used for {@code subjects} under {@code s}. */
    public static int effectivePrefill(List<Subject> subjects, BenchSettings s) {
        int context = subjects.stream().mapToInt(x -> x.model().config().maxPositions()).min().orElseThrow();
        return Math.min(s.prefill(), Math.max(1, context - s.decode()));
    }

    /** One prefill and decode; returns {prefill tokens/s, decode tokens/s}. */
    private static double[] once(LlamaModel model, int[] prompt, int[] continuation) {
        try (KvCache cache = KvCache.create(model, prompt.length + continuation.length)) {
            long t0 = System.nanoTime();
            try (NDManager scope = NDManager.newBaseManager(model.manager().getDevice())) {
                NDArray logits = model.decode(scope, prompt, 0, cache);
                logits.toFloatArray(); // wait for the result
            }
            long t1 = System.nanoTime();
            for (int i = 0; i < continuation.length; i++) {
                try (NDManager scope = NDManager.newBaseManager(model.manager().getDevice())) {
                    model.decodeStep(scope, continuation[i], prompt.length + i, cache).toFloatArray();
                }
            }
            long t2 = System.nanoTime();
            return new double[] {prompt.length / ((t1 - t0) / 1e9), continuation.length / ((t2 - t1) / 1e9)};
        }
    }

    /** Parameters, nonzero parameters and dense MACs per token (block linears and classifier). */
    static ModelFacts facts(LlamaModel model, long fileBytes) {
        long params = 0;
        long nonzero = 0;
        for (Parameter p : model.namedParameters().values()) {
            params += p.numel();
            nonzero += nonzero(p.value());
        }
        long macs = 0;
        for (DecoderBlock b : model.blocks()) {
            for (Module m : b.namedModules().values()) {
                if (m instanceof Linear l) {
                    macs += l.inFeatures() * l.outFeatures();
                }
            }
        }
        Module head = model.lmHead();
        macs += head instanceof Linear l ? l.inFeatures() * l.outFeatures() : model.backbone().embedTokens().weight().numel();
        return new ModelFacts(params, nonzero, macs, fileBytes);
    }

    static long nonzero(NDArray v) {
        float[] f = v.toFloatArray();
        long n = 0;
        for (float x : f) {
            if (x != 0f) {
                n++;
            }
        }
        return n;
    }
}
