package org.prune4j.internal.experiment;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a component of a settings record as a command-line flag: {@link SettingsFlags} adds one picocli
 * option per component, with the default taken from the record's {@code DEFAULTS}, and builds the record
 * back from the parsed values.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.RECORD_COMPONENT)
public @interface Flag {
    /** The option name, e.g. {@code --epochs}. */
    String name();

    /** One-line help text (the default value is appended). */
    String description();

    /** Placeholder in the usage line, e.g. {@code N}. */
    String label() default "VALUE";
}
