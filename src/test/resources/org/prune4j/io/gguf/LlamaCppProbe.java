import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Test helper run in a child JVM (JDK 22+, single-file source launch): drives the llama.cpp build that
 * java-llama.cpp bundles (libjllama.so exports llama.cpp's C API) through the Foreign Function API, so
 * that a test can read llama.cpp's own logits and greedy tokens for a GGUF file.
 *
 * <p>Usage: {@code java LlamaCppProbe.java LIB MODEL COMMAND...} with commands
 * {@code generate N} (greedy tokens after BOS, one line "tokens: ..."), {@code nll FILE} (rows of
 * space-separated ids; prints "nll: SUM COUNT", the summed next-token negative log-likelihood in nats),
 * {@code tokenize TEXT} (prints "tokens: ..." with BOS). The KV cache is F32.
 *
 * <p>Structs passed or returned by value are larger than 16 bytes, so the x86-64 System V ABI passes them
 * in memory; they are declared here as (over-)sized runs of longs and the default values of the fields
 * this program changes are checked before use, so a layout mismatch is an error, never a silent misread.
 */
public class LlamaCppProbe {
    static final Linker LINKER = Linker.nativeLinker();
    static SymbolLookup lib;
    static final MemoryLayout BIG_STRUCT = longs(32);
    static final MemoryLayout BATCH = longs(7);

    static MemoryLayout longs(int n) {
        MemoryLayout[] fields = new MemoryLayout[n];
        java.util.Arrays.fill(fields, ValueLayout.JAVA_LONG);
        return MemoryLayout.structLayout(fields);
    }

    static MethodHandle fn(String name, FunctionDescriptor d) {
        return LINKER.downcallHandle(lib.find(name).orElseThrow(() -> new IllegalStateException("no symbol " + name)), d);
    }

    public static void main(String[] args) throws Throwable {
        Arena arena = Arena.ofShared();
        lib = SymbolLookup.libraryLookup(Path.of(args[0]), arena);
        ValueLayout.OfLong P = ValueLayout.JAVA_LONG;
        var A = ValueLayout.ADDRESS;
        var I = ValueLayout.JAVA_INT;
        MethodHandle backendInit = fn("llama_backend_init", FunctionDescriptor.ofVoid());
        MethodHandle modelDefaults = fn("llama_model_default_params", FunctionDescriptor.of(BIG_STRUCT));
        MethodHandle loadModel = fn("llama_model_load_from_file", FunctionDescriptor.of(A, A, BIG_STRUCT));
        MethodHandle ctxDefaults = fn("llama_context_default_params", FunctionDescriptor.of(BIG_STRUCT));
        MethodHandle initCtx = fn("llama_init_from_model", FunctionDescriptor.of(A, A, BIG_STRUCT));
        MethodHandle getVocab = fn("llama_model_get_vocab", FunctionDescriptor.of(A, A));
        MethodHandle nTokens = fn("llama_vocab_n_tokens", FunctionDescriptor.of(I, A));
        MethodHandle tokenize = fn("llama_tokenize", FunctionDescriptor.of(I, A, A, I, A, I, ValueLayout.JAVA_BOOLEAN, ValueLayout.JAVA_BOOLEAN));
        MethodHandle batchGetOne = fn("llama_batch_get_one", FunctionDescriptor.of(BATCH, A, I));
        MethodHandle decode = fn("llama_decode", FunctionDescriptor.of(I, A, BATCH));
        MethodHandle logitsIth = fn("llama_get_logits_ith", FunctionDescriptor.of(A, A, I));
        MethodHandle kvClear = fn("llama_kv_self_clear", FunctionDescriptor.ofVoid(A));
        MethodHandle vocabBos = fn("llama_vocab_bos", FunctionDescriptor.of(I, A));

        backendInit.invoke();
        MemorySegment mp = (MemorySegment) modelDefaults.invoke((java.lang.foreign.SegmentAllocator) arena);
        MemorySegment model = (MemorySegment) loadModel.invoke(arena.allocateFrom(args[1]), mp);
        if (model.address() == 0) {
            fail("llama.cpp could not load " + args[1]);
        }
        MemorySegment cp = (MemorySegment) ctxDefaults.invoke((java.lang.foreign.SegmentAllocator) arena);
        // llama_context_params (llama.cpp b4916): n_ctx@0 n_batch@4 n_ubatch@8 n_seq_max@12 n_threads@16
        // n_threads_batch@20 ... yarn_attn_factor@48 yarn_beta_fast@52 ... type_k@88 type_v@92 offload_kqv@98
        check(cp.get(I, 4) == 2048 && cp.get(I, 8) == 512 && cp.get(I, 12) == 1, "context params: batch sizes");
        check(cp.get(ValueLayout.JAVA_FLOAT, 48) == 1.0f && cp.get(ValueLayout.JAVA_FLOAT, 52) == 32.0f, "context params: yarn defaults");
        check(cp.get(I, 88) == 1 && cp.get(I, 92) == 1, "context params: F16 KV cache default at type_k/type_v");
        cp.set(I, 0, 1024);  // n_ctx
        cp.set(I, 4, 1024);  // n_batch
        cp.set(I, 8, 1024);  // n_ubatch
        cp.set(I, 16, 2);    // n_threads
        cp.set(I, 20, 2);    // n_threads_batch
        cp.set(I, 88, 0);    // type_k = GGML_TYPE_F32
        cp.set(I, 92, 0);    // type_v = GGML_TYPE_F32
        MemorySegment ctx = (MemorySegment) initCtx.invoke(model, cp);
        if (ctx.address() == 0) {
            fail("llama.cpp could not create a context for " + args[1]);
        }
        MemorySegment vocab = (MemorySegment) getVocab.invoke(model);
        int nVocab = (int) nTokens.invoke(vocab);
        int bos = (int) vocabBos.invoke(vocab);
        MemorySegment tok = arena.allocate(I, 1);
        switch (args[2]) {
            case "generate" -> {
                int n = Integer.parseInt(args[3]);
                int current = bos;
                StringBuilder sb = new StringBuilder("tokens:");
                for (int i = 0; i < n; i++) {
                    float[] logits = step(batchGetOne, decode, logitsIth, ctx, tok, current, nVocab, arena);
                    int best = 0;
                    for (int k = 1; k < nVocab; k++) {
                        if (logits[k] > logits[best]) {
                            best = k;
                        }
                    }
                    sb.append(' ').append(best);
                    current = best;
                }
                System.out.println(sb);
            }
            case "nll" -> {
                double sum = 0;
                long count = 0;
                for (String line : Files.readAllLines(Path.of(args[3]))) {
                    if (line.isBlank()) {
                        continue;
                    }
                    String[] parts = line.trim().split("\\s+");
                    kvClear.invoke(ctx);
                    for (int i = 0; i + 1 < parts.length; i++) {
                        float[] logits = step(batchGetOne, decode, logitsIth, ctx, tok, Integer.parseInt(parts[i]), nVocab, arena);
                        double max = Double.NEGATIVE_INFINITY;
                        for (float v : logits) {
                            max = Math.max(max, v);
                        }
                        double z = 0;
                        for (float v : logits) {
                            z += Math.exp(v - max);
                        }
                        int target = Integer.parseInt(parts[i + 1]);
                        sum += Math.log(z) + max - logits[target];
                        count++;
                    }
                }
                System.out.println("nll: " + sum + " " + count);
            }
            case "tokenize" -> {
                byte[] text = args[3].getBytes(StandardCharsets.UTF_8);
                MemorySegment t = arena.allocate(text.length + 1);
                t.copyFrom(MemorySegment.ofArray(text));
                MemorySegment out = arena.allocate(I, text.length + 8);
                int n = (int) tokenize.invoke(vocab, t, text.length, out, text.length + 8, true, false);
                check(n >= 0, "tokenize failed");
                StringBuilder sb = new StringBuilder("tokens:");
                for (int i = 0; i < n; i++) {
                    sb.append(' ').append(out.getAtIndex(I, i));
                }
                System.out.println(sb);
            }
            default -> fail("unknown command " + args[2]);
        }
        System.out.flush();
        // Exit without freeing: the test only needs the answers, and the process ends here.
        Runtime.getRuntime().halt(0);
    }

    /** Decodes one token at the next position and returns the logits it yields. */
    static float[] step(MethodHandle batchGetOne, MethodHandle decode, MethodHandle logitsIth, MemorySegment ctx,
            MemorySegment tok, int token, int nVocab, Arena arena) throws Throwable {
        tok.set(ValueLayout.JAVA_INT, 0, token);
        MemorySegment batch = (MemorySegment) batchGetOne.invoke((java.lang.foreign.SegmentAllocator) arena, tok, 1);
        int rc = (int) decode.invoke(ctx, batch);
        check(rc == 0, "llama_decode returned " + rc);
        MemorySegment l = ((MemorySegment) logitsIth.invoke(ctx, -1)).reinterpret(4L * nVocab);
        return l.toArray(ValueLayout.JAVA_FLOAT);
    }

    static void check(boolean ok, String what) {
        if (!ok) {
            fail("unexpected llama.cpp ABI: " + what);
        }
    }

    static void fail(String message) {
        System.out.println("error: " + message);
        System.out.flush();
        Runtime.getRuntime().halt(3);
    }
}
