package org.prune4j.internal.tokenizer;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import org.prune4j.UserError;

/**
 * The tokenizer of llama2.c ({@code tokenizer.bin}, e.g. the 32000-token Llama-2 vocabulary or the
 * 512-token {@code tok512.bin} of stories260K), with llama2.c {@code run.c} semantics.
 *
 * <p><b>Encoding</b> equals {@code run.c}'s {@code encode()} token for token: BOS (id 1) if asked; a
 * dummy-prefix {@code " "} token when the text is not empty; the UTF-8 bytes split into chunks of one
 * byte plus at most three following continuation bytes (run.c's code point rule, which also covers
 * malformed input), each chunk looked up in the vocabulary, else encoded byte by byte as id
 * {@code byte + 3}; then the merges of {@link ScoredPairMerger} (highest score first, leftmost among
 * equal scores, scores must exceed {@code -1e10}); EOS (id 2) if asked. Unlike run.c's quadratic loop
 * this runs in O(n log n) (and close to linear time on prose). run.c stops at a NUL byte (C strings); here U+0000 is encoded like any other
 * code point (byte fallback {@code <0x00>} unless the vocabulary has it).
 *
 * <p><b>Decoding</b> follows run.c's {@code decode()}: after BOS a leading space of the piece is dropped,
 * and a piece {@code <0xXX>} stands for that raw byte. {@link #decode(int[])} joins the raw bytes of all
 * pieces before turning them into UTF-8 text, so a character split over several byte tokens comes out
 * whole; malformed UTF-8 becomes U+FFFD. (run.c's printing also skips non-printable single bytes; the
 * decoded text keeps them.)
 *
 * <p>Instances are immutable and thread-safe.
 */
public final class Llama2cTokenizer implements Tokenizer {
    /** Id of {@code <s>} in llama2.c tokenizers (hard-coded in run.c). */
    public static final int BOS = 1;
    /** Id of {@code </s>} in llama2.c tokenizers (hard-coded in run.c). */
    public static final int EOS = 2;
    /** Byte {@code b} falls back to token {@code b + 3} (after {@code <unk>, <s>, </s>}). */
    private static final int BYTE_FALLBACK_OFFSET = 3;
    /** run.c reads at most this many bytes per code point chunk. */
    private static final int MAX_CHUNK_BYTES = 4;

    private final Llama2cVocabulary vocab;
    private final LongToIdMap chunkIds;
    private final ScoredPairMerger merger;
    private final int spaceId;

    private Llama2cTokenizer(Llama2cVocabulary vocab, int scanLimit) {
        this.vocab = vocab;
        byte[][] pieces = vocab.pieces();
        // Byte strings as ISO-8859-1 strings: one char per byte, so equality and hashing are byte-exact.
        Map<String, Integer> idOf = new HashMap<>(pieces.length * 2);
        for (int id = 0; id < pieces.length; id++) {
            idOf.putIfAbsent(latin1(pieces[id], 0, pieces[id].length), id); // duplicates: the lowest id wins
        }
        chunkIds = new LongToIdMap(1024);
        LongToIdMap pairs = new LongToIdMap(pieces.length * 2);
        for (int id = 0; id < pieces.length; id++) {
            byte[] p = pieces[id];
            if (p.length >= 1 && p.length <= MAX_CHUNK_BYTES) {
                chunkIds.putIfAbsent(chunkKey(p, 0, p.length), idOf.get(latin1(p, 0, p.length)));
            }
            // Every split of this piece into two vocabulary entries is a mergeable pair.
            String whole = latin1(p, 0, p.length);
            for (int k = 0; k <= p.length; k++) {
                Integer left = idOf.get(whole.substring(0, k));
                if (left == null) {
                    continue;
                }
                Integer right = idOf.get(whole.substring(k));
                if (right != null) {
                    pairs.putIfAbsent(ScoredPairMerger.pairKey(left, right), idOf.get(whole));
                }
            }
        }
        merger = new ScoredPairMerger(pairs, vocab.scores(), pieces, scanLimit);
        Integer space = idOf.get(" ");
        spaceId = space == null ? -1 : space;
    }

    /** Loads {@code path}, reading every token record up to the end of the file. */
    public static Llama2cTokenizer load(Path path) {
        return new Llama2cTokenizer(Llama2cVocabularyReader.read(path, Llama2cVocabularyReader.UNTIL_END),
                ScoredPairMerger.DEFAULT_SCAN_LIMIT);
    }

    /**
     * Loads {@code path} for a model with {@code vocabSize} tokens, as run.c does; a file with fewer or
     * more records is a {@link UserError}.
     */
    public static Llama2cTokenizer load(Path path, int vocabSize) {
        if (vocabSize <= 0) {
            throw new IllegalArgumentException("vocabSize must be positive, got " + vocabSize);
        }
        return new Llama2cTokenizer(Llama2cVocabularyReader.read(path, vocabSize), ScoredPairMerger.DEFAULT_SCAN_LIMIT);
    }

    /**
     * As {@link #load(Path, int)}, with segments of up to {@code scanLimit} symbols merged by run.c's direct
     * loop and longer ones by the heap (see {@link ScoredPairMerger}); tests use it to check both paths.
     */
    static Llama2cTokenizer load(Path path, int vocabSize, int scanLimit) {
        return new Llama2cTokenizer(Llama2cVocabularyReader.read(path, vocabSize), scanLimit);
    }

    @Override
    public int[] encode(String text, boolean bos, boolean eos) {
        return encodeUtf8(text.getBytes(StandardCharsets.UTF_8), bos, eos);
    }

    /**
     * Encodes raw bytes exactly as run.c encodes a C string with these bytes (byte 0 aside, see the class
     * comment); malformed UTF-8 is chunked by run.c's rule.
     */
    public int[] encodeUtf8(byte[] text, boolean bos, boolean eos) {
        int[] tokens = new int[text.length + 3];
        int n = 0;
        if (bos) {
            tokens[n++] = BOS;
        }
        if (text.length > 0) {
            if (spaceId < 0) {
                throw new UserError(vocab.source() + ": has no \" \" token, which llama2.c encoding needs as its dummy prefix");
            }
            tokens[n++] = spaceId;
        }
        int i = 0;
        while (i < text.length) {
            int end = i + 1;
            while (end < text.length && (text[end] & 0xC0) == 0x80 && end - i < MAX_CHUNK_BYTES) {
                end++;
            }
            int id = chunkIds.get(chunkKey(text, i, end - i));
            if (id >= 0) {
                tokens[n++] = id;
            } else {
                for (int k = i; k < end; k++) {
                    tokens[n++] = (text[k] & 0xFF) + BYTE_FALLBACK_OFFSET;
                }
            }
            i = end;
        }
        n = merger.mergeInPlace(tokens, n);
        if (eos) {
            tokens[n++] = EOS;
        }
        return Arrays.copyOf(tokens, n);
    }

    @Override
    public String decode(int[] ids) {
        byte[] out = new byte[Math.max(16, ids.length * 4)];
        int length = 0;
        int previous = BOS; // the start of a sequence reads like the position after BOS
        for (int id : ids) {
            checkId(id);
            if (id != BOS && id != EOS) {
                byte[] piece = vocab.pieces()[id];
                int from = skipsLeadingSpace(previous, piece) ? 1 : 0;
                int raw = rawByte(piece, from);
                int needed = raw >= 0 ? 1 : piece.length - from;
                if (length + needed > out.length) {
                    out = Arrays.copyOf(out, Math.max(length + needed, out.length * 2));
                }
                if (raw >= 0) {
                    out[length++] = (byte) raw;
                } else {
                    System.arraycopy(piece, from, out, length, needed);
                    length += needed;
                }
            }
            previous = id;
        }
        return new String(out, 0, length, StandardCharsets.UTF_8);
    }

    @Override
    public String decodePiece(int previous, int token) {
        return new String(pieceBytes(previous, token), StandardCharsets.UTF_8);
    }

    /**
     * The raw bytes run.c's {@code decode(previous, token)} yields: the piece, without its leading space
     * when {@code previous} is BOS, or the single byte of a {@code <0xXX>} piece. Streams that print
     * pieces one by one should collect these bytes, as one UTF-8 character may span several pieces.
     * {@code previous} may be any int (e.g. -1 for none); only {@code previous == BOS} matters.
     */
    public byte[] pieceBytes(int previous, int token) {
        checkId(token);
        byte[] piece = vocab.pieces()[token];
        int from = skipsLeadingSpace(previous, piece) ? 1 : 0;
        int raw = rawByte(piece, from);
        return raw >= 0 ? new byte[] {(byte) raw} : Arrays.copyOfRange(piece, from, piece.length);
    }

    /** The stored bytes of token {@code id}. */
    public byte[] piece(int id) {
        checkId(id);
        return vocab.pieces()[id].clone();
    }

    /** The merge score of token {@code id}. */
    public float score(int id) {
        checkId(id);
        return vocab.scores()[id];
    }

    /** The file header's {@code max_token_length}. */
    public int maxTokenLength() {
        return vocab.maxTokenLength();
    }

    @Override
    public int vocabSize() {
        return vocab.size();
    }

    @Override
    public int bosId() {
        return BOS;
    }

    @Override
    public int eosId() {
        return EOS;
    }

    @Override
    public String toString() {
        return "Llama2cTokenizer[" + vocab.source() + ", " + vocab.size() + " tokens]";
    }

    private void checkId(int id) {
        if (id < 0 || id >= vocab.size()) {
            throw new IllegalArgumentException("token id " + id + " is outside the vocabulary [0, " + vocab.size() + ")");
        }
    }

    private static boolean skipsLeadingSpace(int previous, byte[] piece) {
        return previous == BOS && piece.length > 0 && piece[0] == ' ';
    }

    /**
     * The byte value when {@code piece[from..]} reads as run.c's {@code sscanf(piece, "<0x%02hhX>")}
     * match ({@code <0x} and one or two hex digits), else -1.
     */
    private static int rawByte(byte[] piece, int from) {
        if (piece.length - from < 4 || piece[from] != '<' || piece[from + 1] != '0' || piece[from + 2] != 'x') {
            return -1;
        }
        int high = Character.digit(piece[from + 3], 16);
        if (high < 0) {
            return -1;
        }
        int low = piece.length - from > 4 ? Character.digit(piece[from + 4], 16) : -1;
        return low < 0 ? high : high * 16 + low;
    }

    /** Packs up to four bytes and their count into one map key. */
    private static long chunkKey(byte[] bytes, int from, int length) {
        long packed = 0;
        for (int k = 0; k < length; k++) {
            packed |= (long) (bytes[from + k] & 0xFF) << (8 * k);
        }
        return ((long) length << 32) | packed;
    }

    private static String latin1(byte[] bytes, int from, int length) {
        return new String(bytes, from, length, StandardCharsets.ISO_8859_1);
    }
}
