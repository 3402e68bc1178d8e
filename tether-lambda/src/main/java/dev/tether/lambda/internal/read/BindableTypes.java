package dev.tether.lambda.internal.read;

import com.fasterxml.jackson.databind.JsonNode;
import java.lang.annotation.Annotation;
import java.lang.reflect.AnnotatedElement;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.lang.reflect.WildcardType;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * The Java types the strict binding reads, and which record components are optional. Checked once per route at
 * init, so that a type the binding cannot read strictly stops the start instead of failing every message.
 *
 * <p>Readable: {@code String}; {@code boolean}; {@code short}, {@code int}, {@code long}, {@code byte},
 * {@code double} and their boxes; {@code BigInteger}, {@code BigDecimal}; {@code Instant},
 * {@code OffsetDateTime}, {@code LocalDate}; {@code UUID}; enums; records of readable components; {@code List<T>}
 * and {@code Map<String, T>} of a readable {@code T}; {@code JsonNode} (any JSON, as it is). A record component may
 * also be {@code Optional<T>} of a readable {@code T}, or carry an annotation named {@code Nullable} (any package):
 * those are optional; every other component is required and not null.
 */
public final class BindableTypes {

    /** What a failed check says a route can use instead. */
    public static final String READABLE = "String, boolean, short, int, long, double, BigDecimal, BigInteger,"
            + " Instant, OffsetDateTime, LocalDate, UUID, an enum, a record, List<T>, Map<String, T>, JsonNode, and"
            + " Optional<T> or @Nullable for an optional component";

    private static final Set<Class<?>> SCALARS = Set.of(
            String.class,
            boolean.class,
            Boolean.class,
            byte.class,
            Byte.class,
            short.class,
            Short.class,
            int.class,
            Integer.class,
            long.class,
            Long.class,
            double.class,
            Double.class,
            BigInteger.class,
            BigDecimal.class,
            Instant.class,
            OffsetDateTime.class,
            LocalDate.class,
            UUID.class);

    private BindableTypes() {}

    /**
     * Checks that {@code type}, a record, binds strictly; throws {@link IllegalArgumentException} naming the first
     * component that does not (as a JSON path), its type, and what to use instead.
     */
    public static void check(Class<?> type) {
        if (!type.isRecord()) {
            throw new IllegalArgumentException(type.getName()
                    + " is not a record: declare the event as a record (every component is then a JSON field), or"
                    + " give the route a reader of its own with .reader(…)");
        }
        checkRecord(type, "", new HashSet<>());
    }

    private static void checkRecord(Class<?> record, String path, Set<Class<?>> seen) {
        if (!seen.add(record)) {
            return;
        }
        for (RecordComponent component : record.getRecordComponents()) {
            String at = path.isEmpty() ? component.getName() : path + "." + component.getName();
            Type type = component.getGenericType();
            if (component.getType() == Optional.class) {
                Type inner = argument(type, 0);
                if (inner instanceof Class<?> c && c == Optional.class
                        || inner instanceof ParameterizedType p && p.getRawType() == Optional.class) {
                    refuse(at, type, "Optional cannot hold another Optional");
                }
                checkType(inner, at, seen);
            } else {
                if (nullable(component) && component.getType().isPrimitive()) {
                    refuse(at, type, "a primitive cannot be null: use its box (for example Long for long)");
                }
                checkType(type, at, seen);
            }
        }
        seen.remove(record);
    }

    private static void checkType(Type type, String at, Set<Class<?>> seen) {
        if (type instanceof Class<?> c) {
            if (SCALARS.contains(c) || c.isEnum() || c == JsonNode.class) {
                return;
            }
            if (c.isRecord()) {
                checkRecord(c, at, seen);
                return;
            }
            if (c == List.class || c == Map.class) {
                refuse(at, type, "declare its element type, for example List<String>");
            }
            if (c.isArray()) {
                refuse(at, type, "use a List instead of an array");
            }
            refuse(at, type, "the strict binding cannot read it");
        }
        if (type instanceof ParameterizedType p && p.getRawType() == List.class) {
            checkType(argument(p, 0), at + "[]", seen);
            return;
        }
        if (type instanceof ParameterizedType p && p.getRawType() == Map.class) {
            if (argument(p, 0) != String.class) {
                refuse(at, type, "a JSON object's names are strings: use Map<String, T>");
            }
            checkType(argument(p, 1), at + ".*", seen);
            return;
        }
        if (type instanceof ParameterizedType p && p.getRawType() == Optional.class) {
            refuse(at, type, "Optional only marks a record component as optional, not a list element or map value");
        }
        refuse(at, type, "the strict binding cannot read it");
    }

    private static Type argument(Type type, int index) {
        if (!(type instanceof ParameterizedType p)) {
            return Object.class;
        }
        Type argument = p.getActualTypeArguments()[index];
        if (argument instanceof WildcardType w && w.getLowerBounds().length == 0) {
            return w.getUpperBounds()[0];
        }
        return argument;
    }

    private static void refuse(String at, Type type, String why) {
        throw new IllegalArgumentException("component " + at + " has type " + type.getTypeName() + ": " + why
                + ". The strict binding reads " + READABLE + "; or give the route a reader of its own with"
                + " .reader(…)");
    }

    /** Whether {@code component} may be absent or null: an {@code Optional}, or annotated {@code @Nullable}. */
    public static boolean optional(RecordComponent component) {
        return component.getType() == Optional.class || nullable(component);
    }

    /**
     * Whether an annotation named {@code Nullable} (any package, kept at run time: JSpecify, Jakarta, JSR-305; not JetBrains', which the compiler drops) marks
     * the component, its type, its field or its accessor.
     */
    public static boolean nullable(RecordComponent component) {
        if (named(component) || named(component.getAnnotatedType()) || named(component.getAccessor())) {
            return true;
        }
        try {
            return named(component.getDeclaringRecord().getDeclaredField(component.getName()));
        } catch (NoSuchFieldException e) {
            return false;
        }
    }

    private static boolean named(AnnotatedElement element) {
        for (Annotation annotation : element.getAnnotations()) {
            if (annotation.annotationType().getSimpleName().equals("Nullable")) {
                return true;
            }
        }
        return false;
    }
}
