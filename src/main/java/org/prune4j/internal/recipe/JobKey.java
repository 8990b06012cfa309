package org.prune4j.internal.recipe;

/**
 * One recipe key of a command job: {@code section.name} in the recipe, the command-line option it stands
 * for, and its type.
 *
 * @param section the recipe section ({@code model}, {@code evaluation}, ...)
 * @param name the key inside the section
 * @param flag the option's longest name ({@code --max-windows})
 * @param type how the value is read, written and passed to the option
 */
public record JobKey(String section, String name, String flag, KeyType type) {
    /** {@code section.name}. */
    public String path() {
        return section + "." + name;
    }

    static JobKey of(String section, String name, String flag, KeyType type) {
        return new JobKey(section, name, flag, type);
    }
}
