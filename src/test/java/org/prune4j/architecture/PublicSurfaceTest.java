package org.prune4j.architecture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.lang.reflect.Constructor;
import java.lang.reflect.Executable;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.Type;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.prune4j.UserError;

/**
 * The library's public surface is its API: every public type of the main classes outside
 * {@code org.prune4j.internal} is in {@code org.prune4j.api}, {@code org.prune4j.api.report} or is
 * {@link UserError}, and no public member of those types names an internal type (so the Javadoc jar
 * documents everything a user can reach without importing {@code internal}).
 */
class PublicSurfaceTest {
    private static final Set<String> API_PACKAGES = Set.of("org.prune4j", "org.prune4j.api", "org.prune4j.api.report");

    @Test
    void everyPublicTypeOutsideInternalIsApi() throws Exception {
        List<Class<?>> all = mainClasses();
        assertTrue(all.size() > 300, "found the compiled classes: " + all.size());
        Set<String> outside = new TreeSet<>();
        int api = 0;
        for (Class<?> c : all) {
            if (!Modifier.isPublic(c.getModifiers()) || c.getPackageName().startsWith("org.prune4j.internal")) {
                continue;
            }
            if (API_PACKAGES.contains(c.getPackageName())) {
                api++;
            } else {
                outside.add(c.getName());
            }
        }
        assertEquals(Set.of(), outside, "public types outside the API packages and outside org.prune4j.internal");
        assertTrue(api >= 20 && api <= 40, "the API is a small surface, not the whole library: " + api + " public types");
        if (!Modifier.isPublic(UserError.class.getModifiers())) {
            throw new AssertionError("UserError is API");
        }
    }

    @Test
    void publicApiMembersNameNoInternalType() throws Exception {
        Set<String> leaks = new TreeSet<>();
        for (Class<?> c : mainClasses()) {
            if (!Modifier.isPublic(c.getModifiers()) || !API_PACKAGES.contains(c.getPackageName())) {
                continue;
            }
            for (Method m : c.getDeclaredMethods()) {
                if (Modifier.isPublic(m.getModifiers()) || Modifier.isProtected(m.getModifiers())) {
                    check(leaks, c, m.getName(), m.getGenericReturnType());
                    checkSignature(leaks, c, m);
                }
            }
            for (Constructor<?> k : c.getDeclaredConstructors()) {
                if (Modifier.isPublic(k.getModifiers()) || Modifier.isProtected(k.getModifiers())) {
                    checkSignature(leaks, c, k);
                }
            }
            for (Field f : c.getDeclaredFields()) {
                if (Modifier.isPublic(f.getModifiers())) {
                    check(leaks, c, f.getName(), f.getGenericType());
                }
            }
            check(leaks, c, "extends", c.getGenericSuperclass());
            for (Type t : c.getGenericInterfaces()) {
                check(leaks, c, "implements", t);
            }
        }
        assertEquals(Set.of(), leaks, "public API members that name internal types");
    }

    private static void checkSignature(Set<String> leaks, Class<?> owner, Executable e) {
        for (Type t : e.getGenericParameterTypes()) {
            check(leaks, owner, e.getName(), t);
        }
        for (Type t : e.getGenericExceptionTypes()) {
            check(leaks, owner, e.getName(), t);
        }
    }

    private static void check(Set<String> leaks, Class<?> owner, String member, Type type) {
        if (type == null) {
            return;
        }
        String name = type.getTypeName();
        if (name.contains("org.prune4j.internal.")) {
            leaks.add(owner.getName() + "." + member + ": " + name);
        }
    }

    /** Every class compiled from src/main/java, loaded without initialising it. */
    static List<Class<?>> mainClasses() throws Exception {
        Path root = Path.of(UserError.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        List<Class<?>> out = new ArrayList<>();
        try (Stream<Path> files = Files.walk(root)) {
            for (Path p : (Iterable<Path>) files.filter(f -> f.toString().endsWith(".class"))::iterator) {
                String rel = root.relativize(p).toString().replace('/', '.');
                String name = rel.substring(0, rel.length() - ".class".length());
                if (name.startsWith("org.prune4j") && !name.contains("$")) {
                    out.add(Class.forName(name, false, PublicSurfaceTest.class.getClassLoader()));
                }
            }
        } catch (IOException e) {
            throw new AssertionError(e);
        }
        return out;
    }
}
