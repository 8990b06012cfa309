package org.prune4j.internal.recipe;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.prune4j.UserError;

/**
 * The recipe shape of a job that a command runs ({@code eval}, {@code train}, ...): its sections and keys,
 * each standing for one option of the command. A recipe of the job is read strictly against it (an unknown
 * section or key, or a value of the wrong type, is a one-line error naming the key), written with its
 * sections in this order, and turned into the command line that runs it.
 *
 * @param job the job's name (the recipe's {@code job} key)
 * @param command the command-line words that start the command ({@code prune}, or {@code eval})
 * @param keys every key, in the order they are written
 */
public record JobSchema(String job, List<String> command, List<JobKey> keys) {
    /** Copies the lists. */
    public JobSchema {
        command = List.copyOf(command);
        keys = List.copyOf(keys);
    }

    /** The sections, in order. */
    public List<String> sections() {
        return keys.stream().map(JobKey::section).distinct().toList();
    }

    private List<String> keysOf(String section) {
        return keys.stream().filter(k -> k.section().equals(section)).map(JobKey::name).toList();
    }

    private JobKey key(String section, String name) {
        return keys.stream().filter(k -> k.section().equals(section) && k.name().equals(name)).findFirst().orElse(null);
    }

    /** The key standing for option {@code flag}, or null. */
    public JobKey keyOfFlag(String flag) {
        return keys.stream().filter(k -> k.flag().equals(flag)).findFirst().orElse(null);
    }

    /** The sections of a recipe tree (its {@code job} key aside), read strictly. */
    public Map<String, Map<String, Object>> read(JsonNode root) {
        List<String> allowed = new ArrayList<>(sections());
        Map<String, Map<String, Object>> out = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> s = it.next();
            String section = s.getKey();
            if (section.equals("job")) {
                continue;
            }
            if (!allowed.contains(section)) {
                throw new UserError("unknown key '" + section + "' (recipe sections of job " + job + ": job, "
                        + String.join(", ", allowed) + ")");
            }
            JsonNode body = s.getValue();
            if (body == null || body.isNull()) {
                continue;
            }
            if (!body.isObject()) {
                throw new UserError(section + ": expected a mapping with keys " + String.join(", ", keysOf(section)));
            }
            Map<String, Object> values = new LinkedHashMap<>();
            for (Iterator<Map.Entry<String, JsonNode>> kv = body.fields(); kv.hasNext(); ) {
                Map.Entry<String, JsonNode> e = kv.next();
                JobKey k = key(section, e.getKey());
                if (k == null) {
                    throw new UserError("unknown key '" + section + "." + e.getKey() + "' (" + section + " keys of job " + job
                            + ": " + String.join(", ", keysOf(section)) + ")");
                }
                if (!e.getValue().isNull()) {
                    values.put(k.name(), k.type().read(e.getValue(), k.path()));
                }
            }
            out.put(section, values);
        }
        return normalize(out);
    }

    /**
     * The sections checked against this schema and put in its order (each value of its key's type), as an
     * unmodifiable map; empty sections are left out.
     */
    public Map<String, Map<String, Object>> normalize(Map<String, Map<String, Object>> given) {
        Map<String, Map<String, Object>> in = given == null ? Map.of() : given;
        for (Map.Entry<String, Map<String, Object>> s : in.entrySet()) {
            if (!sections().contains(s.getKey())) {
                throw new UserError("unknown key '" + s.getKey() + "' (recipe sections of job " + job + ": job, "
                        + String.join(", ", sections()) + ")");
            }
            for (String name : s.getValue().keySet()) {
                if (key(s.getKey(), name) == null) {
                    throw new UserError("unknown key '" + s.getKey() + "." + name + "' (" + s.getKey() + " keys of job " + job
                            + ": " + String.join(", ", keysOf(s.getKey())) + ")");
                }
            }
        }
        Map<String, Map<String, Object>> out = new LinkedHashMap<>();
        for (String section : sections()) {
            Map<String, Object> values = in.get(section);
            if (values == null) {
                continue;
            }
            Map<String, Object> checked = new LinkedHashMap<>();
            for (JobKey k : keys) {
                Object v = k.section().equals(section) ? values.get(k.name()) : null;
                if (v != null) {
                    checked.put(k.name(), k.type().check(v, k.path()));
                }
            }
            if (!checked.isEmpty()) {
                out.put(section, Collections.unmodifiableMap(checked));
            }
        }
        return Collections.unmodifiableMap(out);
    }

    /** The recipe tree: {@code job} first, then the sections. */
    public ObjectNode write(Map<String, Map<String, Object>> sections, JsonNodeFactory f) {
        ObjectNode root = f.objectNode();
        root.put("job", job);
        sections.forEach((section, values) -> {
            ObjectNode s = root.putObject(section);
            values.forEach((name, v) -> s.set(name, key(section, name).type().write(f, v)));
        });
        return root;
    }

    /** The command line (after the program name) that runs a recipe with these sections. */
    public List<String> arguments(Map<String, Map<String, Object>> sections) {
        List<String> args = new ArrayList<>(command);
        for (JobKey k : keys) {
            Map<String, Object> values = sections.get(k.section());
            Object v = values == null ? null : values.get(k.name());
            if (v != null) {
                args.addAll(k.type().arguments(k.flag(), v));
            }
        }
        return args;
    }
}
