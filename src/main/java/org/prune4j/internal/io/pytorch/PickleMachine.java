package org.prune4j.internal.io.pytorch;

import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The pickle virtual machine (protocols 0 to 5), written for hostile input.
 *
 * <p>It reads one pickle from a byte array, starting at a position, and leaves the position after the
 * {@code STOP} opcode (the legacy PyTorch format is several pickles in a row). Every length a pickle
 * declares is checked against the bytes actually left before anything is allocated; integers in text
 * form are bounded; memoised objects are shared, never copied; nothing recursive runs here (the machine
 * is a loop over opcodes), so deep nesting cannot overflow the Java stack. Python globals, calls and
 * persistent ids are handed to a {@link PickleGlobals} policy; the machine itself constructs only
 * {@code None}, booleans, integers ({@code Long}, or {@code BigInteger} beyond 64 bits), floats
 * ({@code Double}), strings, bytes ({@code byte[]}), lists ({@code ArrayList}), tuples ({@code Object[]})
 * and dicts (insertion-ordered {@code LinkedHashMap}). Python sets, extension codes and out-of-band
 * buffers are refused. Errors are {@link PickleFormatException}s with a short message free of Java
 * internals and of raw bytes from the file.
 */
final class PickleMachine {
    /** The longest text line (protocol 0 integers, floats, memo keys) accepted. */
    private static final int MAX_TEXT_NUMBER = 4096;
    /** The longest global name (module or attribute) accepted. */
    private static final int MAX_NAME = 1024;

    private final byte[] data;
    private final int end;
    private final PickleGlobals globals;
    private int pos;
    private final List<Object> stack = new ArrayList<>();
    private final List<Integer> marks = new ArrayList<>();
    private final Map<Long, Object> memo = new HashMap<>();

    /** A machine reading {@code data[start, end)}. */
    PickleMachine(byte[] data, int start, int end, PickleGlobals globals) {
        this.data = data;
        this.pos = start;
        this.end = end;
        this.globals = globals;
    }

    /** The position after the last pickle read. */
    int position() {
        return pos;
    }

    /** Runs one pickle to its {@code STOP} and returns its value. */
    Object load() {
        stack.clear();
        marks.clear();
        memo.clear();
        while (true) {
            int op = u8();
            switch (op) {
                case 0x80 -> { // PROTO
                    int p = u8();
                    if (p > 5) {
                        throw new PickleFormatException("unsupported pickle protocol " + p);
                    }
                }
                case 0x95 -> boundedLength(le(8), "frame"); // FRAME: announces a length; its bytes follow as opcodes
                case '.' -> { // STOP
                    Object value = pop();
                    if (!marks.isEmpty()) {
                        throw new PickleFormatException("pickle stops inside an unclosed mark");
                    }
                    return value;
                }
                case '(' -> marks.add(stack.size()); // MARK
                case '0' -> pop(); // POP
                case '1' -> popMark(); // POP_MARK
                case '2' -> push(peek()); // DUP
                case 'N' -> push(null);
                case 0x88 -> push(Boolean.TRUE);
                case 0x89 -> push(Boolean.FALSE);
                case 'J' -> push((long) (int) le(4)); // BININT (signed)
                case 'K' -> push((long) u8()); // BININT1
                case 'M' -> push(le(2)); // BININT2
                case 'I' -> push(textInt(line(MAX_TEXT_NUMBER))); // INT
                case 'L' -> push(textLong(line(MAX_TEXT_NUMBER))); // LONG
                case 0x8a -> push(twosComplement(bytes(u8()))); // LONG1
                case 0x8b -> push(twosComplement(bytes(boundedLength(signedLength4(), "long")))); // LONG4
                case 'F' -> push(textFloat(line(MAX_TEXT_NUMBER))); // FLOAT
                case 'G' -> push(ByteBuffer.wrap(bytes(8)).order(ByteOrder.BIG_ENDIAN).getDouble()); // BINFLOAT
                case 'X' -> push(utf8(bytes(boundedLength(le(4), "string")))); // BINUNICODE
                case 0x8c -> push(utf8(bytes(u8()))); // SHORT_BINUNICODE
                case 0x8d -> push(utf8(bytes(boundedLength(le(8), "string")))); // BINUNICODE8
                case 'V' -> push(rawUnicodeEscape(line(end - pos))); // UNICODE
                case 'T' -> push(latin1(bytes(boundedLength(signedLength4(), "string")))); // BINSTRING
                case 'U' -> push(latin1(bytes(u8()))); // SHORT_BINSTRING
                case 'S' -> push(quotedString(line(end - pos))); // STRING
                case 'B' -> push(bytes(boundedLength(le(4), "bytes"))); // BINBYTES
                case 'C' -> push(bytes(u8())); // SHORT_BINBYTES
                case 0x8e, 0x96 -> push(bytes(boundedLength(le(8), "bytes"))); // BINBYTES8, BYTEARRAY8
                case ']' -> push(new ArrayList<>());
                case 'l' -> push(new ArrayList<>(popMark())); // LIST
                case 'a' -> { // APPEND
                    Object v = pop();
                    list(peek(), "APPEND").add(v);
                }
                case 'e' -> { // APPENDS
                    List<Object> items = popMark();
                    list(peek(), "APPENDS").addAll(items);
                }
                case ')' -> push(new Object[0]);
                case 't' -> push(popMark().toArray()); // TUPLE
                case 0x85 -> push(new Object[] {pop()});
                case 0x86 -> {
                    Object b = pop();
                    Object a = pop();
                    push(new Object[] {a, b});
                }
                case 0x87 -> {
                    Object c = pop();
                    Object b = pop();
                    Object a = pop();
                    push(new Object[] {a, b, c});
                }
                case '}' -> push(new LinkedHashMap<>());
                case 'd' -> { // DICT
                    Map<Object, Object> m = new LinkedHashMap<>();
                    putAll(m, popMark());
                    push(m);
                }
                case 's' -> { // SETITEM
                    Object v = pop();
                    Object k = pop();
                    put(dict(peek(), "SETITEM"), k, v);
                }
                case 'u' -> { // SETITEMS
                    List<Object> items = popMark();
                    putAll(dict(peek(), "SETITEMS"), items);
                }
                case 'g' -> push(memoGet(textInt(line(MAX_TEXT_NUMBER)))); // GET
                case 'h' -> push(memoGet(u8())); // BINGET
                case 'j' -> push(memoGet(le(4))); // LONG_BINGET
                case 'p' -> memo.put(textInt(line(MAX_TEXT_NUMBER)), peek()); // PUT
                case 'q' -> memo.put((long) u8(), peek()); // BINPUT
                case 'r' -> memo.put(le(4), peek()); // LONG_BINPUT
                case 0x94 -> memo.put((long) memo.size(), peek()); // MEMOIZE
                case 'c' -> { // GLOBAL
                    String module = name(line(MAX_NAME));
                    String n = name(line(MAX_NAME));
                    push(globals.global(module, n));
                }
                case 0x93 -> { // STACK_GLOBAL
                    Object n = pop();
                    Object module = pop();
                    if (!(module instanceof String m) || !(n instanceof String s)) {
                        throw new PickleFormatException("STACK_GLOBAL without module and name strings");
                    }
                    push(globals.global(m, s));
                }
                case 'i' -> { // INST
                    String module = name(line(MAX_NAME));
                    String n = name(line(MAX_NAME));
                    throw globals.refuse(module, n);
                }
                case 'o' -> throw new PickleFormatException("the OBJ opcode (class instantiation) is not supported");
                case 'R', 0x81 -> { // REDUCE, NEWOBJ
                    Object args = pop();
                    Object callable = pop();
                    push(globals.call(callable, tuple(args, "call arguments")));
                }
                case 0x92 -> { // NEWOBJ_EX
                    Object kwargs = pop();
                    Object args = pop();
                    Object callable = pop();
                    if (!(kwargs instanceof Map<?, ?> kw) || !kw.isEmpty()) {
                        throw new PickleFormatException("NEWOBJ_EX with keyword arguments is not supported");
                    }
                    push(globals.call(callable, tuple(args, "call arguments")));
                }
                case 'b' -> { // BUILD
                    Object state = pop();
                    globals.build(peek(), state);
                }
                case 'Q' -> push(globals.persistentLoad(pop())); // BINPERSID
                case 'P' -> push(globals.persistentLoad(utf8(line(MAX_NAME).getBytes(StandardCharsets.ISO_8859_1))));
                case 0x8f, 0x90, 0x91 -> throw new PickleFormatException("Python sets are not supported");
                case 0x82, 0x83, 0x84 -> throw new PickleFormatException("pickle extension codes are not supported");
                case 0x97, 0x98 -> throw new PickleFormatException("out-of-band pickle buffers are not supported");
                default -> throw new PickleFormatException(String.format("invalid pickle opcode 0x%02x", op));
            }
        }
    }

    // ---- stack ----

    private void push(Object o) {
        stack.add(o);
    }

    private Object pop() {
        int floor = marks.isEmpty() ? 0 : marks.get(marks.size() - 1);
        if (stack.size() <= floor) {
            throw new PickleFormatException("pickle pops from an empty stack");
        }
        return stack.remove(stack.size() - 1);
    }

    private Object peek() {
        int floor = marks.isEmpty() ? 0 : marks.get(marks.size() - 1);
        if (stack.size() <= floor) {
            throw new PickleFormatException("pickle reads from an empty stack");
        }
        return stack.get(stack.size() - 1);
    }

    private List<Object> popMark() {
        if (marks.isEmpty()) {
            throw new PickleFormatException("pickle closes a mark that was never opened");
        }
        int from = marks.remove(marks.size() - 1);
        List<Object> tail = stack.subList(from, stack.size());
        List<Object> items = new ArrayList<>(tail);
        tail.clear();
        return items;
    }

    private Object memoGet(long key) {
        Object v = memo.get(key);
        if (v == null && !memo.containsKey(key)) {
            throw new PickleFormatException("pickle refers to memo entry " + key + ", which was never stored");
        }
        return v;
    }

    // ---- containers ----

    @SuppressWarnings("unchecked")
    private static List<Object> list(Object o, String op) {
        if (!(o instanceof ArrayList<?>)) {
            throw new PickleFormatException(op + " on " + PickleValues.typeName(o) + " instead of a list");
        }
        return (List<Object>) o;
    }

    @SuppressWarnings("unchecked")
    private static Map<Object, Object> dict(Object o, String op) {
        if (!(o instanceof LinkedHashMap<?, ?>)) {
            throw new PickleFormatException(op + " on " + PickleValues.typeName(o) + " instead of a dict");
        }
        return (Map<Object, Object>) o;
    }

    private static Object[] tuple(Object o, String what) {
        if (!(o instanceof Object[] a)) {
            throw new PickleFormatException(what + " are " + PickleValues.typeName(o) + ", not a tuple");
        }
        return a;
    }

    private static void putAll(Map<Object, Object> m, List<Object> items) {
        if (items.size() % 2 != 0) {
            throw new PickleFormatException("dict items come in an odd number (" + items.size() + ")");
        }
        for (int i = 0; i < items.size(); i += 2) {
            put(m, items.get(i), items.get(i + 1));
        }
    }

    /** Python refuses unhashable keys; refusing them here also keeps Java's hashCode from recursing. */
    private static void put(Map<Object, Object> m, Object k, Object v) {
        if (k instanceof List<?> || k instanceof Map<?, ?>) {
            throw new PickleFormatException("a dict key is " + PickleValues.typeName(k) + ", which is unhashable");
        }
        m.put(k, v);
    }

    // ---- reading ----

    private int u8() {
        if (pos >= end) {
            throw PickleFormatException.truncated();
        }
        return data[pos++] & 0xff;
    }

    /** An unsigned little-endian integer of n ≤ 8 bytes (8 bytes may come out negative: checked by callers). */
    private long le(int n) {
        if (end - pos < n) {
            throw PickleFormatException.truncated();
        }
        long v = 0;
        for (int i = n - 1; i >= 0; i--) {
            v = (v << 8) | (data[pos + i] & 0xff);
        }
        pos += n;
        return v;
    }

    private long signedLength4() {
        return (int) le(4);
    }

    /** A declared length, checked against the bytes actually left before anything is allocated. */
    private int boundedLength(long declared, String what) {
        if (declared < 0 || declared > end - pos) {
            if (declared < 0) {
                throw new PickleFormatException("a " + what + " declares a negative length");
            }
            throw new PickleFormatException("a " + what + " declares " + declared + " bytes but only "
                    + (end - pos) + " are left: the file is truncated or corrupt");
        }
        return (int) declared;
    }

    private byte[] bytes(int n) {
        if (end - pos < n) {
            throw PickleFormatException.truncated();
        }
        byte[] b = new byte[n];
        System.arraycopy(data, pos, b, 0, n);
        pos += n;
        return b;
    }

    /** A newline-terminated line of at most {@code max} bytes (without the newline), as ISO-8859-1. */
    private String line(int max) {
        int limit = (int) Math.min(end, (long) pos + max + 1);
        for (int i = pos; i < limit; i++) {
            if (data[i] == '\n') {
                String s = new String(data, pos, i - pos, StandardCharsets.ISO_8859_1);
                pos = i + 1;
                return s;
            }
        }
        if (limit == end) {
            throw PickleFormatException.truncated();
        }
        throw new PickleFormatException("a text field of the pickle is longer than " + max + " bytes");
    }

    private static String name(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 0x20 || c > 0x7e) {
                throw new PickleFormatException("a global name holds non-printable characters");
            }
        }
        return s;
    }

    private static long textInt(String s) {
        if (s.equals("00")) {
            return 0;
        }
        if (s.equals("01")) {
            return 1;
        }
        Object v = textLong(s);
        if (v instanceof Long l) {
            return l;
        }
        throw new PickleFormatException("an integer of the pickle is out of range");
    }

    private static Object textLong(String s) {
        String digits = s.endsWith("L") ? s.substring(0, s.length() - 1) : s;
        if (!digits.matches("[+-]?[0-9]{1,4000}")) {
            throw new PickleFormatException("an integer of the pickle is not a number");
        }
        return PickleValues.narrow(new BigInteger(digits));
    }

    private static double textFloat(String s) {
        if (!s.matches("[-+0-9.eEinfatyINFATY]{1,64}")) {
            throw new PickleFormatException("a float of the pickle is not a number");
        }
        try {
            return Double.parseDouble(s);
        } catch (NumberFormatException e) {
            throw new PickleFormatException("a float of the pickle is not a number");
        }
    }

    private static Object twosComplement(byte[] le) {
        if (le.length == 0) {
            return 0L;
        }
        byte[] be = new byte[le.length];
        for (int i = 0; i < le.length; i++) {
            be[i] = le[le.length - 1 - i];
        }
        return PickleValues.narrow(new BigInteger(be));
    }

    private static String utf8(byte[] b) {
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(b)).toString();
        } catch (CharacterCodingException e) {
            throw new PickleFormatException("a string of the pickle is not valid UTF-8");
        }
    }

    private static String latin1(byte[] b) {
        return new String(b, StandardCharsets.ISO_8859_1);
    }

    /** Python's raw-unicode-escape: \\uXXXX and \\UXXXXXXXX escapes, every other byte as Latin-1. */
    private static String rawUnicodeEscape(String s) {
        StringBuilder out = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\\' && i + 1 < s.length() && (s.charAt(i + 1) == 'u' || s.charAt(i + 1) == 'U')) {
                int digits = s.charAt(i + 1) == 'u' ? 4 : 8;
                if (i + 2 + digits > s.length()) {
                    throw new PickleFormatException("a unicode escape of the pickle is truncated");
                }
                int cp = hex(s.substring(i + 2, i + 2 + digits));
                if (!Character.isValidCodePoint(cp)) {
                    throw new PickleFormatException("a unicode escape of the pickle is out of range");
                }
                out.appendCodePoint(cp);
                i += 1 + digits;
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }

    /** Protocol 0 STRING: a quoted Python literal with backslash escapes. */
    private static String quotedString(String s) {
        if (s.length() < 2 || (s.charAt(0) != '\'' && s.charAt(0) != '"') || s.charAt(s.length() - 1) != s.charAt(0)) {
            throw new PickleFormatException("a STRING of the pickle is not quoted");
        }
        StringBuilder out = new StringBuilder();
        for (int i = 1; i < s.length() - 1; i++) {
            char c = s.charAt(i);
            if (c != '\\') {
                out.append(c);
                continue;
            }
            if (++i >= s.length() - 1) {
                throw new PickleFormatException("a STRING of the pickle ends inside an escape");
            }
            char e = s.charAt(i);
            switch (e) {
                case 'n' -> out.append('\n');
                case 't' -> out.append('\t');
                case 'r' -> out.append('\r');
                case '\\', '\'', '"' -> out.append(e);
                case 'x' -> {
                    if (i + 2 >= s.length()) {
                        throw new PickleFormatException("a STRING of the pickle ends inside an escape");
                    }
                    out.append((char) hex(s.substring(i + 1, i + 3)));
                    i += 2;
                }
                default -> throw new PickleFormatException("a STRING of the pickle has an unknown escape");
            }
        }
        return out.toString();
    }

    private static int hex(String s) {
        try {
            return (int) Long.parseLong(s, 16);
        } catch (NumberFormatException e) {
            throw new PickleFormatException("an escape of the pickle is not hexadecimal");
        }
    }
}
