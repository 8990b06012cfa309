package org.prune4j.io;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * What a model file is, recognised by its content (magic bytes, a JSON header), not by its name, so that
 * a file given to the wrong command is named for what it is ("this is a PyTorch checkpoint; pass
 * --arch") instead of being misread as another format.
 */
public enum FileKind {
    /** A safetensors file: an 8-byte little-endian header length, then a JSON object. */
    SAFETENSORS("a safetensors file"),
    /** A {@code torch.save} zip archive (PyTorch ≥ 1.6). */
    PYTORCH_ZIP("a PyTorch checkpoint (zip format)"),
    /** The legacy {@code torch.save} pickle stream (PyTorch ≤ 1.5). */
    PYTORCH_LEGACY("a PyTorch checkpoint (legacy format)"),
    /** A gzip stream (e.g. an IDX dataset file). */
    GZIP("a gzip-compressed file"),
    /** A JSON document (a config or tokenizer, not weights). */
    JSON("a JSON file"),
    /** Anything else: possibly a llama2.c checkpoint, whose header has no magic number. */
    OTHER("a file of unknown format");

    private final String description;

    FileKind(String description) {
        this.description = description;
    }

    /** "a PyTorch checkpoint (zip format)" and so on, for messages. */
    public String description() {
        return description;
    }

    /** The kind of {@code file} (a regular file), from its first bytes. */
    public static FileKind detect(Path file) {
        byte[] h;
        try (InputStream in = Files.newInputStream(file)) {
            h = in.readNBytes(16);
        } catch (IOException e) {
            return OTHER;
        }
        if (h.length >= 4 && h[0] == 'P' && h[1] == 'K' && h[2] == 3 && h[3] == 4) {
            return PYTORCH_ZIP;
        }
        if (h.length >= 4 && (h[0] & 0xff) == 0x80 && h[1] == 2 && (h[2] & 0xff) == 0x8a && h[3] == 0x0a) {
            return PYTORCH_LEGACY;
        }
        if (h.length >= 2 && (h[0] & 0xff) == 0x1f && (h[1] & 0xff) == 0x8b) {
            return GZIP;
        }
        if (h.length >= 9) {
            long headerLength = ByteBuffer.wrap(h, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
            try {
                if (headerLength > 1 && headerLength <= Files.size(file) - 8 && h[8] == '{') {
                    return SAFETENSORS;
                }
            } catch (IOException e) {
                return OTHER;
            }
        }
        int i = 0;
        while (i < h.length && Character.isWhitespace(h[i])) {
            i++;
        }
        if (i < h.length && (h[i] == '{' || h[i] == '[')) {
            return JSON;
        }
        return OTHER;
    }
}
