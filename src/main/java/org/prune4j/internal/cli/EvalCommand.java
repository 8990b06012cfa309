package org.prune4j.internal.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.prune4j.UserError;
import org.prune4j.internal.eval.Perplexity;
import org.prune4j.internal.eval.TokenWindows;
import org.prune4j.internal.io.IdsFileSpec;
import org.prune4j.internal.io.TokenIdTensor;
import org.prune4j.internal.io.TensorData;
import org.prune4j.internal.prune.kv.KvCacheSpec;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code prune4j eval}: perplexity of a Llama-family model, by the Wanda/SparseGPT protocol (every window
 * scored on its own from position 0; {@code ppl = exp(mean of the windows' mean cross-entropy)}).
 */
@Command(name = "eval", mixinStandardHelpOptions = true,
        description = {"Perplexity of a language model, or accuracy of an image classifier.",
            "Language models: --text FILE or --ids FILE.safetensors[:TENSOR]; each window is scored independently "
                + "(Wanda/SparseGPT protocol). A model that fits comfortably in memory is loaded once; a larger one "
                + "has its decoder blocks streamed from the memory-mapped checkpoint one at a time.",
            "Image classifiers: --arch NAME --images FILE with a PyTorch or safetensors checkpoint as --model."})
final class EvalCommand implements Callable<Integer> {
    @Option(names = "--model", required = true, paramLabel = "MODEL",
            description = "Model: a bundled name (stories260K), a llama2.c file or a Hugging Face directory;"
                    + " with --arch, an image classifier checkpoint (PyTorch .th/.pt or safetensors).")
    String model;

    @Option(names = "--arch", paramLabel = "NAME",
            description = "Image classifier architecture: lenet-300-100, conv2, conv4, conv6, lenet5, resnet20, resnet32,"
                    + " resnet44, resnet56, vit-cifar-tiny. Requires --images.")
    String arch;

    @Option(names = "--tokenizer", paramLabel = "PATH",
            description = "Tokenizer for --text (default: the one beside the model).")
    Path tokenizer;

    @ArgGroup(exclusive = true, multiplicity = "1")
    Input input;

    static final class Input {
        @Option(names = "--text", paramLabel = "FILE", required = true,
                description = "UTF-8 text: tokenized once with BOS at the start, cut into windows of --seqlen tokens"
                        + " (the remainder is dropped).")
        Path text;

        @Option(names = "--images", paramLabel = "FILE", required = true,
                description = "With --arch: images with labels, IDX (labels file found beside it) or CIFAR-10 binary."
                        + " Prints the accuracy (`accuracy` in JSON, a fraction).")
        Path images;

        @Option(names = "--ids", paramLabel = "FILE[:TENSOR]", required = true,
                description = "Token ids in a safetensors file: a 2-D integer tensor is used row by row, a 1-D one"
                        + " is cut into windows. TENSOR may be omitted when the file holds one tensor.")
        String ids;
    }

    @Option(names = "--seqlen", paramLabel = "N",
            description = "Tokens per window (default: the model's context; for 2-D ids, their row length).")
    Integer seqLen;

    @Option(names = "--max-windows", paramLabel = "N", defaultValue = "0",
            description = "Score at most N windows (default: all).")
    int maxWindows;

    @Option(names = "--batch-size", paramLabel = "N", defaultValue = "0",
            description = "Windows per forward pass (default: automatic, bounded memory).")
    int batchSize;

    @Option(names = "--tokens", paramLabel = "SPEC",
            description = "With --arch vit-cifar-tiny: inference-time token reduction, next to the dense model in the"
                    + " same run (accuracy, tokens per layer, MACs, measured images/s at batch 64):"
                    + " tome:r=R[,inflect=F][,prop=true|false] | evit:keep=K[,layers=L,..][,fuse=true|false]"
                    + " | zerotprune:keep=K[,layers=L,..][,iters=N].")
    String tokens;

    @Option(names = "--kv", paramLabel = "POLICY",
            description = "Language models: score every window token by token through the decode path with this KV"
                    + " cache, next to the full cache in the same run (ppl, kv_bytes, tokens_per_s): full | window |"
                    + " sinks[:sinks=4] | h2o[:recent=0.5] | snapkv[:window=32,kernel=5,pool=avg|max,heads=kv|query] | minicache[:start=L,t=0.6,retain=0.05].")
    String kv;

    @Option(names = "--kv-budget", paramLabel = "B",
            description = "With --kv: entries per layer the cache may hold, the current token included.")
    Integer kvBudget;

    @Option(names = "--stream",
            description = "With --kv: score the whole text as one stream instead of independent windows (--kv sinks"
                    + " can run past the model's context).")
    boolean stream;

    @Option(names = "--prefill-keep", paramLabel = "SHARE[,SHARE…]", split = ",",
            description = "Language models: SpAtten-style cascade token pruning during prefill, keeping this share of"
                    + " the tokens after each block (one value for every block, or one per block); reports the"
                    + " continuation's perplexity and prefill tokens/s next to an unpruned prefill in the same run.")
    double[] prefillKeep;

    @Option(names = "--prompt-tokens", paramLabel = "P",
            description = "With --prefill-keep: prompt tokens of every window, the rest is the continuation (default:"
                    + " half the window).")
    Integer promptTokens;

    @Option(names = "--json", description = "Print one JSON object with the result (its recipe under recipe).")
    boolean json;

    @Spec
    CommandSpec spec;

    @picocli.CommandLine.Mixin
    RecipeOption recipe = new RecipeOption();

    @Override
    public Integer call() {
        if (recipe.printed(spec, "eval")) {
            return 0;
        }
        ObjectNode embedded = json ? RecipeOption.tree(spec, "eval") : null;
        if (arch != null || input.images != null) {
            if (arch == null || input.images == null) {
                throw new UserError(arch == null ? "--images needs --arch NAME (the checkpoint's architecture)"
                        : "--arch needs --images FILE (not --text/--ids, which are for language models)");
            }
            if (tokens != null) {
                return TokenReductionEval.run(Path.of(model), arch, input.images, tokens, json, embedded,
                        spec.commandLine().getOut());
            }
            return VisionEval.run(Path.of(model), arch, input.images, json, embedded, spec.commandLine().getOut(),
                    spec.commandLine().getErr());
        }
        if (tokens != null) {
            throw new UserError("--tokens is for vision transformers (--arch vit-cifar-tiny --images FILE)");
        }
        if (prefillKeep == null && promptTokens != null) {
            throw new UserError("--prompt-tokens needs --prefill-keep");
        }
        if (prefillKeep != null) {
            if (kv != null) {
                throw new UserError("--prefill-keep and --kv cannot be combined yet");
            }
            try (LlamaRuntime rt = LlamaRuntime.open(model, tokenizer)) {
                int context = rt.model().config().maxPositions();
                if (seqLen != null && (seqLen < 3 || seqLen > context)) {
                    throw new UserError("--seqlen " + seqLen + ": must be between 3 and the model's context of " + context);
                }
                int[][] rows = input.text != null ? textWindows(rt, context) : idWindows(context, rt.model().config().vocabSize());
                return PrefillPruningEval.run(rt.model(), rows, prefillKeep, promptTokens, json, embedded, model,
                        spec.commandLine().getOut());
            }
        }
        if (kv == null && (kvBudget != null || stream)) {
            throw new UserError((stream ? "--stream" : "--kv-budget") + " needs --kv POLICY");
        }
        if (kv != null) {
            KvCacheSpec cache = KvCacheSpec.parse(kv, kvBudget);
            if (maxWindows < 0) {
                throw new UserError("--max-windows " + maxWindows + ": must be ≥ 0");
            }
            try (LlamaRuntime rt = LlamaRuntime.open(model, tokenizer)) {
                int context = rt.model().config().maxPositions();
                int[][] rows;
                if (stream) {
                    int[] all = input.text != null ? textTokens(rt) : idWindows(context, rt.model().config().vocabSize()).length == 0 ? new int[0]
                            : concat(idWindows(context, rt.model().config().vocabSize()));
                    rows = new int[][] {maxWindows > 0 && seqLen != null
                            ? java.util.Arrays.copyOf(all, Math.min(all.length, maxWindows * seqLen)) : all};
                } else {
                    if (seqLen != null && (seqLen < 2 || seqLen > context)) {
                        throw new UserError("--seqlen " + seqLen + ": must be between 2 and the model's context of " + context);
                    }
                    rows = input.text != null ? textWindows(rt, context) : idWindows(context, rt.model().config().vocabSize());
                }
                return KvEval.run(rt.model(), rows, cache, stream, json, embedded, model, spec.commandLine().getOut());
            }
        }
        if (maxWindows < 0) {
            throw new UserError("--max-windows " + maxWindows + ": must be ≥ 0");
        }
        if (batchSize < 0) {
            throw new UserError("--batch-size " + batchSize + ": must be ≥ 0");
        }
        try (LlamaRuntime rt = LlamaRuntime.openForPasses(model, tokenizer)) {
            int context = rt.model().config().maxPositions();
            if (seqLen != null && (seqLen < 2 || seqLen > context)) {
                throw new UserError("--seqlen " + seqLen + ": must be between 2 and the model's context of " + context);
            }
            int[][] rows = input.text != null ? textWindows(rt, context)
                    : idWindows(context, rt.model().config().vocabSize());
            Perplexity.Result r = new Perplexity(rt.model()).withBatchSize(batchSize)
                    .evaluate(rows, rt.blocks());
            print(r, embedded);
        }
        return 0;
    }

    private static int[] concat(int[][] rows) {
        return java.util.Arrays.stream(rows).flatMapToInt(java.util.Arrays::stream).toArray();
    }

    private int[] textTokens(LlamaRuntime rt) {
        String text;
        try {
            byte[] bytes = Files.readAllBytes(input.text);
            text = StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(bytes)).toString();
        } catch (NoSuchFileException e) {
            throw new UserError("--text " + input.text + ": no such file");
        } catch (CharacterCodingException e) {
            throw new UserError("--text " + input.text + ": not UTF-8 text");
        } catch (IOException e) {
            throw new UserError("--text " + input.text + ": cannot read: " + e.getMessage());
        }
        return rt.tokenizer().encode(text, true, false);
    }

    private int[][] textWindows(LlamaRuntime rt, int context) {
        String text;
        try {
            byte[] bytes = Files.readAllBytes(input.text);
            text = StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(bytes)).toString();
        } catch (NoSuchFileException e) {
            throw new UserError("--text " + input.text + ": no such file");
        } catch (CharacterCodingException e) {
            throw new UserError("--text " + input.text + ": not UTF-8 text");
        } catch (IOException e) {
            throw new UserError("--text " + input.text + ": cannot read: " + e.getMessage());
        }
        int[] stream = rt.tokenizer().encode(text, true, false);
        return TokenWindows.split(stream, seqLen != null ? seqLen : context, maxWindows);
    }

    private int[][] idWindows(int context, int vocabSize) {
        IdsFileSpec spec = IdsFileSpec.parse(input.ids);
        TensorData t = spec.read();
        TokenIdTensor checked = TokenIdTensor.of(t, "--ids " + spec, vocabSize);
        long[] shape = checked.shape();
        int[] flat = checked.ids();
        if (shape.length == 1) {
            return TokenWindows.split(flat, seqLen != null ? seqLen : context, maxWindows);
        }
        if (shape.length != 2) {
            throw new UserError("--ids " + spec + ": expected a 1-D or 2-D tensor, got shape " + java.util.Arrays.toString(shape));
        }
        int cols = (int) shape[1];
        if (seqLen != null && seqLen != cols) {
            throw new UserError("--seqlen " + seqLen + " differs from the " + cols + "-token rows of " + spec);
        }
        int n = (int) (maxWindows > 0 ? Math.min(shape[0], maxWindows) : shape[0]);
        int[][] rows = new int[n][cols];
        for (int i = 0; i < n; i++) {
            System.arraycopy(flat, i * cols, rows[i], 0, cols);
        }
        return rows;
    }

    private void print(Perplexity.Result r, ObjectNode recipeTree) {
        var out = spec.commandLine().getOut();
        if (recipeTree != null) {
            ObjectMapper mapper = new ObjectMapper();
            ObjectNode o = mapper.createObjectNode();
            o.put("model", model);
            o.put("input", input.text != null ? input.text.toString() : input.ids);
            o.put("ppl", r.ppl());
            o.put("mean_loss", r.meanLoss());
            o.put("tokens", r.tokens());
            o.put("windows", r.rows());
            o.put("seqlen", r.seqLen());
            o.put("seconds", r.seconds());
            ArrayNode losses = o.putArray("window_losses");
            for (double l : r.rowLosses()) {
                losses.add(l);
            }
            o.set("recipe", recipeTree);
            out.println(o.toString());
        } else {
            out.printf(Locale.ROOT, "perplexity %.4f  (mean loss %.4f nats; %d windows x %d tokens, %d predictions; %.2f s)%n",
                    r.ppl(), r.meanLoss(), r.rows(), r.seqLen(), r.tokens(), r.seconds());
        }
        out.flush();
    }
}
