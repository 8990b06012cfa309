package org.prune4j.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import org.prune4j.UserError;
import org.prune4j.internal.recipe.JobSchemas;

/**
 * Reads and writes {@link Recipe}s as YAML (and as the {@code recipe} object of a JSON report); the
 * {@code *Job} methods read and write a recipe of any job ({@link RecipeJob}: a {@link Recipe}, or a
 * {@link JobRecipe} when the recipe has a {@code job} key naming another command's job).
 *
 * <p>Reading is strict: an unknown key, a value of the wrong type, a duplicate key or a setting that
 * belongs to another method is a one-line {@link UserError} naming the file and the key, e.g.
 * {@code recipe.yaml: calibration.nsamples: expected an integer, got "many"}. Writing gives every setting
 * in effect, so a written recipe describes its run completely; {@code read(write(r))} equals {@code r}.
 */
public final class RecipeFormat {
    private static final ObjectMapper YAML = new ObjectMapper(YAMLFactory.builder()
            .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER).build())
            .enable(DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY);
    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY);

    private static final String HEADER = "# prune4j recipe: run it with `prune4j run FILE` (keys: docs/recipes.md)\n";

    private RecipeFormat() {}

    /** Reads the recipe in a YAML file. */
    public static Recipe read(Path file) {
        return parse(readText(file), file.toString());
    }

    /**
     * Parses a YAML recipe.
     *
     * @param source names the text in error messages (a file name)
     */
    public static Recipe parse(String yaml, String source) {
        JsonNode root;
        try {
            root = YAML.readTree(yaml);
        } catch (JsonProcessingException e) {
            throw new UserError(source + ": not a valid recipe: " + problem(e));
        }
        return fromTree(root, source);
    }

    /** Reads the recipe of any job in a YAML file (a {@link Recipe} when it has no {@code job} key or {@code job: prune}). */
    public static RecipeJob readJob(Path file) {
        return parseJob(readText(file), file.toString());
    }

    /**
     * Parses a YAML recipe of any job.
     *
     * @param source names the text in error messages (a file name)
     */
    public static RecipeJob parseJob(String yaml, String source) {
        JsonNode root;
        try {
            root = YAML.readTree(yaml);
        } catch (JsonProcessingException e) {
            throw new UserError(source + ": not a valid recipe: " + problem(e));
        }
        return jobFromTree(root, source);
    }

    /** Reads the recipe of any job embedded in a JSON report (its {@code recipe} object). */
    public static RecipeJob jobFromReport(Path report) {
        return jobFromTree(reportRecipe(report), report + ": recipe");
    }

    /**
     * The recipe of any job in a parsed YAML or JSON tree: a {@link JobRecipe} when its {@code job} key names a
     * command's job, else a {@link Recipe}.
     *
     * @param source names the tree in error messages
     */
    public static RecipeJob jobFromTree(JsonNode root, String source) {
        try {
            JsonNode job = root == null ? null : root.get("job");
            if (job == null || job.isNull()) {
                return RecipeTree.read(root);
            }
            if (!job.isTextual()) {
                throw new UserError("job: expected a string (" + String.join(", ", JobSchemas.names()) + "), got " + job);
            }
            String name = JobSchemas.name(job.textValue());
            if (name.equals(JobSchemas.PRUNE)) {
                return RecipeTree.read(root);
            }
            return new JobRecipe(name, JobSchemas.byName(name).read(root));
        } catch (UserError e) {
            throw new UserError(source + ": " + e.getMessage(), e);
        }
    }

    /** The recipe of any job as YAML, with a one-line comment header. */
    public static String toYaml(RecipeJob recipe) {
        try {
            return HEADER + YAML.writeValueAsString(toTree(recipe));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write a recipe as YAML", e);
        }
    }

    /** The recipe of any job as a JSON tree (the {@code recipe} object of a report). */
    public static ObjectNode toTree(RecipeJob recipe) {
        return switch (recipe) {
            case Recipe r -> RecipeTree.write(r, JsonNodeFactory.instance);
            case JobRecipe j -> JobSchemas.byName(j.job()).write(j.sections(), JsonNodeFactory.instance);
        };
    }

    /** Reads the recipe embedded in a JSON report written by a pruning run (its {@code recipe} object). */
    public static Recipe fromReport(Path report) {
        return fromTree(reportRecipe(report), report + ": recipe");
    }

    private static JsonNode reportRecipe(Path report) {
        String text = readText(report);
        JsonNode root;
        try {
            root = JSON.readTree(text);
        } catch (JsonProcessingException e) {
            throw new UserError(report + ": not a JSON report: " + problem(e));
        }
        if (root == null || !root.isObject() || !root.has("recipe")) {
            throw new UserError(report + ": no recipe in this report (it was not written by a prune4j run that embeds one)");
        }
        return root.get("recipe");
    }

    /**
     * The recipe in a parsed YAML or JSON tree.
     *
     * @param source names the tree in error messages
     */
    public static Recipe fromTree(JsonNode root, String source) {
        try {
            return RecipeTree.read(root);
        } catch (UserError e) {
            throw new UserError(source + ": " + e.getMessage(), e);
        }
    }

    /** The recipe as YAML, every setting in effect written out, with a one-line comment header. */
    public static String toYaml(Recipe recipe) {
        try {
            return HEADER + YAML.writeValueAsString(toTree(recipe));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write a recipe as YAML", e);
        }
    }

    /** The recipe as a JSON tree (the {@code recipe} object of a report). */
    public static ObjectNode toTree(Recipe recipe) {
        return RecipeTree.write(recipe, JsonNodeFactory.instance);
    }

    /** A parser's multi-line message as one line: where, and what was wrong. */
    private static String problem(JsonProcessingException e) {
        String where = e.getLocation() == null ? "" : "line " + e.getLocation().getLineNr() + ": ";
        java.util.regex.Matcher dup = java.util.regex.Pattern.compile("Duplicate field '([^']*)'").matcher(e.getOriginalMessage());
        if (dup.find()) {
            return where + "duplicate key '" + dup.group(1) + "'";
        }
        java.util.List<String> lines = e.getOriginalMessage().lines().map(String::strip).filter(l -> !l.isEmpty()).toList();
        String what = lines.isEmpty() ? "unreadable" : lines.get(0);
        String expected = lines.stream().filter(l -> l.startsWith("expected")).findFirst().orElse(null);
        return where + what + (expected != null && !expected.equals(what) ? ": " + expected : "");
    }

    private static String readText(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new UserError(file + ": no such file");
        } catch (java.nio.charset.CharacterCodingException e) {
            throw new UserError(file + ": not UTF-8 text");
        } catch (IOException e) {
            throw new UserError(file + ": cannot read: " + e.getMessage());
        }
    }
}
