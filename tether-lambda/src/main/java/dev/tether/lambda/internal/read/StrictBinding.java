package dev.tether.lambda.internal.read;

import com.fasterxml.jackson.annotation.JsonSetter;
import com.fasterxml.jackson.annotation.Nulls;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonStreamContext;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.exc.InputCoercionException;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.exc.InvalidNullException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;
import com.fasterxml.jackson.databind.introspect.Annotated;
import com.fasterxml.jackson.databind.introspect.AnnotatedMember;
import com.fasterxml.jackson.databind.introspect.AnnotatedParameter;
import com.fasterxml.jackson.databind.introspect.JacksonAnnotationIntrospector;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.type.LogicalType;
import com.fasterxml.jackson.datatype.jdk8.Jdk8Module;
import dev.tether.lambda.Incoming;
import dev.tether.lambda.InvalidMessageException;
import dev.tether.lambda.MessageReader;
import java.io.IOException;
import java.lang.reflect.RecordComponent;
import java.math.BigInteger;
import java.util.Collection;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The default reading of a route: the event's JSON bound into a record with Jackson, strictly. Nothing is coerced: a
 * string is never a number or a boolean, a number or a boolean never a string or a time, a fraction or an exponent
 * never an integer, an integer out of its type's range is an error; times and dates are ISO-8601 text, UUIDs
 * 8-4-4-4-12 hexadecimal digits, decimals exact. Every record component is required and not null, except an
 * {@code Optional} or a {@code @Nullable} one; a null in a list or map is an error; a duplicated name or content after
 * the value is an error; unknown fields are ignored, so producers can add fields. The types it reads:
 * {@link BindableTypes}. Errors name the JSON path and what the type expects, never the value.
 */
public final class StrictBinding<E> implements MessageReader<E> {

    private static final JsonMapper MAPPER = mapper();

    private static final Pattern MISSING = Pattern.compile("^Missing (?:required )?creator property '([^']*)'");

    private static final Pattern NULL = Pattern.compile("^Null value for creator property '([^']*)'");

    private final Class<E> type;
    private final ObjectReader reader;

    /**
     * The binding of {@code type}, a record of readable components ({@link BindableTypes}); throws
     * {@link IllegalArgumentException} naming the component that is not.
     */
    public StrictBinding(Class<E> type) {
        BindableTypes.check(type);
        this.type = type;
        this.reader = MAPPER.readerFor(type);
    }

    private static JsonMapper mapper() {
        JsonMapper mapper = JsonMapper.builder()
                .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
                .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
                // Which components are required is the introspector's decision, per component.
                .disable(DeserializationFeature.FAIL_ON_MISSING_CREATOR_PROPERTIES)
                .disable(DeserializationFeature.FAIL_ON_NULL_CREATOR_PROPERTIES)
                .enable(DeserializationFeature.FAIL_ON_NUMBERS_FOR_ENUMS)
                .enable(DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY)
                .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
                .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
                .annotationIntrospector(new Components())
                // A null inside a list or a map is never a value.
                .defaultSetterInfo(JsonSetter.Value.forContentNulls(Nulls.FAIL))
                .addModule(new Jdk8Module())
                .addModule(StrictScalars.module())
                .build();
        for (LogicalType logical : LogicalType.values()) {
            var coercion = mapper.coercionConfigFor(logical);
            for (CoercionInputShape shape : CoercionInputShape.values()) {
                boolean own = switch (logical) {
                    case Integer -> shape == CoercionInputShape.Integer;
                    case Float -> shape == CoercionInputShape.Float || shape == CoercionInputShape.Integer;
                    case Boolean -> shape == CoercionInputShape.Boolean;
                    case Textual -> shape == CoercionInputShape.String;
                    case Enum -> shape == CoercionInputShape.String;
                    case Array, Collection, Map, POJO, Untyped, OtherScalar, DateTime, Binary -> true;
                };
                if (!own && shape != CoercionInputShape.Array && shape != CoercionInputShape.Object) {
                    coercion.setCoercion(shape, CoercionAction.Fail);
                }
            }
        }
        return mapper;
    }

    /**
     * Every component of a record is required and not null, but an {@code Optional} (absent or null: empty) or one
     * annotated {@code @Nullable} (absent or null: null). Decided from the record's own components, so that
     * type-use annotations count too.
     */
    private static final class Components extends JacksonAnnotationIntrospector {
        private static final long serialVersionUID = 1L;

        @Override
        public Boolean hasRequiredMarker(AnnotatedMember member) {
            RecordComponent component = component(member);
            if (component == null) {
                return super.hasRequiredMarker(member);
            }
            return !BindableTypes.optional(component);
        }

        @Override
        public JsonSetter.Value findSetterInfo(Annotated annotated) {
            RecordComponent component = annotated instanceof AnnotatedMember m ? component(m) : null;
            if (component == null) {
                return super.findSetterInfo(annotated);
            }
            if (component.getType() == Optional.class) {
                return JsonSetter.Value.construct(Nulls.AS_EMPTY, Nulls.FAIL);
            }
            return JsonSetter.Value.construct(BindableTypes.nullable(component) ? Nulls.SET : Nulls.FAIL, Nulls.FAIL);
        }

        /** The record component a canonical constructor's parameter stands for, else null. */
        private static RecordComponent component(AnnotatedMember member) {
            if (!(member instanceof AnnotatedParameter parameter)) {
                return null;
            }
            Class<?> owner = parameter.getDeclaringClass();
            if (!owner.isRecord()) {
                return null;
            }
            RecordComponent[] components = owner.getRecordComponents();
            int index = parameter.getIndex();
            return parameter.getOwner().getParameterCount() == components.length && index < components.length
                    ? components[index]
                    : null;
        }
    }

    @Override
    public E read(Incoming message) throws InvalidMessageException {
        try {
            return bind(message.data());
        } catch (InvalidMessageException e) {
            throw e.under(message.dataPath());
        }
    }

    /** Binds {@code json}; paths in errors are relative to it. */
    public E bind(String json) throws InvalidMessageException {
        if (json == null || json.isBlank()) {
            throw new InvalidMessageException("body", "is empty; expected a JSON object");
        }
        JsonParser parser = null;
        try {
            parser = MAPPER.createParser(json);
            E value = reader.readValue(parser);
            if (parser.nextToken() != null) {
                throw new InvalidMessageException("body", "is not valid JSON (content after the value)");
            }
            if (value == null) {
                throw new InvalidMessageException("body", "must not be null");
            }
            return value;
        } catch (InvalidNullException e) {
            throw new InvalidMessageException(path(e), "must not be null");
        } catch (ValueInstantiationException e) {
            Throwable cause = e.getCause() == null ? e : e.getCause();
            throw new InvalidMessageException(path(e), "is not valid: " + cause.getMessage());
        } catch (MismatchedInputException e) {
            String original = String.valueOf(e.getOriginalMessage());
            Matcher missing = MISSING.matcher(original);
            if (missing.find()) {
                throw new InvalidMessageException(join(path(e), missing.group(1)), "is required");
            }
            Matcher nulled = NULL.matcher(original);
            if (nulled.find()) {
                throw new InvalidMessageException(join(path(e), nulled.group(1)), "must not be null");
            }
            if (original.startsWith("Cannot map `null`")) {
                throw new InvalidMessageException(path(e), "must not be null");
            }
            throw new InvalidMessageException(path(e), "must be " + expected(e.getTargetType(), e));
        } catch (JsonMappingException e) {
            if (e.getCause() instanceof InputCoercionException range) {
                throw new InvalidMessageException(path(e), "must be " + expected(range.getTargetType(), null));
            }
            throw new InvalidMessageException(path(e), "could not be read: " + e.getOriginalMessage());
        } catch (InputCoercionException e) {
            throw new InvalidMessageException(path(parser), "must be " + expected(e.getTargetType(), null));
        } catch (StreamConstraintsException e) {
            throw new InvalidMessageException("body", "exceeds a limit of the JSON reader: " + e.getOriginalMessage());
        } catch (JsonProcessingException e) {
            String message = String.valueOf(e.getOriginalMessage());
            if (message.startsWith("Duplicate field")) {
                throw new InvalidMessageException(path(parser), "appears twice");
            }
            JsonLocation at = e.getLocation();
            throw new InvalidMessageException(
                    "body",
                    "is not valid JSON"
                            + (at == null ? "" : " (line " + at.getLineNr() + ", column " + at.getColumnNr() + ")"));
        } catch (IOException e) {
            throw new InvalidMessageException("body", "could not be read");
        } finally {
            if (parser != null) {
                try {
                    parser.close();
                } catch (IOException ignored) {
                    // Reading a string: nothing to release.
                }
            }
        }
    }

    /** The type events of this binding have. */
    public Class<E> type() {
        return type;
    }

    /** What a JSON value must look like to become a {@code target}. */
    static String expected(Class<?> target, MismatchedInputException e) {
        if (target == null) {
            return "of the declared type";
        }
        if (target == int.class || target == Integer.class) {
            return "a whole number between " + Integer.MIN_VALUE + " and " + Integer.MAX_VALUE;
        }
        if (target == long.class || target == Long.class) {
            return "a whole number between " + Long.MIN_VALUE + " and " + Long.MAX_VALUE;
        }
        if (target == short.class || target == Short.class) {
            return "a whole number between " + Short.MIN_VALUE + " and " + Short.MAX_VALUE;
        }
        if (target == byte.class || target == Byte.class) {
            return "a whole number between " + Byte.MIN_VALUE + " and " + Byte.MAX_VALUE;
        }
        if (target == BigInteger.class) {
            return "a whole number";
        }
        String scalar = StrictScalars.expected(target);
        if (scalar != null) {
            return scalar;
        }
        if (target == boolean.class || target == Boolean.class) {
            return "true or false";
        }
        if (target == String.class || target == char.class || target == Character.class) {
            return "a string";
        }
        if (target.isEnum()) {
            StringBuilder names = new StringBuilder("one of");
            Object[] constants = target.getEnumConstants();
            for (int i = 0; i < constants.length; i++) {
                names.append(i == 0 ? " " : ", ").append(((Enum<?>) constants[i]).name());
            }
            return names.toString();
        }
        if (target.isArray() || Collection.class.isAssignableFrom(target)) {
            return "a JSON array";
        }
        if (target.getName().startsWith("java.time.")) {
            return "an ISO-8601 " + target.getSimpleName() + " (a string)";
        }
        if (Map.class.isAssignableFrom(target) || !target.getName().startsWith("java.")) {
            return "a JSON object";
        }
        return "a " + target.getSimpleName();
    }

    /** {@code lines[2].sku} from Jackson's reference chain. */
    private static String path(JsonMappingException e) {
        StringBuilder path = new StringBuilder();
        for (JsonMappingException.Reference reference : e.getPath()) {
            if (reference.getFieldName() != null) {
                if (path.length() > 0) {
                    path.append('.');
                }
                path.append(reference.getFieldName());
            } else if (reference.getIndex() >= 0) {
                path.append('[').append(reference.getIndex()).append(']');
            }
        }
        return path.length() == 0 ? "body" : path.toString();
    }

    /** The path of the parser's current value, from its contexts. */
    private static String path(JsonParser parser) {
        if (parser == null) {
            return "body";
        }
        java.util.ArrayDeque<String> parts = new java.util.ArrayDeque<>();
        for (JsonStreamContext context = parser.getParsingContext(); context != null; context = context.getParent()) {
            if (context.inObject() && context.getCurrentName() != null) {
                parts.addFirst("." + context.getCurrentName());
            } else if (context.inArray()) {
                parts.addFirst("[" + Math.max(0, context.getCurrentIndex()) + "]");
            }
        }
        String path = String.join("", parts);
        if (path.startsWith(".")) {
            path = path.substring(1);
        }
        return path.isEmpty() ? "body" : path;
    }

    /** {@code name} under {@code parent}, unless Jackson's path already ends with it. */
    private static String join(String parent, String name) {
        if (parent.equals(name) || parent.endsWith("." + name)) {
            return parent;
        }
        return parent.equals("body") ? name : parent + "." + name;
    }
}
