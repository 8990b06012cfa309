package org.prune4j.io.format;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;

/** What the first bytes of a model file say it is, for formats recognised by content. */
enum FileSignature {
    /** A zip archive: PyTorch's {@code torch.save} format. */
    PYTORCH_ZIP("a PyTorch checkpoint (zip); pass --arch NAME for an image classifier"),
    /** A pickle stream: PyTorch's legacy {@code torch.save} format. */
    PYTORCH_PICKLE("a PyTorch checkpoint (legacy pickle); pass --arch NAME for an image classifier"),
    /** A safetensors file: 8-byte header length, then a JSON object. */
    SAFETENSORS("a single safetensors file; pass its Hugging Face model directory (with config.json) instead"),
    /** A GGUF file. */
    GGUF("a GGUF file; reading GGUF is not supported yet"),
    /** None of the above. */
    UNKNOWN("");

    private final String description;

    FileSignature(String description) {
        this.description = description;
    }

    /** What the file is and what to do, for an error message. */
    String description() {
        return description;
    }

    /** Recognises {@code path} by its first bytes ({@link #UNKNOWN} when unreadable or none matches). */
    static FileSignature of(Path path) {
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
