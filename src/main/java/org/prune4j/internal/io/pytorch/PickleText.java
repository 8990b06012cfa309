package org.prune4j.internal.io.pytorch;

/** Text from a checkpoint made safe to print: control characters replaced, length bounded. */
final class PickleText {
    private static final int MAX = 120;

    private PickleText() {}

    /** {@code s} with every control or non-printable character as {@code ?}, cut at 120 characters. */
    static String printable(String s) {
        if (s == null) {
            return "(no message)";
        }
        StringBuilder out = new StringBuilder(Math.min(s.length(), MAX + 3));
        for (int i = 0; i < s.length() && out.length() < MAX; i++) {
            char c = s.charAt(i);
            out.append(Character.isISOControl(c) || Character.isSurrogate(c) || c == '\u2028' || c == '\u2029' ? '?' : c);
        }
        return s.length() > MAX ? out + "..." : out.toString();
    }
}
