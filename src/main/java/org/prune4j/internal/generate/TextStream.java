package org.prune4j.internal.generate;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;
import org.prune4j.internal.tokenizer.Llama2cTokenizer;
import org.prune4j.internal.tokenizer.Tokenizer;

/**
 * Turns the tokens a {@link Generator} emits into text as llama2.c {@code run.c} prints it: each token's
 * piece after its predecessor (no leading space after BOS, {@code <0xXX>} pieces as raw bytes), skipping
 * a single-byte piece that is neither printable ASCII nor whitespace ({@code safe_printf}). Bytes are
 * assembled into UTF-8 characters across pieces before they reach {@code out}.
 */
public final class TextStream implements Generator.TokenSink {
    private final Tokenizer tokenizer;
    private final Consumer<String> out;
    private final CharsetDecoder utf8 = StandardCharsets.UTF_8.newDecoder()
            .onMalformedInput(CodingErrorAction.REPLACE).onUnmappableCharacter(CodingErrorAction.REPLACE);
    private ByteBuffer pending = ByteBuffer.allocate(64);
    private final StringBuilder text = new StringBuilder();

    /** Streams the text to {@code out} piece by piece (may be null to only collect it). */
    public TextStream(Tokenizer tokenizer, Consumer<String> out) {
        this.tokenizer = tokenizer;
        this.out = out;
    }

    @Override
    public void accept(int previous, int next) {
        if (tokenizer instanceof Llama2cTokenizer l) {
            byte[] piece = l.pieceBytes(previous, next);
            if (piece.length == 1 && !printable(piece[0])) {
                return;
            }
            emit(decode(piece, false));
        } else {
            emit(tokenizer.decodePiece(previous, next));
        }
    }

    /** Flushes an incomplete UTF-8 sequence (as replacement characters); call once at the end. */
    public void finish() {
        emit(decode(new byte[0], true));
    }

    /** Everything emitted so far. */
    public String text() {
        return text.toString();
    }

    private static boolean printable(byte b) {
        int c = b & 0xff;
        return (c >= 0x20 && c < 0x7f) || c == ' ' || c == '\t' || c == '\n' || c == 0x0b || c == '\f' || c == '\r'
                || c >= 0x80;
    }

    private String decode(byte[] bytes, boolean end) {
        if (pending.remaining() < bytes.length) {
            ByteBuffer bigger = ByteBuffer.allocate(pending.capacity() + bytes.length + 64);
            pending.flip();
            bigger.put(pending);
            pending = bigger;
        }
        pending.put(bytes);
        pending.flip();
        CharBuffer chars = CharBuffer.allocate(pending.remaining() + 2);
        utf8.decode(pending, chars, end);
        if (end) {
            utf8.flush(chars);
            utf8.reset();
        }
        pending.compact();
        chars.flip();
        return chars.toString();
    }

    private void emit(String s) {
        if (!s.isEmpty()) {
            text.append(s);
            if (out != null) {
                out.accept(s);
            }
        }
    }
}
