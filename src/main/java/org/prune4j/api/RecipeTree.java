package org.prune4j.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Iterator;
import java.util.List;
import org.prune4j.UserError;

/** The mapping between a {@link Recipe} and its tree of sections and keys (the YAML and JSON shape). */
final class RecipeTree {
    private RecipeTree() {}

    static Recipe read(JsonNode tree) {
        Node root = Node.root(tree, List.of("job", "model", "calibration", "method", "allocation", "recovery", "evaluation", "output"));
        if (root.text("job") != null && !root.text("job").strip().equalsIgnoreCase("prune")) {
            throw new UserError("job " + root.text("job") + ": not a prune recipe (RecipeFormat.parseJob reads every job)");
        }
        Node model = root.section("model", List.of("path", "tokenizer", "residency"));
        Node method = root.section("method", null);
        if (model == null) {
            throw new UserError("model: missing; name the model with model.path");
        }
        if (method == null) {
            throw new UserError("method: missing; give method.name and method.sparsity");
        }
        Node calib = root.section("calibration", List.of("text", "ids", "nsamples", "seqlen", "seed", "batch"));
        Node alloc = root.section("allocation", List.of("name", "owl_m", "owl_lambda", "min_density"));
        Node recovery = root.section("recovery", RECOVERY_KEYS);
        Node eval = root.section("evaluation", List.of("text", "ids", "seqlen", "max_windows"));
        Node output = root.section("output", List.of("path", "format"));
        return new Recipe(
                new ModelSettings(model.text("path"), model.text("tokenizer"), model.text("residency")),
                calib == null ? null : new CalibrationSettings(calib.text("text"), calib.text("ids"),
                        calib.integer("nsamples", JobSettings.defaultNsamples()), calib.integer("seqlen", 0),
                        calib.longInteger("seed", 0), calib.integer("batch", 0)),
                new MethodSettings(method.text("name"), method.textOrNumber("sparsity"), method.scalarsExcept("name", "sparsity")),
                alloc == null ? null : new AllocationSettings(alloc.text("name") == null ? "uniform" : alloc.text("name"),
                        alloc.number("owl_m"), alloc.number("owl_lambda"), alloc.number("min_density")),
                recovery == null ? null : recovery(recovery),
                eval == null ? null : new EvaluationSettings(eval.text("text"), eval.text("ids"), eval.integer("seqlen", 0),
                        eval.integer("max_windows", 0)),
                output == null ? null : new OutputSettings(output.text("path"), output.text("format")));
    }

    private static final List<String> RECOVERY_KEYS = List.of("method", "student", "targets", "rank", "alpha", "dropout",
            "teacher", "temperature", "hidden_mse", "train_text", "train_ids", "seqlen", "steps", "epochs", "batch", "accumulate",
            "lr", "warmup", "min_lr_factor", "weight_decay", "clip", "seed", "val_fraction", "eval_every", "patience", "keep_adapters", "checkpoint", "track_ppl");

    private static RecoverySettings recovery(Node n) {
        String method = n.text("method") == null ? "none" : n.text("method");
        String targets = n.text("targets");
        RecoverySettings.Builder b = RecoverySettings.builder(method);
        if (method.strip().equalsIgnoreCase("none")) {
            for (Iterator<String> it = n.node().fieldNames(); it.hasNext(); ) {
                String k = it.next();
                if (!k.equals("method")) {
                    throw new UserError("recovery." + k + ": recovery.method none does not take this setting");
                }
            }
            return b.build();
        }
        return RecoverySettings.checked(new RecoverySettings(method, n.text("student"),
                targets == null ? null : java.util.Arrays.stream(targets.split(",")).map(String::strip).filter(t -> !t.isEmpty()).toList(),
                n.integer("rank"), n.number("alpha"), n.number("dropout"), n.text("teacher"), n.number("temperature"),
                n.number("hidden_mse"), n.text("train_text"), n.text("train_ids"), n.integer("seqlen", 0),
                n.longInteger("steps", 0), n.integer("epochs", 0), n.integer("batch", RecoverySettings.Defaults.BATCH),
                n.integer("accumulate", RecoverySettings.Defaults.ACCUMULATE), n.number("lr", RecoverySettings.Defaults.LR),
                n.longInteger("warmup", 0), n.number("min_lr_factor", RecoverySettings.Defaults.MIN_LR_FACTOR),
                n.number("weight_decay", 0), n.number("clip", RecoverySettings.Defaults.CLIP), n.longInteger("seed", 0),
                n.number("val_fraction", RecoverySettings.Defaults.VAL_FRACTION), n.longInteger("eval_every", 0),
                n.integer("patience", 0), n.bool("keep_adapters", false), n.text("checkpoint"), n.bool("track_ppl", false)));
    }

    private static void writeRecovery(ObjectNode out, RecoverySettings r) {
        out.put("method", r.method());
        if (!r.recovers()) {
            return;
        }
        putIfSet(out, "student", r.student());
        putIfSet(out, "targets", r.targets() == null ? null : String.join(",", r.targets()));
        if (r.rank() != null) {
            out.put("rank", r.rank());
        }
        putIfSet(out, "alpha", r.alpha());
        putIfSet(out, "dropout", r.dropout());
        putIfSet(out, "teacher", r.teacher());
        putIfSet(out, "temperature", r.temperature());
        putIfSet(out, "hidden_mse", r.hiddenMse());
        putIfSet(out, "train_text", r.trainText());
        putIfSet(out, "train_ids", r.trainIds());
        out.put("seqlen", r.seqlen());
        out.put("steps", r.steps());
        out.put("epochs", r.epochs());
        out.put("batch", r.batch());
        out.put("accumulate", r.accumulate());
        out.put("lr", r.lr());
        out.put("warmup", r.warmup());
        out.put("min_lr_factor", r.minLrFactor());
        out.put("weight_decay", r.weightDecay());
        out.put("clip", r.clip());
        out.put("seed", r.seed());
        out.put("val_fraction", r.valFraction());
        out.put("eval_every", r.evalEvery());
        out.put("patience", r.patience());
        if (r.keepAdapters()) {
            out.put("keep_adapters", true);
        }
        putIfSet(out, "checkpoint", r.checkpoint());
        if (r.trackPpl()) {
            out.put("track_ppl", true);
        }
    }

    static ObjectNode write(Recipe r, JsonNodeFactory f) {
        ObjectNode root = f.objectNode();
        ObjectNode model = root.putObject("model");
        model.put("path", r.model().path());
        putIfSet(model, "tokenizer", r.model().tokenizer());
        model.put("residency", r.model().residency());

        ObjectNode calib = r.method().prunes() ? root.putObject("calibration") : f.objectNode(); // none: no calibration
        CalibrationSettings c = r.calibration();
        putIfSet(calib, "text", c.text());
        putIfSet(calib, "ids", c.ids());
        calib.put("nsamples", c.nsamples());
        calib.put("seqlen", c.seqlen());
        calib.put("seed", c.seed());
        calib.put("batch", c.batch());

        ObjectNode method = root.putObject("method");
        MethodSettings m = r.method();
        method.put("name", m.name());
        if (m.sparsity() == null) {
            // a structured method: its amount is a setting (ratio or layers)
        } else if (m.sparsity().contains(":")) {
            method.put("sparsity", m.sparsity());
        } else {
            method.put("sparsity", Double.parseDouble(m.sparsity()));
        }
        m.settings().forEach((k, v) -> method.set(k, scalar(f, v)));

        if (!m.structured() && m.prunes()) { // a structured method's allocation is its setting method.allocation
            ObjectNode alloc = root.putObject("allocation");
            AllocationSettings a = r.allocation();
            alloc.put("name", a.name());
            putIfSet(alloc, "owl_m", a.owlM());
            putIfSet(alloc, "owl_lambda", a.owlLambda());
            putIfSet(alloc, "min_density", a.minDensity());
        }

        writeRecovery(root.putObject("recovery"), r.recovery());

        ObjectNode eval = root.putObject("evaluation");
        EvaluationSettings e = r.evaluation();
        putIfSet(eval, "text", e.text());
        putIfSet(eval, "ids", e.ids());
        eval.put("seqlen", e.seqlen());
        eval.put("max_windows", e.maxWindows());

        ObjectNode output = root.putObject("output");
        putIfSet(output, "path", r.output().path());
        putIfSet(output, "format", r.output().format());
        return root;
    }

    /** A method setting's value as a tree node: a number, a string or a boolean. */
    private static JsonNode scalar(JsonNodeFactory f, Object v) {
        if (v instanceof Integer i) {
            return f.numberNode(i);
        }
        if (v instanceof Long l) {
            return f.numberNode(l);
        }
        if (v instanceof Number n) {
            return f.numberNode(n.doubleValue());
        }
        if (v instanceof Boolean b) {
            return f.booleanNode(b);
        }
        return f.textNode(String.valueOf(v));
    }

    private static void putIfSet(ObjectNode node, String key, String value) {
        if (value != null) {
            node.put(key, value);
        }
    }

    private static void putIfSet(ObjectNode node, String key, Double value) {
        if (value != null) {
            node.put(key, value);
        }
    }

    /** A mapping of the tree at a dotted key path, reading typed values with errors that name the key. */
    private record Node(JsonNode node, String path) {
        static Node root(JsonNode tree, List<String> keys) {
            if (tree == null || tree.isMissingNode() || tree.isNull()) {
                throw new UserError("empty; a recipe needs at least the sections model and method");
            }
            if (!tree.isObject()) {
                throw new UserError("expected a mapping of sections (" + String.join(", ", keys) + "), got " + shown(tree));
            }
            Node root = new Node(tree, "");
            root.checkKeys(keys, "recipe sections");
            return root;
        }

        /** The section {@code key} with its allowed keys, or null when absent or null. */
        Node section(String key, List<String> keys) {
            JsonNode child = node.get(key);
            if (child == null || child.isNull()) {
                return null;
            }
            String p = name(key);
            if (!child.isObject()) {
                throw new UserError(p + ": expected a mapping" + (keys == null ? "" : " with keys " + String.join(", ", keys))
                        + ", got " + shown(child));
            }
            Node n = new Node(child, p);
            if (keys != null) {
                n.checkKeys(keys, p + " keys");
            }
            return n;
        }

        private void checkKeys(List<String> keys, String what) {
            for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
                String k = it.next();
                if (!keys.contains(k)) {
                    throw new UserError("unknown key '" + name(k) + "' (" + what + ": " + String.join(", ", keys) + ")");
                }
            }
        }

        String text(String key) {
            JsonNode v = value(key);
            if (v == null) {
                return null;
            }
            if (!v.isTextual()) {
                throw wrongType(key, "a string", v);
            }
            return v.textValue();
        }

        String textOrNumber(String key) {
            JsonNode v = value(key);
            if (v == null) {
                return null;
            }
            if (!v.isTextual() && !v.isNumber()) {
                throw wrongType(key, "a number or a string", v);
            }
            return v.asText();
        }

        Integer integer(String key) {
            JsonNode v = value(key);
            if (v == null) {
                return null;
            }
            if (!v.isIntegralNumber() || !v.canConvertToInt()) {
                throw wrongType(key, "an integer", v);
            }
            return v.intValue();
        }

        int integer(String key, int defaultValue) {
            Integer v = integer(key);
            return v == null ? defaultValue : v;
        }

        long longInteger(String key, long defaultValue) {
            JsonNode v = value(key);
            if (v == null) {
                return defaultValue;
            }
            if (!v.isIntegralNumber() || !v.canConvertToLong()) {
                throw wrongType(key, "an integer", v);
            }
            return v.longValue();
        }

        boolean bool(String key, boolean defaultValue) {
            JsonNode v = value(key);
            if (v == null) {
                return defaultValue;
            }
            if (!v.isBoolean()) {
                throw wrongType(key, "true or false", v);
            }
            return v.booleanValue();
        }

        /** Every key but {@code except} with its scalar value (Integer, Long, Double, String or Boolean). */
        java.util.Map<String, Object> scalarsExcept(String... except) {
            java.util.Map<String, Object> out = new java.util.LinkedHashMap<>();
            for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
                String k = it.next();
                JsonNode v = node.get(k);
                if (List.of(except).contains(k) || v.isNull()) {
                    continue;
                }
                if (v.isIntegralNumber() && v.canConvertToInt()) {
                    out.put(k, v.intValue());
                } else if (v.isIntegralNumber() && v.canConvertToLong()) {
                    out.put(k, v.longValue());
                } else if (v.isNumber()) {
                    out.put(k, v.doubleValue());
                } else if (v.isTextual()) {
                    out.put(k, v.textValue());
                } else if (v.isBoolean()) {
                    out.put(k, v.booleanValue());
                } else {
                    throw wrongType(k, "a number, a string or true/false", v);
                }
            }
            return out;
        }

        double number(String key, double defaultValue) {
            Double v = number(key);
            return v == null ? defaultValue : v;
        }

        Double number(String key) {
            JsonNode v = value(key);
            if (v == null) {
                return null;
            }
            if (!v.isNumber()) {
                throw wrongType(key, "a number", v);
            }
            return v.doubleValue();
        }

        private JsonNode value(String key) {
            JsonNode v = node.get(key);
            return v == null || v.isNull() ? null : v;
        }

        private UserError wrongType(String key, String expected, JsonNode got) {
            return new UserError(name(key) + ": expected " + expected + ", got " + shown(got));
        }

        private String name(String key) {
            return path.isEmpty() ? key : path + "." + key;
        }

        private static String shown(JsonNode v) {
            String s = v.isContainerNode() ? (v.isArray() ? "a list" : "a mapping") : v.toString();
            return s.length() > 60 ? s.substring(0, 57) + "..." : s;
        }
    }
}
