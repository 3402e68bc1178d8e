package dev.tether.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tether.lambda.InvocationContext;
import dev.tether.lambda.config.TetherConfig;
import dev.tether.lambda.link.Migrations;
import dev.tether.testing.SqsEvents.Message;
import dev.tether.testing.TestDatabase.Database;
import java.lang.reflect.InvocationTargetException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import org.jooq.DSLContext;
import org.jooq.Field;
import org.jooq.Record;
import org.jooq.impl.DSL;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * What Tether promises for every route of an SQS handler, checked against a real MySQL-compatible server
 * ({@link TestDatabase}): extend this class in your project's tests, point it at your handler class and give it one
 * valid body per message type, and each promise runs as a JUnit 5 test of your own build.
 *
 * <pre>{@code
 * class ShipmentContractIT extends SqsHandlerContract {
 *     protected Class<?> handlerClass() { return ShipmentHandler.class; }
 *     protected List<String> samples() { return List.of(DISPATCHED_JSON, DELIVERED_JSON); }
 *     protected Optional<Path> shadedJar() { return Optional.of(Path.of("target", "shipments.jar")); }
 * }
 * }</pre>
 *
 * <p>The handler class needs a public constructor taking a {@link TetherConfig} (or override {@link
 * #handler(TetherConfig)}). Samples are bodies in Tether's envelope ({@code eventId}, {@code type}, {@code
 * occurredAt}, {@code data}), in an order in which each applies on top of the ones before; each must change a row.
 * The contract never needs to know your tables: it compares every table of the database, row by row, with the rows
 * the same messages leave when delivered cleanly (ignoring Tether's own tables, Flyway's history and columns the
 * server fills with the current time), so an event applied twice, lost, or applied when it should not have been shows
 * up as a difference.
 *
 * <p>The promises: a duplicate in a batch and in a later batch applies once; an event id reused with another payload
 * is reported; dozens of malformed bodies derived from the samples (not JSON, empty, huge, deeply nested, envelope
 * fields missing or of the wrong kind, every data field of the wrong JSON kind) are each reported alone beside valid
 * messages that commit; an unknown type is reported; a connection killed between invocations loses nothing; on a
 * FIFO queue a failed message holds back the rest of its group and no other; and, when {@link #shadedJar()} names
 * it, the shaded jar serves in a JVM of its own configured by {@code TETHER_*} variables alone on an empty database.
 */
public abstract class SqsHandlerContract {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final List<AutoCloseable> opened = new ArrayList<>();

    /** Your handler class: Lambda's entry point, {@code RequestHandler<SQSEvent, SQSBatchResponse>}. */
    protected abstract Class<?> handlerClass();

    /** One valid body per message type, each applying on top of the ones before it. */
    protected abstract List<String> samples();

    /** The deployable jar, to run in its own JVM; empty (the default) skips that check. */
    protected Optional<Path> shadedJar() {
        return Optional.empty();
    }

    /**
     * The migrations applied to each empty test database before the handler starts; {@link Migrations#defaults()}
     * ({@code classpath:db/migration} and Tether's own) unless your handler's builder names others.
     */
    protected Migrations migrations() {
        return Migrations.defaults();
    }

    /**
     * Data fields (paths such as {@code data.details}) that accept any JSON, such as a {@code JsonNode} component:
     * the contract does not expect a value of another JSON kind there to be refused.
     */
    protected Set<String> anyJsonFields() {
        return Set.of();
    }

    /** Tables the comparison leaves out besides Tether's and Flyway's (for example an audit table of receive times). */
    protected Set<String> ignoredTables() {
        return Set.of();
    }

    /** A handler of {@link #handlerClass()} on {@code config}, by its public {@code (TetherConfig)} constructor. */
    @SuppressWarnings("unchecked")
    protected RequestHandler<SQSEvent, SQSBatchResponse> handler(TetherConfig config) {
        try {
            return (RequestHandler<SQSEvent, SQSBatchResponse>)
                    handlerClass().getConstructor(TetherConfig.class).newInstance(config);
        } catch (NoSuchMethodException e) {
            throw new AssertionError(handlerClass().getName() + " has no public constructor taking a TetherConfig: add"
                    + " one (the no-arg constructor Lambda calls can delegate to it with"
                    + " TetherConfig.fromEnvironment(System.getenv())) or override handler(TetherConfig)");
        } catch (InvocationTargetException e) {
            throw new AssertionError("the handler failed to start: " + e.getCause(), e.getCause());
        } catch (ReflectiveOperationException e) {
            throw new AssertionError("cannot construct " + handlerClass().getName(), e);
        }
    }

    @AfterEach
    final void closeHandlers() throws Exception {
        for (AutoCloseable c : opened) {
            c.close();
        }
        opened.clear();
    }

    @Test
    void aDuplicateInABatchAndInALaterBatchAppliesOnce() {
        List<String> samples = validSamples();
        List<String> once = new ArrayList<>();
        Deployment clean = deploy();
        String before = clean.snapshot();
        for (int i = 0; i < samples.size(); i++) {
            String sample = samples.get(i);
            assertEquals(
                    List.of(),
                    clean.send(Message.of(sample)),
                    () -> "sample " + describe(sample)
                            + " was reported as failed; the contract needs samples that apply");
            once.add(clean.snapshot());
            int n = i;
            assertNotEquals(
                    n == 0 ? before : once.get(n - 1),
                    once.get(n),
                    () -> "sample " + describe(sample)
                            + " changed no row: the contract cannot tell whether it applied once");
            assertEquals(List.of(), clean.send(Message.of(sample)), "a duplicate in a later batch is a success");
            assertEquals(once.get(n), clean.snapshot(), () -> describe(sample) + " applied again in a later batch");
        }

        Deployment twice = deploy();
        for (int i = 0; i < samples.size(); i++) {
            String sample = samples.get(i);
            assertEquals(
                    List.of(),
                    twice.send(Message.of(sample), Message.of(sample)),
                    "a duplicate in the same batch is a success");
            assertEquals(once.get(i), twice.snapshot(), () -> describe(sample) + " applied twice in one batch");
        }
    }

    @Test
    void anEventIdReusedWithAnotherPayloadIsReportedAndNotApplied() {
        List<String> samples = validSamples();
        Deployment deployment = deploy();
        for (String sample : samples) {
            deployment.send(Message.of(sample));
        }
        String applied = deployment.snapshot();
        for (String sample : samples) {
            ObjectNode other = parse(sample);
            other.put("occurredAt", "2001-02-03T04:05:06Z");
            Message reused = Message.of(other.toString());
            assertEquals(
                    List.of(reused.messageId()),
                    deployment.send(reused),
                    () -> "event id of " + describe(sample) + " reused with another payload");
        }
        assertEquals(applied, deployment.snapshot(), "a reused event id changed rows");
    }

    @Test
    void everyMalformedBodyIsReportedAloneAndTheValidMessagesBesideItCommit() {
        List<String> valid = freshCopies(validSamples());
        List<String> malformed = new ArrayList<>();
        for (String sample : validSamples()) {
            malformed.addAll(malformedFrom(parse(sample)));
        }
        String expected = deploy().sendAll(valid).snapshot();

        List<Message> batch = new ArrayList<>();
        List<String> bad = new ArrayList<>();
        int perGap = Math.max(1, malformed.size() / (valid.size() + 1));
        Iterator<String> next = malformed.iterator();
        for (String body : valid) {
            for (int i = 0; i < perGap && next.hasNext(); i++) {
                Message m = Message.of(next.next());
                bad.add(m.messageId());
                batch.add(m);
            }
            batch.add(Message.of(body));
        }
        next.forEachRemaining(body -> {
            Message m = Message.of(body);
            bad.add(m.messageId());
            batch.add(m);
        });
        Deployment deployment = deploy();
        List<String> reported = deployment.send(batch);

        for (int i = 0; i < batch.size(); i++) {
            Message m = batch.get(i);
            boolean isBad = bad.contains(m.messageId());
            assertEquals(
                    isBad,
                    reported.contains(m.messageId()),
                    () -> (isBad ? "not reported: " : "reported: ") + preview(m.body()));
        }
        assertEquals(bad, reported, "exactly the malformed messages are reported, in batch order");
        assertEquals(expected, deployment.snapshot(), "the valid messages beside the malformed ones commit");
    }

    @Test
    void anUnknownTypeIsReportedAndTheRestCommit() {
        List<String> valid = freshCopies(validSamples());
        ObjectNode unknown = parse(valid.get(0));
        unknown.put("eventId", UUID.randomUUID().toString());
        unknown.put("type", "NoSuchTypeInThisHandler");
        String expected = deploy().sendAll(valid).snapshot();

        Deployment deployment = deploy();
        Message message = Message.of(unknown.toString());
        List<Message> batch = new ArrayList<>();
        batch.add(message);
        valid.forEach(body -> batch.add(Message.of(body)));

        assertEquals(List.of(message.messageId()), deployment.send(batch));
        assertEquals(expected, deployment.snapshot());
    }

    @Test
    void aConnectionKilledBetweenInvocationsLosesNothing() {
        List<String> valid = validSamples();
        List<String> second = valid.size() > 1 ? valid.subList(1, valid.size()) : freshCopies(valid);
        Deployment reference = deploy().sendAll(valid.subList(0, 1)).sendAll(second);

        Deployment deployment = deploy().sendAll(valid.subList(0, 1));
        int killed = killSessionsOf(deployment.database);
        assertTrue(killed > 0, "the handler keeps its connection between invocations");
        List<Message> batch = second.stream().map(Message::of).toList();

        assertEquals(List.of(), deployment.send(batch), "the batch after the kill");
        assertEquals(reference.snapshot(), deployment.snapshot());
    }

    @Test
    void onAFifoQueueAFailedMessageHoldsBackTheRestOfItsGroupOnly() {
        List<String> valid = freshCopies(validSamples());
        String expected = deploy().sendAll(valid.subList(0, 1)).snapshot();
        ObjectNode broken = parse(valid.get(0));
        broken.put("eventId", UUID.randomUUID().toString());
        broken.set("data", JSON.getNodeFactory().textNode("not an object"));
        Message applied = Message.inGroup("group-a", valid.get(0));
        Message failed = Message.inGroup("group-b", broken.toString());
        Message heldBack =
                Message.inGroup("group-b", freshCopies(valid.subList(0, 1)).get(0));

        Deployment deployment = deploy();
        List<String> reported = deployment.send(List.of(applied, failed, heldBack));

        assertEquals(List.of(failed.messageId(), heldBack.messageId()), reported);
        assertEquals(expected, deployment.snapshot(), "only the other group's message applied");
    }

    @Test
    void theShadedJarServesInItsOwnJvmConfiguredByTetherVariablesAlone() throws Exception {
        Optional<Path> jar = shadedJar();
        org.junit.jupiter.api.Assumptions.assumeTrue(jar.isPresent(), "shadedJar() names no jar");
        assertTrue(
                Files.isRegularFile(jar.get()),
                () -> jar.get() + " is missing: run this test after `package`"
                        + " (name the class *IT so that Failsafe runs it)");
        List<String> valid = validSamples();
        String expected = deploy().sendAll(valid).snapshot();
        Database database = TestDatabase.empty(databaseName());
        List<Message> messages = new ArrayList<>();
        valid.forEach(body -> messages.add(Message.of(body)));
        Message notJson = Message.of("{\"eventId\": not json");
        messages.add(notJson);
        Path event = Files.createTempFile("tether-contract", ".json");
        try {
            Files.writeString(event, SqsEvents.json(messages));
            LambdaJar.Run run = LambdaJar.run(
                    jar.get(),
                    handlerClass().getName(),
                    SQSEvent.class,
                    SQSBatchResponse.class,
                    event,
                    2,
                    Map.of(
                            "TETHER_DB_URL", database.url(),
                            "TETHER_DB_USER", database.user(),
                            "TETHER_DB_PASSWORD", database.password()));
            assertTrue(run.exited() && run.exitValue() == 0, () -> "the jar's JVM failed:\n" + run.output());
            List<String> responses =
                    run.output().lines().filter(l -> l.startsWith("RESPONSE ")).toList();
            assertEquals(2, responses.size(), run::output);
            for (String response : responses) {
                JsonNode failures =
                        JSON.readTree(response.substring("RESPONSE ".length())).path("batchItemFailures");
                List<String> ids = new ArrayList<>();
                failures.forEach(f -> ids.add(f.path("itemIdentifier").asText()));
                assertEquals(List.of(notJson.messageId()), ids, response);
            }
            assertEquals(expected, snapshot(database), "the jar applied each event once");
        } finally {
            Files.deleteIfExists(event);
        }
    }

    // ---------------------------------------------------------------------------------------------------------

    /** A handler started on a fresh database migrated by {@link #migrations()}. */
    private Deployment deploy() {
        Database database = TestDatabase.empty(databaseName());
        Migrations migrations = migrations();
        if (migrations != null) {
            migrations.apply(database.url(), database.user(), database.password());
        }
        RequestHandler<SQSEvent, SQSBatchResponse> handler = handler(database.config());
        if (handler instanceof AutoCloseable closeable) {
            opened.add(closeable);
        }
        return new Deployment(database, handler);
    }

    private final class Deployment {
        private final Database database;
        private final RequestHandler<SQSEvent, SQSBatchResponse> handler;

        Deployment(Database database, RequestHandler<SQSEvent, SQSBatchResponse> handler) {
            this.database = database;
            this.handler = handler;
        }

        List<String> send(Message... messages) {
            return send(List.of(messages));
        }

        /** The message ids the handler reports failed, in batch order. */
        List<String> send(List<Message> messages) {
            SQSBatchResponse response =
                    handler.handleRequest(SqsEvents.event(messages), new InvocationContext("contract", 60_000));
            List<String> failed = new ArrayList<>();
            response.getBatchItemFailures().forEach(f -> failed.add(f.getItemIdentifier()));
            return failed;
        }

        /** Sends {@code bodies} in one batch and expects none reported. */
        Deployment sendAll(List<String> bodies) {
            List<String> failed = send(bodies.stream().map(Message::of).toList());
            assertEquals(List.of(), failed, "valid samples were reported as failed");
            return this;
        }

        String snapshot() {
            return SqsHandlerContract.this.snapshot(database);
        }
    }

    private String databaseName() {
        String name = "tether_contract_"
                + getClass().getSimpleName().toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9_]", "_");
        return name.length() > 64 ? name.substring(0, 64) : name;
    }

    private List<String> validSamples() {
        List<String> samples = samples();
        if (samples == null || samples.isEmpty()) {
            fail("samples() gives no sample body");
        }
        for (String sample : samples) {
            parse(sample);
        }
        return samples;
    }

    private static ObjectNode parse(String sample) {
        JsonNode node;
        try {
            node = JSON.readTree(sample);
        } catch (Exception e) {
            throw new AssertionError("a sample is not JSON: " + preview(sample), e);
        }
        if (!(node instanceof ObjectNode object)
                || !object.path("eventId").isTextual()
                || !object.path("type").isTextual()
                || !object.path("data").isObject()) {
            throw new AssertionError("a sample must be a body in Tether's envelope, {\"eventId\": UUID, \"type\": …,"
                    + " \"occurredAt\": …, \"data\": {…}}: " + preview(sample));
        }
        return object;
    }

    /** {@code samples} with new event ids: the same events as far as the tables go, new ones to idempotency. */
    private static List<String> freshCopies(List<String> samples) {
        List<String> copies = new ArrayList<>();
        for (String sample : samples) {
            ObjectNode copy = parse(sample);
            copy.put("eventId", UUID.randomUUID().toString());
            copies.add(copy.toString());
        }
        return copies;
    }

    private static String describe(String sample) {
        return parse(sample).path("type").asText() + " "
                + parse(sample).path("eventId").asText();
    }

    private static String preview(String body) {
        return body.length() > 160 ? body.substring(0, 160) + "… (" + body.length() + " chars)" : body;
    }

    /** Bodies that no route may accept, derived from one valid sample; each with an event id of its own. */
    private List<String> malformedFrom(ObjectNode sample) {
        List<String> bodies = new ArrayList<>();
        ObjectNode base = sample.deepCopy();
        String type = base.path("type").asText();
        bodies.add("");
        bodies.add("   ");
        bodies.add("not json");
        bodies.add("{");
        bodies.add("[]");
        bodies.add("null");
        bodies.add("42");
        bodies.add("\"" + type + "\"");
        bodies.add("[".repeat(5_000) + "]".repeat(5_000));
        bodies.add("{\"a\":".repeat(2_000) + "1" + "}".repeat(2_000));
        bodies.add("x".repeat(200_000));
        bodies.add(fresh(base) + " trailing");
        bodies.add(fresh(base) + "{}");
        String duplicated = fresh(base);
        bodies.add("{\"type\":" + JSON.getNodeFactory().textNode(type) + "," + duplicated.substring(1));
        bodies.add(without(base, "eventId"));
        bodies.add(with(base, "eventId", "not-a-uuid"));
        bodies.add(with(base, "eventId", 42));
        bodies.add(with(base, "eventId", null));
        bodies.add(without(base, "type"));
        bodies.add(with(base, "type", 42));
        bodies.add(with(base, "type", null));
        bodies.add(with(base, "type", ""));
        if (base.has("occurredAt")) {
            bodies.add(with(base, "occurredAt", "yesterday"));
            bodies.add(with(base, "occurredAt", 1_764_151_530));
        }
        bodies.add(without(base, "data"));
        bodies.add(with(base, "data", null));
        bodies.add(with(base, "data", "text"));
        bodies.add(with(base, "data", 42));
        ObjectNode hugeData = base.deepCopy();
        hugeData.put("eventId", UUID.randomUUID().toString());
        hugeData.set("data", JSON.getNodeFactory().arrayNode());
        for (int i = 0; i < 40_000; i++) {
            hugeData.withArray("data").add(i);
        }
        bodies.add(hugeData.toString());
        wrongKinds(base, (ObjectNode) base.get("data"), "data", bodies);
        return bodies;
    }

    /** For every field under {@code object}, a body where only that field has a value of another JSON kind. */
    private void wrongKinds(ObjectNode root, ObjectNode object, String path, List<String> bodies) {
        Iterator<Map.Entry<String, JsonNode>> fields = object.fields();
        List<Map.Entry<String, JsonNode>> entries = new ArrayList<>();
        fields.forEachRemaining(entries::add);
        for (Map.Entry<String, JsonNode> entry : entries) {
            String fieldPath = path + "." + entry.getKey();
            JsonNode value = entry.getValue();
            if (anyJsonFields().contains(fieldPath) || value.isNull()) {
                continue;
            }
            JsonNode original = value.deepCopy();
            object.set(entry.getKey(), wrongKind(value));
            bodies.add(fresh(root));
            object.set(entry.getKey(), original);
            if (value.isObject()) {
                wrongKinds(root, (ObjectNode) value, fieldPath, bodies);
            }
        }
    }

    private static JsonNode wrongKind(JsonNode value) {
        if (value.isObject()) {
            return JSON.createArrayNode().add(1).add(2);
        }
        if (value.isNumber()) {
            return JSON.createArrayNode().add(1);
        }
        ObjectNode unexpected = JSON.createObjectNode();
        unexpected.put("unexpected", true);
        return unexpected;
    }

    private static String fresh(ObjectNode node) {
        ObjectNode copy = node.deepCopy();
        copy.put("eventId", UUID.randomUUID().toString());
        return copy.toString();
    }

    private static String without(ObjectNode node, String field) {
        ObjectNode copy = node.deepCopy();
        copy.put("eventId", UUID.randomUUID().toString());
        copy.remove(field);
        return copy.toString();
    }

    private static String with(ObjectNode node, String field, Object value) {
        ObjectNode copy = node.deepCopy();
        copy.put("eventId", UUID.randomUUID().toString());
        copy.set(field, JSON.valueToTree(value));
        return copy.toString();
    }

    private static int killSessionsOf(Database database) {
        int killed = 0;
        try (Connection admin = TestDatabase.admin()) {
            for (String id : Sql.rows(
                    admin,
                    "SELECT ID FROM information_schema.PROCESSLIST WHERE DB = '" + database.name()
                            + "' AND ID <> CONNECTION_ID()")) {
                try (var statement = admin.createStatement()) {
                    statement.execute("KILL " + Long.parseLong(id));
                    killed++;
                } catch (SQLException gone) {
                    // the session ended by itself in between
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
        return killed;
    }

    /**
     * Every row of every table of {@code database} but Tether's, Flyway's and {@link #ignoredTables()}, sorted,
     * without the columns the server fills with the current time.
     */
    private String snapshot(Database database) {
        Set<String> ignored = new TreeSet<>(String.CASE_INSENSITIVE_ORDER);
        ignored.addAll(Set.of("flyway_schema_history", "tether_schema_history", "idempotency_records"));
        ignored.addAll(ignoredTables());
        try (Connection connection = database.connect()) {
            DSLContext sql = DSL.using(connection, database.dialect());
            Map<String, List<String>> columns = new LinkedHashMap<>();
            for (Record row : sql.resultQuery(
                    "SELECT c.TABLE_NAME, c.COLUMN_NAME, c.COLUMN_DEFAULT, c.EXTRA FROM information_schema.COLUMNS c"
                            + " JOIN information_schema.TABLES t ON t.TABLE_SCHEMA = c.TABLE_SCHEMA"
                            + " AND t.TABLE_NAME = c.TABLE_NAME WHERE c.TABLE_SCHEMA = ?"
                            + " AND t.TABLE_TYPE = 'BASE TABLE' ORDER BY c.TABLE_NAME, c.ORDINAL_POSITION",
                    database.name())) {
                String table = row.get(0, String.class);
                String fallback = String.valueOf(row.get(2, String.class)).toLowerCase(Locale.ROOT);
                String extra = String.valueOf(row.get(3, String.class)).toLowerCase(Locale.ROOT);
                boolean clock = fallback.contains("current_timestamp")
                        || fallback.contains("now(")
                        || extra.contains("on update");
                if (!ignored.contains(table) && !clock) {
                    columns.computeIfAbsent(table, t -> new ArrayList<>()).add(row.get(1, String.class));
                }
            }
            StringBuilder out = new StringBuilder();
            for (Map.Entry<String, List<String>> table : columns.entrySet()) {
                List<Field<Object>> fields = table.getValue().stream()
                        .map(c -> DSL.field(DSL.name(c)))
                        .toList();
                out.append(table.getKey()).append('\n');
                for (Record row : sql.select(fields)
                        .from(DSL.table(DSL.name(table.getKey())))
                        .orderBy(fields)
                        .fetch()) {
                    out.append("  ")
                            .append(row.formatJSON(org.jooq.JSONFormat.DEFAULT_FOR_RECORDS))
                            .append('\n');
                }
            }
            return out.toString();
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }
}
