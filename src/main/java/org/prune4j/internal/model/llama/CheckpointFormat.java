package org.prune4j.internal.model.llama;

/** On-disk formats of Llama-family checkpoints. */
public enum CheckpointFormat {
    /** llama2.c version-0 ("legacy") single file: 7×int32 header then float32 arrays. */
    LLAMA2C,
    /** Hugging Face directory: config.json and model.safetensors or sharded safetensors with an index. */
    HF,
    /** GGUF file (llama.cpp): {@code llama} or {@code deci} architecture. */
    GGUF
}
