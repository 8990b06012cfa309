package org.prune4j.internal.io.hf;

import java.util.Arrays;
import java.util.stream.Collectors;

/**
 * The Hugging Face causal-LM architectures prune4j reads and writes, with the defaults their
 * {@code transformers} configuration classes use for keys a {@code config.json} may leave out.
 */
enum HfArchitecture {
    /** Llama 1/2/3 and models exported as Llama (TinyLlama, SmolLM, llama2.c conversions). */
    LLAMA("LlamaForCausalLM", "llama", 2048, false),
    /** Mistral: Llama blocks with grouped-query attention and an optional sliding window. */
    MISTRAL("MistralForCausalLM", "mistral", 4096 * 32, false),
    /** Qwen2: Llama blocks whose q/k/v projections always carry a bias. */
    QWEN2("Qwen2ForCausalLM", "qwen2", 32768, true);

    private final String className;
    private final String modelType;
    private final int defaultMaxPositions;
    private final boolean qkvBias;

    HfArchitecture(String className, String modelType, int defaultMaxPositions, boolean qkvBias) {
        this.className = className;
        this.modelType = modelType;
        this.defaultMaxPositions = defaultMaxPositions;
        this.qkvBias = qkvBias;
    }

    /** The {@code architectures[0]} value, e.g. {@code LlamaForCausalLM}. */
    public String className() {
        return className;
    }

    /** The {@code model_type} value, e.g. {@code llama}. */
    public String modelType() {
        return modelType;
    }

    /** {@code max_position_embeddings} when the config omits it. */
    int defaultMaxPositions() {
        return defaultMaxPositions;
    }

    /** True when the q/k/v projections always have biases, whatever the config says. */
    boolean alwaysHasQkvBias() {
        return qkvBias;
    }

    /** The architecture with class name {@code name}, or {@code null}. */
    public static HfArchitecture byClassName(String name) {
        for (HfArchitecture a : values()) {
            if (a.className.equals(name)) {
                return a;
            }
        }
        return null;
    }

    /** The architecture with model type {@code type}, or {@code null}. */
    public static HfArchitecture byModelType(String type) {
        for (HfArchitecture a : values()) {
            if (a.modelType.equals(type)) {
                return a;
            }
        }
        return null;
    }

    /** {@code "LlamaForCausalLM, MistralForCausalLM, Qwen2ForCausalLM"}, for error messages. */
    static String supportedList() {
        return Arrays.stream(values()).map(HfArchitecture::className).collect(Collectors.joining(", "));
    }
}
