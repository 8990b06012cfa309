package org.prune4j.fuzz;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Mutates a seed file the way a fuzzer does: bit flips, interesting bytes and integers (little- and
 * big-endian, 32 and 64 bits) written over the data, truncation, deleted and duplicated chunks, and, for
 * text headers (JSON, pickle text opcodes), numbers replaced by interesting numbers and stray characters.
 * Each input applies one to four mutations chosen by a seeded generator, so a run is reproducible.
 */
final class Mutator {
    private static final byte[] INTERESTING_BYTES = {0, 1, 0x7f, (byte) 0x80, (byte) 0xff, 0x10, 0x20, '\n', '"'};
    private static final long[] INTERESTING_INTS = {0, 1, -1, 2, 16, 255, 256, 0x7fff, 0xffff, 0x7fff_ffffL,
            0x8000_0000L, 0xffff_ffffL, 1L << 32, 1L << 40, 1L << 62, Long.MAX_VALUE, Long.MIN_VALUE, -2};
    private static final String[] INTERESTING_NUMBERS = {"0", "-1", "1", "2147483647", "2147483648", "-2147483648",
            "4294967296", "9223372036854775807", "99999999999999999999999", "1e308", "-1e308", "NaN", "0.5", "1e-400",
            "65536", "1000000000"};
    private static final String[] STRAY = {"\u0000", "\"", "{", "}", "[", "]", ",", ":", "\\", "\n", "\u00ff",
            "\uD800", "null", "true", "../"};

    private Mutator() {}

    /** A mutant of {@code seed} drawn from {@code rnd}. */
    static byte[] mutate(byte[] seed, SplittableRandom rnd) {
        byte[] b = seed.clone();
        int n = 1 + rnd.nextInt(4);
        for (int i = 0; i < n; i++) {
            b = once(b, rnd);
        }
        return b;
    }

    private static byte[] once(byte[] b, SplittableRandom rnd) {
        if (b.length == 0) {
            return new byte[] {INTERESTING_BYTES[rnd.nextInt(INTERESTING_BYTES.length)]};
        }
        switch (rnd.nextInt(9)) {
            case 0 -> { // bit flip
                int p = rnd.nextInt(b.length);
                b[p] ^= (byte) (1 << rnd.nextInt(8));
                return b;
            }
            case 1 -> { // interesting byte
                b[rnd.nextInt(b.length)] = INTERESTING_BYTES[rnd.nextInt(INTERESTING_BYTES.length)];
                return b;
            }
            case 2 -> { // interesting integer, 4 or 8 bytes, either byte order
                int width = rnd.nextBoolean() ? 4 : 8;
                if (b.length < width) {
                    return b;
                }
                ByteBuffer v = ByteBuffer.allocate(8).order(rnd.nextBoolean() ? ByteOrder.LITTLE_ENDIAN : ByteOrder.BIG_ENDIAN);
                v.putLong(INTERESTING_INTS[rnd.nextInt(INTERESTING_INTS.length)] + rnd.nextInt(3) - 1);
                byte[] bytes = v.array();
                int from = v.order() == ByteOrder.LITTLE_ENDIAN ? 0 : 8 - width;
                System.arraycopy(bytes, from, b, rnd.nextInt(b.length - width + 1), width);
                return b;
            }
            case 3 -> { // truncation
                return Arrays.copyOf(b, rnd.nextInt(b.length));
            }
            case 4 -> { // delete a chunk
                int from = rnd.nextInt(b.length);
                int len = 1 + rnd.nextInt(Math.min(64, b.length - from));
                byte[] out = new byte[b.length - len];
                System.arraycopy(b, 0, out, 0, from);
                System.arraycopy(b, from + len, out, from, b.length - from - len);
                return out;
            }
            case 5 -> { // duplicate a chunk somewhere else
                int from = rnd.nextInt(b.length);
                int len = 1 + rnd.nextInt(Math.min(256, b.length - from));
                int at = rnd.nextInt(b.length + 1);
                byte[] out = new byte[b.length + len];
                System.arraycopy(b, 0, out, 0, at);
                System.arraycopy(b, from, out, at, len);
                System.arraycopy(b, at, out, at + len, b.length - at);
                return out;
            }
            case 6, 7 -> { // header edit: a number of a text header replaced by an interesting one
                return replaceNumber(b, rnd);
            }
            default -> { // header edit: a stray character or token inserted
                byte[] s = STRAY[rnd.nextInt(STRAY.length)].getBytes(StandardCharsets.UTF_8);
                int at = rnd.nextInt(b.length + 1);
                byte[] out = new byte[b.length + s.length];
                System.arraycopy(b, 0, out, 0, at);
                System.arraycopy(s, 0, out, at, s.length);
                System.arraycopy(b, at, out, at + s.length, b.length - at);
                return out;
            }
        }
    }

    /** Replaces the run of ASCII digits at or after a random position by an interesting number. */
    private static byte[] replaceNumber(byte[] b, SplittableRandom rnd) {
        int start = rnd.nextInt(b.length);
        int p = start;
        while (p < b.length && !(b[p] >= '0' && b[p] <= '9')) {
            p++;
        }
        if (p == b.length) {
            return b;
        }
        int q = p;
        while (q < b.length && b[q] >= '0' && b[q] <= '9') {
            q++;
        }
        byte[] num = INTERESTING_NUMBERS[rnd.nextInt(INTERESTING_NUMBERS.length)].getBytes(StandardCharsets.US_ASCII);
        byte[] out = new byte[b.length - (q - p) + num.length];
        System.arraycopy(b, 0, out, 0, p);
        System.arraycopy(num, 0, out, p, num.length);
        System.arraycopy(b, q, out, p + num.length, b.length - q);
        return out;
    }
}
