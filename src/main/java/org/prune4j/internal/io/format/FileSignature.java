package org.prune4j.internal.io.format;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * What a file is, recognised by its first bytes (magic numbers, a JSON header), never by its name: the one
 * place that tells formats apart by content, so that a file given to the wrong command is named for what it
 * is ("a PyTorch checkpoint; pass --arch NAME") instead of being misread as another format. llama2.c
 * checkpoints have no magic number: they are what is left, {@link #UNKNOWN}.
 */
public enum FileSignature {
    /** A zip archive: PyTorch's {@code torch.save} format. */
    PYTORCH_ZIP("a PyTorch checkpoint (zip); pass --arch NAME for an image classifier"),
    /** A pickle stream: PyTorch's legacy {@code torch.save} format. */
    PYTORCH_PICKLE("a PyTorch checkpoint (legacy pickle); pass --arch NAME for an image classifier"),
    /** A safetensors file: 8-byte header length, then a JSON object. */
    SAFETENSORS("a single safetensors file; pass its Hugging Face model directory (with config.json) instead"),
    /** A GGUF file. */
    GGUF("a GGUF file"),
    /** None of the above (possibly a llama2.c checkpoint). */
    UNKNOWN("");

    private final String description;

    FileSignature(String description) {
        this.description = description;
    }

    /** What the file is and what to do, for an error message (empty for {@link #UNKNOWN}). */
    public String description() {
        return description;
    }

    /** True for the formats that hold named tensors: safetensors and both PyTorch checkpoint formats. */
    public boolean holdsNamedTensors() {
        return this == SAFETENSORS || this == PYTORCH_ZIP || this == PYTORCH_PICKLE;
    }

    /** Recognises {@code path} by its first bytes ({@link #UNKNOWN} when unreadable or none matches). */
    public static FileSignature of(Path path) {
        byte[] head = new byte[9];
        int n;
        try (InputStream in = Files.newInputStream(path)) {
            n = in.readNBytes(head, 0, head.length);
        } catch (IOException e) {
            return UNKNOWN;
        }
        if (n >= 4 && head[0] == 'P' && head[1] == 'K' && head[2] == 3 && head[3] == 4) {
            return PYTORCH_ZIP;
        }
        if (n >= 4 && head[0] == 'G' && head[1] == 'G' && head[2] == 'U' && head[3] == 'F') {
            return GGUF;
        }
        if (n >= 2 && (head[0] & 0xff) == 0x80 && head[1] >= 2 && head[1] <= 5) {
            return PYTORCH_PICKLE;
        }
        if (n == 9 && head[8] == '{') {
            long len = ByteBuffer.wrap(head, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
            try {
                if (len > 1 && len < Files.size(path)) {
                    return SAFETENSORS;
                }
            } catch (IOException e) {
                return UNKNOWN;
            }
        }
        return UNKNOWN;
    }
}
