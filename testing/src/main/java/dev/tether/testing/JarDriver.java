package dev.tether.testing;

import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.serialization.PojoSerializer;
import com.amazonaws.services.lambda.runtime.serialization.events.LambdaEventSerializers;
import dev.tether.lambda.InvocationContext;
import java.io.ByteArrayOutputStream;
import java.io.FileInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/**
 * Plays the Lambda Java runtime for a handler in the shaded jar, in a JVM of its own: constructs the handler with
 * its no-arg constructor (so configuration comes from the environment), turns an event file into the handler's input
 * type with Lambda's serializer, invokes it and prints the serialized response.
 *
 * <p>Arguments: handler class, input class, output class, event file, number of invocations.
 */
public final class JarDriver {

    private JarDriver() {}

    @SuppressWarnings({"unchecked", "rawtypes"})
    public static void main(String[] args) throws Exception {
        Class<?> handlerClass = Class.forName(args[0]);
        Class inputClass = Class.forName(args[1]);
        Class outputClass = Class.forName(args[2]);
        int invocations = Integer.parseInt(args[4]);
        RequestHandler handler = (RequestHandler) handlerClass.getConstructor().newInstance();
        PojoSerializer input = LambdaEventSerializers.serializerFor(inputClass, JarDriver.class.getClassLoader());
        PojoSerializer output = LambdaEventSerializers.serializerFor(outputClass, JarDriver.class.getClassLoader());
        for (int i = 0; i < invocations; i++) {
            Object event;
            try (InputStream in = new FileInputStream(args[3])) {
                event = input.fromJson(in);
            }
            Object response = handler.handleRequest(event, new InvocationContext("tether-handler", 60_000));
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            output.toJson(response, out);
            System.out.println("RESPONSE " + out.toString(StandardCharsets.UTF_8));
        }
    }
}
