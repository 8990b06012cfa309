package org.prune4j.internal.generate;

import ai.djl.ndarray.NDManager;
import java.util.Arrays;
import java.util.function.BiFunction;
import org.prune4j.UserError;
import org.prune4j.internal.model.llama.KvCache;
import org.prune4j.internal.model.llama.LlamaModel;

/**
 * Autoregressive generation with a KV cache, with llama2.c {@code run.c}'s semantics:
 * <ul>
 *   <li>{@code steps} counts every position, BOS and prompt included; position {@code p} runs the model
 *       on the current token and yields the next one: the prompt's next token while inside the prompt,
 *       else the sampler's choice;</li>
 *   <li>generation stops early when the model produces BOS (the token is not emitted);</li>
 *   <li>so at most {@code steps − (promptLength − 1)} tokens are generated.</li>
 * </ul>
 */
public final class Generator {
    /** Receives every emitted token with the one before it (prompt tokens too, as run.c prints them). */
    @FunctionalInterface
    public interface TokenSink {
        void accept(int previous, int next);
    }

    private final LlamaModel model;
    private final BiFunction<LlamaModel, Integer, KvCache> caches;

    public Generator(LlamaModel model) {
        this(model, KvCache::create);
    }

    private Generator(LlamaModel model, BiFunction<LlamaModel, Integer, KvCache> caches) {
        this.model = model;
        this.caches = caches;
    }

    /** The same generator with its KV cache made by {@code caches} ({@code (model, positions) → cache}). */
    public Generator withCache(BiFunction<LlamaModel, Integer, KvCache> caches) {
        return new Generator(model, caches);
    }

    /**
     * Runs {@code steps} positions ({@code 0}: the model's whole context) from {@code prompt}.
     *
     * @throws UserError for an empty prompt, a negative {@code steps}, more steps than the context, or an id
     *     outside the vocabulary
     */
    public Generation generate(int[] prompt, int steps, Sampler sampler, TokenSink sink) {
        int context = model.config().maxPositions();
        if (prompt.length == 0) {
            throw new UserError("the prompt has no tokens (it needs at least BOS)");
        }
        if (steps < 0) {
            throw new UserError("--steps " + steps + ": must be positive (0 = the whole context)");
        }
        if (steps > context) {
            throw new UserError("--steps " + steps + " exceeds the model's context of " + context + " positions");
        }
        int total = steps == 0 ? context : steps;
        int bos = model.config().bosTokenId();
        int[] seq = Arrays.copyOf(prompt, Math.max(prompt.length, total + 1));
        int length = Math.min(prompt.length, total + 1);
        boolean stopped = false;
        int pos = 0;
        int token = prompt[0];
        long t0 = System.nanoTime();
        try (KvCache cache = caches.apply(model, total)) {
            while (pos < total) {
                int next;
                try (NDManager scope = NDManager.newBaseManager(model.manager().getDevice())) {
                    float[] logits = model.decodeStep(scope, token, pos, cache).toFloatArray();
                    next = pos < prompt.length - 1 ? prompt[pos + 1] : sampler.sample(logits);
                }
                pos++;
                if (next == bos) {
                    stopped = true;
                    break;
                }
                if (sink != null) {
                    sink.accept(token, next);
                }
                if (pos >= prompt.length) {
                    seq[pos] = next;
                    length = pos + 1;
                }
                token = next;
            }
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        return new Generation(Arrays.copyOf(seq, length), Math.min(prompt.length, length), pos, stopped, seconds);
    }
}
