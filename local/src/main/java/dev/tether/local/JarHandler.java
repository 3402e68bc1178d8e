package dev.tether.local;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.serialization.PojoSerializer;
import com.amazonaws.services.lambda.runtime.serialization.events.LambdaEventSerializers;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.jooq.SQLDialect;

/**
 * A handler class of a team's own shaded jar, run as Lambda's Java runtime runs it: in a class loader of its own
 * (the jar first, then Lambda's serializer; nothing of this tool's), each event turned into the jar's own event
 * classes by Lambda's serializer and the response read back the same way. The handler is built by its public
 * {@code (TetherConfig)} constructor on the database this tool chose.
 */
public final class JarHandler<I, O> implements RequestHandler<I, O>, AutoCloseable {

    private static final Map<Path, ClassLoader> LOADERS = new ConcurrentHashMap<>();

    private final ClassLoader loader;
    private final Object handler;
    private final Method handleRequest;
    private final Class<?> contextType;
    private final Object inputSerializer;
    private final Object outputSerializer;
    private final Method fromJson;
    private final Method toJson;
    private final PojoSerializer<I> localInput;
    private final PojoSerializer<O> localOutput;
    private final String functionName;

    private JarHandler(ClassLoader loader, Object handler, Class<I> input, Class<O> output, String functionName)
            throws ReflectiveOperationException {
        this.loader = loader;
        this.handler = handler;
        this.functionName = functionName;
        this.contextType = loader.loadClass("com.amazonaws.services.lambda.runtime.Context");
        this.handleRequest = loader.loadClass("com.amazonaws.services.lambda.runtime.RequestHandler")
                .getMethod("handleRequest", Object.class, contextType);
        Class<?> serializers =
                loader.loadClass("com.amazonaws.services.lambda.runtime.serialization.events.LambdaEventSerializers");
        Method serializerFor = serializers.getMethod("serializerFor", Class.class, ClassLoader.class);
        this.inputSerializer = serializerFor.invoke(null, loader.loadClass(input.getName()), loader);
        this.outputSerializer = serializerFor.invoke(null, loader.loadClass(output.getName()), loader);
        Class<?> pojoSerializer =
                loader.loadClass("com.amazonaws.services.lambda.runtime.serialization.PojoSerializer");
        this.fromJson = pojoSerializer.getMethod("fromJson", java.io.InputStream.class);
        this.toJson = pojoSerializer.getMethod("toJson", Object.class, java.io.OutputStream.class);
        this.localInput = LambdaEventSerializers.serializerFor(input, JarHandler.class.getClassLoader());
        this.localOutput = LambdaEventSerializers.serializerFor(output, JarHandler.class.getClassLoader());
    }

    /**
     * Loads {@code className} from {@code jar} and builds it on the database {@code url}, {@code user},
     * {@code password}, {@code dialect}, with a pool of {@code poolSize} connections (0: Tether's default).
     */
    public static <I, O> JarHandler<I, O> load(
            Path jar,
            String className,
            Class<I> input,
            Class<O> output,
            String url,
            String user,
            String password,
            SQLDialect dialect,
            int poolSize) {
        ClassLoader loader = loaderOf(jar);
        Thread thread = Thread.currentThread();
        ClassLoader previous = thread.getContextClassLoader();
        thread.setContextClassLoader(loader);
        try {
            Class<?> type;
            try {
                type = loader.loadClass(className);
            } catch (ClassNotFoundException e) {
                throw new IllegalArgumentException(jar + " has no class " + className);
            }
            Class<?> configType;
            try {
                configType = loader.loadClass("dev.tether.lambda.config.TetherConfig");
            } catch (ClassNotFoundException e) {
                throw new IllegalArgumentException(jar + " does not hold tether-lambda (dev.tether.lambda.config"
                        + ".TetherConfig): is it the shaded jar?");
            }
            Class<?> dialectType = loader.loadClass(SQLDialect.class.getName());
            @SuppressWarnings({"unchecked", "rawtypes"})
            Object jarDialect = Enum.valueOf((Class<? extends Enum>) dialectType, dialect.name());
            Object config = configType
                    .getMethod("of", String.class, String.class, String.class, dialectType)
                    .invoke(null, url, user, password, jarDialect);
            if (poolSize > 0) {
                config = configType.getMethod("withPoolSize", int.class).invoke(config, poolSize);
            }
            Object handler;
            try {
                handler = type.getConstructor(configType).newInstance(config);
            } catch (NoSuchMethodException e) {
                throw new IllegalArgumentException(className + " has no public constructor taking a TetherConfig;"
                        + " add one (the no-arg constructor Lambda calls can delegate to it with"
                        + " TetherConfig.fromEnvironment(System.getenv()))");
            }
            return new JarHandler<>(loader, handler, input, output, type.getSimpleName());
        } catch (InvocationTargetException e) {
            throw new IllegalStateException(className + " failed to start: " + e.getCause(), e.getCause());
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot load " + className + " from " + jar, e);
        } finally {
            thread.setContextClassLoader(previous);
        }
    }

    private static ClassLoader loaderOf(Path jar) {
        if (!Files.isRegularFile(jar)) {
            throw new IllegalArgumentException("no such jar: " + jar);
        }
        return LOADERS.computeIfAbsent(jar.toAbsolutePath().normalize(), path -> {
            try {
                return new HandlerLoader(path.toUri().toURL());
            } catch (MalformedURLException e) {
                throw new IllegalArgumentException(e);
            }
        });
    }

    /**
     * The jar's own class loader, as Lambda's runtime makes it: the jar on top of the platform, nothing of this tool's
     * (its migrations, its logging configuration) but Lambda's serializer, which the runtime brings and the jar need
     * not hold.
     */
    private static final class HandlerLoader extends URLClassLoader {

        private static final List<String> RUNTIME =
                List.of("com.amazonaws.services.lambda.runtime.serialization.", "com.amazonaws.lambda.thirdparty.");

        static {
            registerAsParallelCapable();
        }

        HandlerLoader(URL jar) {
            super("handler-jar", new URL[] {jar}, ClassLoader.getPlatformClassLoader());
        }

        @Override
        protected Class<?> findClass(String name) throws ClassNotFoundException {
            try {
                return super.findClass(name);
            } catch (ClassNotFoundException notInJar) {
                if (RUNTIME.stream().noneMatch(name::startsWith)) {
                    throw notInJar;
                }
                String resource = name.replace('.', '/') + ".class";
                try (InputStream in = JarHandler.class.getClassLoader().getResourceAsStream(resource)) {
                    if (in == null) {
                        throw notInJar;
                    }
                    byte[] bytes = in.readAllBytes();
                    return defineClass(name, bytes, 0, bytes.length);
                } catch (IOException e) {
                    throw new ClassNotFoundException(name, e);
                }
            }
        }

        @Override
        public URL findResource(String name) {
            URL own = super.findResource(name);
            if (own == null && name.startsWith("com/amazonaws/lambda/thirdparty/")) {
                return JarHandler.class.getClassLoader().getResource(name); // the serializer's time zone data
            }
            return own;
        }
    }

    @Override
    public O handleRequest(I event, Context context) {
        Thread thread = Thread.currentThread();
        ClassLoader previous = thread.getContextClassLoader();
        thread.setContextClassLoader(loader);
        try {
            ByteArrayOutputStream json = new ByteArrayOutputStream();
            localInput.toJson(event, json);
            Object jarEvent = fromJson.invoke(inputSerializer, new ByteArrayInputStream(json.toByteArray()));
            Object response = handleRequest.invoke(handler, jarEvent, context(context));
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            toJson.invoke(outputSerializer, response, out);
            return localOutput.fromJson(new ByteArrayInputStream(out.toByteArray()));
        } catch (InvocationTargetException e) {
            if (e.getCause() instanceof RuntimeException runtime) {
                throw runtime;
            }
            throw new IllegalStateException(e.getCause());
        } catch (IllegalAccessException e) {
            throw new IllegalStateException(e);
        } finally {
            thread.setContextClassLoader(previous);
        }
    }

    /** The invocation's context as the jar's own {@code Context}: the same deadline, request id and name. */
    private Object context(Context context) {
        String requestId = context == null ? UUID.randomUUID().toString() : context.getAwsRequestId();
        return Proxy.newProxyInstance(
                loader, new Class<?>[] {contextType}, (proxy, method, args) -> switch (method.getName()) {
                    case "getRemainingTimeInMillis" -> context == null ? 60_000 : context.getRemainingTimeInMillis();
                    case "getAwsRequestId" -> requestId;
                    case "getFunctionName", "getLogGroupName", "getLogStreamName" -> functionName;
                    case "getFunctionVersion" -> "$LATEST";
                    case "getInvokedFunctionArn" ->
                        "arn:aws:lambda:" + Sqs.LOCAL_REGION + ":000000000000:function:" + functionName;
                    case "getMemoryLimitInMB" -> 1024;
                    case "getLogger" -> logger();
                    case "hashCode" -> System.identityHashCode(proxy);
                    case "equals" -> proxy == args[0];
                    case "toString" -> "local context " + requestId;
                    default -> null;
                });
    }

    /** The jar's own {@code LambdaLogger}: what the handler logs through it goes to standard error. */
    private Object logger() throws ClassNotFoundException {
        Class<?> type = loader.loadClass("com.amazonaws.services.lambda.runtime.LambdaLogger");
        return Proxy.newProxyInstance(loader, new Class<?>[] {type}, (proxy, method, args) -> {
            if (method.getName().equals("log") && args != null && args.length > 0) {
                System.err.println(
                        args[0] instanceof byte[] bytes
                                ? new String(bytes, java.nio.charset.StandardCharsets.UTF_8)
                                : String.valueOf(args[0]));
            }
            return method.getName().equals("hashCode") ? System.identityHashCode(proxy) : null;
        });
    }

    /** Connections the handler's link opened, when it is a Tether handler that tells (0 otherwise). */
    public long connectionsOpened() {
        Object link = link();
        try {
            return link == null
                    ? 0
                    : (long) link.getClass().getMethod("connectionsOpened").invoke(link);
        } catch (ReflectiveOperationException e) {
            return 0;
        }
    }

    /** Failed connection attempts by server error code, when the handler tells. */
    @SuppressWarnings("unchecked")
    public Map<String, Long> connectErrors() {
        Object link = link();
        try {
            return link == null
                    ? Map.of()
                    : Map.copyOf((Map<String, Long>)
                            link.getClass().getMethod("connectErrors").invoke(link));
        } catch (ReflectiveOperationException e) {
            return Map.of();
        }
    }

    private Object link() {
        try {
            return handler.getClass().getMethod("link").invoke(handler);
        } catch (ReflectiveOperationException e) {
            return null;
        }
    }

    @Override
    public void close() {
        if (handler instanceof AutoCloseable closeable) {
            try {
                closeable.close();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }
    }
}
