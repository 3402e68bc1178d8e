package dev.tether.lambda.internal.stream;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.events.StreamsEventResponse;
import dev.tether.lambda.InvocationContext;
import dev.tether.processor.handler.CustomerStreamHandler;
import dev.tether.processor.testing.StreamEvents;
import dev.tether.processor.testing.StreamEvents.Rec;
import dev.tether.testing.Sql;
import dev.tether.testing.TestDatabase;
import dev.tether.testing.TestDatabase.Database;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

/**
 * Replays, duplicates and reordering never corrupt the replica: any delivery of a history ends in the table that
 * applying each key's records once, in order, gives.
 */
class ReplicationPropertyIT {

    private static final String[] KEYS = {"cus-p1", "cus-p2", "cus-p3"};
    private static final String[] NAMES = {"Ada", "Grace", "Edsger", "Barbara", "Donald"};

    private static Database database;
    private static CustomerStreamHandler handler;

    @BeforeContainer
    static void start() {
        database = TestDatabase.fresh("tether_it_stream_prop");
        handler = new CustomerStreamHandler(database.config());
    }

    @AfterContainer
    static void stop() {
        handler.close();
    }

    @Property(tries = 60)
    void anyDeliveryOfAHistoryEndsInTheInOrderTable(@ForAll long seed) {
        Random random = new Random(seed);
        Sql.execute(database, "DELETE FROM customers");
        List<Rec> history = history(random);

        for (List<Rec> batch : delivery(history, random)) {
            StreamsEventResponse response =
                    handler.handleRequest(StreamEvents.event(batch), new InvocationContext("tether-orders", 60_000));
            assertThat(response.getBatchItemFailures()).isEmpty();
        }

        assertThat(Sql.rows(
                        database,
                        "SELECT customer_id, name, tier, credit_limit, marketing_opt_in,"
                                + " stream_sequence, deleted FROM customers ORDER BY customer_id"))
                .as("seed %d, history %s", seed, history)
                .isEqualTo(expected(history));
    }

    /** One record of a CustomerAddresses history: its key, and the image of an INSERT or MODIFY (null: REMOVE). */
    private record AddressRec(
            long sequence,
            String customerId,
            String addressId,
            String eventName,
            String line1,
            Boolean isDefault,
            boolean byTtl) {

        String json() {
            String keys = "{\"customerId\":{\"S\":\"" + customerId + "\"},\"addressId\":{\"S\":\"" + addressId + "\"}}";
            String image = eventName.equals("REMOVE")
                    ? null
                    : keys.substring(0, keys.length() - 1) + ",\"line1\":{\"S\":\"" + line1 + "\"}"
                            + (isDefault == null ? "" : ",\"isDefault\":{\"BOOL\":" + isDefault + "}") + "}";
            return StreamEvents.record(eventName, sequence, "CustomerAddresses", keys, image, byTtl);
        }

        String row() {
            return eventName.equals("REMOVE")
                    ? customerId + "|" + addressId + "|null|null|" + sequence + "|1"
                    : customerId + "|" + addressId + "|" + line1 + "|"
                            + (isDefault == null ? "null" : isDefault ? "1" : "0") + "|" + sequence + "|0";
        }
    }

    @Property(tries = 60)
    void anyDeliveryOfACompositeKeyHistoryEndsInTheInOrderTable(@ForAll long seed) {
        Random random = new Random(seed);
        Sql.execute(database, "DELETE FROM customer_addresses");
        String[] customers = {"cus-a", "cus-b"};
        String[] addresses = {"home", "work", "h"};
        List<AddressRec> history = new ArrayList<>();
        Map<String, Boolean> exists = new TreeMap<>();
        long sequence = 9_000_000_000_000_000_000L + random.nextInt(1000);
        int length = 1 + random.nextInt(24);
        for (int i = 0; i < length; i++) {
            String customer = customers[random.nextInt(customers.length)];
            String address = addresses[random.nextInt(addresses.length)];
            String key = customer + "|" + address;
            sequence += 1 + random.nextInt(1_000_000);
            boolean present = exists.getOrDefault(key, false);
            String eventName = !present ? "INSERT" : random.nextInt(3) == 0 ? "REMOVE" : "MODIFY";
            history.add(new AddressRec(
                    sequence,
                    customer,
                    address,
                    eventName,
                    NAMES[random.nextInt(NAMES.length)] + " St",
                    random.nextBoolean() ? null : random.nextBoolean(),
                    random.nextBoolean()));
            exists.put(key, !eventName.equals("REMOVE"));
        }
        List<AddressRec> stream = new ArrayList<>();
        for (AddressRec rec : history) {
            stream.add(rec);
            if (random.nextInt(4) == 0) {
                stream.add(rec);
            }
        }
        if (random.nextBoolean()) {
            int from = random.nextInt(history.size());
            stream.addAll(history.subList(from, history.size()));
        }
        if (random.nextBoolean()) {
            Collections.shuffle(stream, random);
        }

        for (int from = 0; from < stream.size(); ) {
            int size = 1 + random.nextInt(6);
            List<String> batch = stream.subList(from, Math.min(stream.size(), from + size)).stream()
                    .map(AddressRec::json)
                    .toList();
            StreamsEventResponse response =
                    handler.handleRequest(StreamEvents.eventOf(batch), new InvocationContext("tether-stream", 60_000));
            assertThat(response.getBatchItemFailures()).isEmpty();
            from += size;
        }

        Map<String, AddressRec> last = new TreeMap<>();
        history.forEach(rec -> last.put(rec.customerId() + "|" + rec.addressId(), rec));
        assertThat(Sql.rows(
                        database,
                        "SELECT CONCAT_WS('|', customer_id, address_id, IFNULL(line1, 'null'),"
                                + " IFNULL(is_default, 'null'), stream_sequence, deleted) FROM customer_addresses"
                                + " ORDER BY customer_id, address_id"))
                .as("seed %d, history %s", seed, history)
                .isEqualTo(last.values().stream().map(AddressRec::row).toList());
    }

    /** Inserts, modifies and removes over a few keys, with increasing sequence numbers. */
    private static List<Rec> history(Random random) {
        List<Rec> history = new ArrayList<>();
        Map<String, Boolean> exists = new TreeMap<>();
        long sequence = 1_000_000_000_000_000_000L + random.nextInt(1000);
        int length = 1 + random.nextInt(20);
        for (int i = 0; i < length; i++) {
            String key = KEYS[random.nextInt(KEYS.length)];
            sequence += 1 + random.nextInt(1_000_000);
            String attributes = "\"name\":{\"S\":\"" + NAMES[random.nextInt(NAMES.length)] + "\"}"
                    + (random.nextBoolean() ? ",\"tier\":{\"S\":\"T" + random.nextInt(3) + "\"}" : "")
                    + ",\"creditLimit\":{\"N\":\"" + random.nextInt(100_000) + "." + random.nextInt(10) + "\"}"
                    + (random.nextBoolean() ? ",\"marketingOptIn\":{\"BOOL\":" + random.nextBoolean() + "}" : "");
            boolean present = exists.getOrDefault(key, false);
            Rec rec;
            if (!present) {
                rec = Rec.insert(sequence, key, attributes);
            } else if (random.nextInt(3) == 0) {
                rec = Rec.remove(sequence, key);
            } else {
                rec = Rec.modify(sequence, key, attributes);
            }
            exists.put(key, !rec.eventName().equals("REMOVE"));
            history.add(rec);
        }
        return history;
    }

    /** The history with duplicates, replayed ranges and shuffles, cut into batches. */
    private static List<List<Rec>> delivery(List<Rec> history, Random random) {
        List<Rec> stream = new ArrayList<>();
        for (Rec rec : history) {
            stream.add(rec);
            if (random.nextInt(4) == 0) {
                stream.add(rec); // duplicate delivery
            }
        }
        int replays = random.nextInt(3);
        for (int r = 0; r < replays; r++) {
            int from = random.nextInt(history.size());
            int to = from + random.nextInt(history.size() - from) + 1;
            stream.addAll(
                    random.nextInt(stream.size() + 1) > stream.size() / 2 ? stream.size() : 0,
                    history.subList(from, to)); // a replayed range, late or early
        }
        if (random.nextBoolean()) {
            Collections.shuffle(stream, random); // reordering across and within keys
        }
        List<List<Rec>> batches = new ArrayList<>();
        for (int from = 0; from < stream.size(); ) {
            int size = 1 + random.nextInt(6);
            batches.add(stream.subList(from, Math.min(stream.size(), from + size)));
            from += size;
        }
        return batches;
    }

    /** Each key's records applied once, in order: the last record of each key decides its row. */
    private static List<String> expected(List<Rec> history) {
        Map<String, Rec> last = new LinkedHashMap<>();
        history.forEach(rec -> last.put(rec.customerId(), rec));
        List<String> rows = new ArrayList<>();
        new TreeMap<>(last).forEach((key, rec) -> {
            if (rec.eventName().equals("REMOVE")) {
                rows.add(key + "|null|null|null|null|" + rec.sequenceNumber() + "|1");
            } else {
                rows.add(key + "|" + attribute(rec, "name", "S") + "|" + attribute(rec, "tier", "S") + "|"
                        + decimal(attribute(rec, "creditLimit", "N")) + "|"
                        + bool(attribute(rec, "marketingOptIn", "BOOL"))
                        + "|" + rec.sequenceNumber() + "|0");
            }
        });
        return rows;
    }

    private static String attribute(Rec rec, String name, String type) {
        String marker = "\"" + name + "\":{\"" + type + "\":";
        int at = rec.imageAttributes().indexOf(marker);
        if (at < 0) {
            return "null";
        }
        int start = at + marker.length();
        int end = rec.imageAttributes().indexOf('}', start);
        return rec.imageAttributes().substring(start, end).replace("\"", "");
    }

    private static String decimal(String value) {
        return value.equals("null")
                ? value
                : new java.math.BigDecimal(value).setScale(2).toPlainString();
    }

    private static String bool(String value) {
        return value.equals("null") ? value : value.equals("true") ? "1" : "0";
    }
}
