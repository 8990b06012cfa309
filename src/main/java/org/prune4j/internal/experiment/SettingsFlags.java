package org.prune4j.internal.experiment;

import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.RecordComponent;
import org.prune4j.UserError;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * Turns a settings record into picocli options and back: every component annotated with {@link Flag}
 * becomes an option of the component's type ({@code int}, {@code long}, {@code double}, {@code boolean},
 * {@code String}) whose default is the component's value in a defaults instance; after parsing,
 * {@link #read} calls the canonical constructor with the parsed values, so the record's own validation
 * decides what is acceptable.
 */
public final class SettingsFlags {
    private SettingsFlags() {}

    /** Adds one option per flagged component of {@code defaults}' record type to {@code spec}. */
    public static <R extends Record> void addOptions(CommandSpec spec, R defaults) {
        for (RecordComponent c : defaults.getClass().getRecordComponents()) {
            Flag flag = c.getAnnotation(Flag.class);
            if (flag == null) {
                throw new IllegalStateException(defaults.getClass().getSimpleName() + "." + c.getName() + " has no @Flag");
            }
            Object def = value(c, defaults);
            // picocli formats descriptions (String.format): a literal '%' must be doubled
            String description = flag.description().replace("%", "%%");
            OptionSpec.Builder b = OptionSpec.builder(flag.name()).type(c.getType());
            if (c.getType() == boolean.class) {
                b.arity("0").description(description);
            } else {
                b.paramLabel(flag.label()).defaultValue(String.valueOf(def))
                        .description(description + " (default: ${DEFAULT-VALUE})");
            }
            if (c.getType() == boolean.class && Boolean.TRUE.equals(def)) {
                b.defaultValue("true");
            }
            spec.addOption(b.build());
        }
    }

    /** Builds the record from the values parsed into {@code spec}; invalid values are a {@link UserError}. */
    public static <R extends Record> R read(CommandSpec spec, Class<R> type) {
        RecordComponent[] cs = type.getRecordComponents();
        Object[] args = new Object[cs.length];
        Class<?>[] types = new Class<?>[cs.length];
        for (int i = 0; i < cs.length; i++) {
            Flag flag = cs[i].getAnnotation(Flag.class);
            OptionSpec o = spec.findOption(flag.name());
            if (o == null) {
                throw new IllegalStateException("option " + flag.name() + " was not added to " + spec.name());
            }
            Object v = o.getValue();
            if (v == null && cs[i].getType() == boolean.class) {
                v = Boolean.FALSE;
            }
            args[i] = v;
            types[i] = cs[i].getType();
        }
        try {
            Constructor<R> ctor = type.getDeclaredConstructor(types);
            return ctor.newInstance(args);
        } catch (InvocationTargetException e) {
            if (e.getCause() instanceof UserError u) {
                throw u;
            }
            if (e.getCause() instanceof IllegalArgumentException iae) {
                throw new UserError(iae.getMessage());
            }
            throw new IllegalStateException(e.getCause());
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Object value(RecordComponent c, Record r) {
        try {
            return c.getAccessor().invoke(r);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(e);
        }
    }
}
