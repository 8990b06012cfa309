package org.prune4j.internal.tokenizer;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Writes synthetic llama2.c tokenizer files for tests. */
final class Llama2cTokenizerFileWriter {
    private Llama2cTokenizerFileWriter() {}

    /** The 259 tokens every llama2.c vocabulary starts with: {@code <unk>, <s>, </s>} and 256 byte tokens. */
    static List<byte[]> basePieces() {
        List<byte[]> pieces = new ArrayList<>();
        pieces.add("<unk>".getBytes(StandardCharsets.UTF_8));
        pieces.add("\n<s>\n".getBytes(StandardCharsets.UTF_8));
        pieces.add("\n</s>\n".getBytes(StandardCharsets.UTF_8));
        for (int b = 0; b < 256; b++) {
            pieces.add(String.format("<0x%02X>", b).getBytes(StandardCharsets.UTF_8));
        }
        return pieces;
    }

    /** The file bytes: header, then (score, length, bytes) per token. */
    static byte[] bytes(int maxTokenLength, List<byte[]> pieces, float[] scores) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(le(maxTokenLength));
        for (int i = 0; i < pieces.size(); i++) {
            out.writeBytes(ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putFloat(scores[i]).array());
            out.writeBytes(le(pieces.get(i).length));
            out.writeBytes(pieces.get(i));
        }
        return out.toByteArray();
    }

    static Path write(Path file, int maxTokenLength, List<byte[]> pieces, float[] scores) {
        try {
            Files.write(file, bytes(maxTokenLength, pieces, scores));
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static byte[] le(int value) {
        return ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(value).array();
    }
}
