package dev.tether.lambda.write;

import dev.tether.lambda.link.DatabaseLink;
import dev.tether.lambda.link.StatementBudget;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.IntFunction;
import org.jooq.DSLContext;
import org.jooq.EnumType;
import org.jooq.Field;
import org.jooq.InsertValuesStepN;
import org.jooq.JSON;
import org.jooq.Query;
import org.jooq.Record;
import org.jooq.RowN;
import org.jooq.SQLDialect;
import org.jooq.Table;
import org.jooq.conf.Settings;
import org.jooq.exception.DataAccessException;
import org.jooq.impl.DSL;

/**
 * A statement with a repeated part (the rows of a multi-row insert, the values of an IN list), rendered by jOOQ once
 * per dialect and then stretched to any number of rows by repeating that part. Rendering a multi-row statement
 * costs jOOQ a few microseconds per bind value on every batch; this pays it once per container. The SQL text is
 * still jOOQ's, and every value is still a bind value, set positionally on a client-side prepared statement.
 *
 * <p>The repeated part is found by rendering the statement for two and for three rows: what the three-row text has
 * in addition is one repetition. The derivation is checked, and a statement it does not fit is refused at once.
 *
 * <p>However many items a call is given, every statement it sends stays under the transaction's
 * {@link StatementBudget} (the server's {@code max_allowed_packet} at most): the items are cut into as few
 * consecutive runs as fit, counting the statement's own text and each item's bound values ({@link StatementBytes}),
 * and all of them run in the caller's transaction. An item too large for the budget on its own is sent alone.
 */
public final class RepeatedRows {

    /** Sets the bind values of one item, starting at {@code offset} (1-based). */
    @FunctionalInterface
    public interface RowBinder<T> {
        void bind(PreparedStatement statement, int offset, T item) throws SQLException;
    }

    /** The bytes one item's bound values take in the statement's text ({@link StatementBytes}). */
    @FunctionalInterface
    public interface RowBytes<T> {
        int of(T item);
    }

    /**
     * A statement's parts, and the texts already stretched from them: one per row count, as many and as long as
     * the driver keeps parses of ({@link DatabaseLink}), so the same text instance comes back for the same batch
     * size and the driver's cache finds it at once. {@code fixedBytes} and {@code rowBytes} are the UTF-8 bytes of
     * the text around the rows and of one row's text, placeholders left out (the values take their place).
     */
    private record Template(
            String one,
            String head,
            String unit,
            String tail,
            int fixedBytes,
            int rowBytes,
            Map<Integer, String> kept) {

        String stretch(int rows) {
            if (rows == 1) {
                return one;
            }
            String text = kept.get(rows);
            if (text != null) {
                return text;
            }
            StringBuilder sql =
                    new StringBuilder(head.length() + tail.length() + unit.length() * Math.max(0, rows - 2));
            sql.append(head);
            for (int i = 2; i < rows; i++) {
                sql.append(unit);
            }
            text = sql.append(tail).toString();
            if (kept.size() < DatabaseLink.PREPARED_TEXT_CACHE_ENTRIES
                    && text.length() <= DatabaseLink.PREPARED_TEXT_CACHE_MAX_CHARS) {
                kept.putIfAbsent(rows, text);
            }
            return text;
        }
    }

    private final IntFunction<Query> withRows;
    private final int paramsPerRow;
    private final Map<SQLDialect, Template> templates = new ConcurrentHashMap<>();

    /**
     * @param withRows builds the statement with {@code n} rows of bind values (any values: only the text is kept)
     * @param paramsPerRow bind values per row
     */
    public RepeatedRows(IntFunction<Query> withRows, int paramsPerRow) {
        this.withRows = withRows;
        this.paramsPerRow = paramsPerRow;
    }

    /**
     * {@code INSERT INTO table (fields) VALUES} with {@code rows} rows of bind placeholders: the multi-row shape a
     * {@code RepeatedRows} stretches, for the builders of the statements that use it.
     */
    public static <R extends Record> InsertValuesStepN<R> insertRows(
            Table<R> table, List<? extends Field<?>> fields, int rows) {
        RowN placeholders = DSL.row(fields.stream()
                .map(f -> (Field<?>) DSL.val(null, f.getDataType()))
                .toList());
        return DSL.insertInto(table, fields).valuesOfRows(Collections.nCopies(rows, placeholders));
    }

    /** The statement's text for {@code rows} rows in {@code dialect}. */
    public String sql(SQLDialect dialect, int rows) {
        return template(dialect).stretch(rows);
    }

    private Template template(SQLDialect dialect) {
        return templates.computeIfAbsent(dialect, this::render);
    }

    /**
     * {@code items} cut into consecutive runs whose statements, text and values, fit {@code budgetBytes} each; an
     * item that does not fit on its own is a run of its own.
     */
    public <T> List<List<T>> chunks(SQLDialect dialect, List<T> items, RowBytes<T> bytes, int budgetBytes) {
        Template template = template(dialect);
        List<List<T>> chunks = new ArrayList<>();
        int start = 0;
        long size = template.fixedBytes();
        for (int i = 0; i < items.size(); i++) {
            long row = template.rowBytes() + bytes.of(items.get(i));
            if (i > start && size + row > budgetBytes) {
                chunks.add(items.subList(start, i));
                start = i;
                size = template.fixedBytes();
            }
            size += row;
        }
        if (start < items.size()) {
            chunks.add(items.subList(start, items.size()));
        }
        return chunks;
    }

    /** What {@link #chunks} gives for {@code items} under {@code tx}'s own budget. */
    private <T> List<List<T>> chunks(DSLContext tx, List<T> items, RowBytes<T> bytes) {
        return chunks(tx.dialect(), items, bytes, StatementBudget.of(tx.configuration()));
    }

    private Template render(SQLDialect dialect) {
        DSLContext renderer =
                DSL.using(dialect, new Settings().withRenderSchema(false).withRenderCatalog(false));
        String one = renderer.render(withRows.apply(1));
        String two = renderer.render(withRows.apply(2));
        String three = renderer.render(withRows.apply(3));
        int prefix = 0;
        while (prefix < two.length() && two.charAt(prefix) == three.charAt(prefix)) {
            prefix++;
        }
        int suffix = 0;
        while (suffix < two.length() - prefix
                && two.charAt(two.length() - 1 - suffix) == three.charAt(three.length() - 1 - suffix)) {
            suffix++;
        }
        String head = two.substring(0, prefix);
        String tail = two.substring(two.length() - suffix);
        String unit = three.substring(prefix, three.length() - suffix);
        if (!(head + tail).equals(two)
                || !(head + unit + tail).equals(three)
                || count(unit) != paramsPerRow
                || count(one) * 2 != count(two)) {
            throw new IllegalStateException("statement does not repeat by rows: " + two);
        }
        int unitBytes = utf8Length(unit);
        return new Template(
                one,
                head,
                unit,
                tail,
                utf8Length(two) - 2 * unitBytes,
                unitBytes - paramsPerRow,
                new ConcurrentHashMap<>());
    }

    private static int utf8Length(String text) {
        return text.getBytes(StandardCharsets.UTF_8).length;
    }

    private static int count(String sql) {
        int count = 0;
        for (int i = 0; i < sql.length(); i++) {
            if (sql.charAt(i) == '?') {
                count++;
            }
        }
        return count;
    }

    /**
     * Executes the statement for {@code items} on the transaction's connection, in as few statements as fit the
     * budget; returns the update count. Nothing is sent for no items.
     */
    public <T> int execute(DSLContext tx, List<T> items, RowBinder<T> binder, RowBytes<T> bytes) {
        int updated = 0;
        for (List<T> chunk : chunks(tx, items, bytes)) {
            updated += tx.connectionResult(connection -> {
                try (PreparedStatement statement = prepare(connection, tx.dialect(), chunk, binder)) {
                    return statement.executeUpdate();
                } catch (SQLException e) {
                    throw new DataAccessException("SQL [" + describe(chunk.size()) + "]; " + e.getMessage(), e);
                }
            });
        }
        return updated;
    }

    /**
     * Runs the statement (a query) for {@code items}, in as few statements as fit the budget, and hands each result
     * row to {@code rows}.
     */
    public <T> void query(DSLContext tx, List<T> items, RowBinder<T> binder, RowBytes<T> bytes, ResultRows rows) {
        for (List<T> chunk : chunks(tx, items, bytes)) {
            tx.connection(connection -> {
                try (PreparedStatement statement = prepare(connection, tx.dialect(), chunk, binder)) {
                    try (ResultSet result = statement.executeQuery()) {
                        while (result.next()) {
                            rows.accept(result);
                        }
                    }
                } catch (SQLException e) {
                    throw new DataAccessException("SQL [" + describe(chunk.size()) + "]; " + e.getMessage(), e);
                }
            });
        }
    }

    /** Reads one result row. */
    @FunctionalInterface
    public interface ResultRows {
        void accept(ResultSet row) throws SQLException;
    }

    /** The statement for {@code items.size()} rows, prepared on the client and bound. */
    private <T> PreparedStatement prepare(
            java.sql.Connection connection, SQLDialect dialect, List<T> items, RowBinder<T> binder)
            throws SQLException {
        PreparedStatement statement = connection.prepareStatement(sql(dialect, items.size()));
        try {
            int offset = 1;
            for (T item : items) {
                binder.bind(statement, offset, item);
                offset += paramsPerRow;
            }
            return statement;
        } catch (SQLException | RuntimeException e) {
            statement.close();
            throw e;
        }
    }

    private String describe(int rows) {
        return rows + " rows of "
                + templates.values().stream().findFirst().map(Template::one).orElse("?");
    }

    /** Binds {@code value} as jOOQ would for MySQL: JSON and enums as text, big integers as decimals. */
    public static void bind(PreparedStatement statement, int index, Object value, int sqlTypeIfNull)
            throws SQLException {
        if (value == null) {
            statement.setNull(index, sqlTypeIfNull);
        } else if (value instanceof String s) {
            statement.setString(index, s);
        } else if (value instanceof Long l) {
            statement.setLong(index, l);
        } else if (value instanceof Integer i) {
            statement.setInt(index, i);
        } else if (value instanceof Short s) {
            statement.setShort(index, s);
        } else if (value instanceof Byte b) {
            statement.setByte(index, b);
        } else if (value instanceof Boolean b) {
            statement.setBoolean(index, b);
        } else if (value instanceof BigDecimal d) {
            statement.setBigDecimal(index, d);
        } else if (value instanceof BigInteger i) {
            statement.setBigDecimal(index, new BigDecimal(i));
        } else if (value instanceof JSON json) {
            statement.setString(index, json.data());
        } else if (value instanceof EnumType e) {
            statement.setString(index, e.getLiteral());
        } else if (value instanceof byte[] bytes) {
            statement.setBytes(index, bytes);
        } else {
            statement.setObject(index, value);
        }
    }

    /** The JDBC type to bind a null of {@code type} with. */
    public static int sqlType(Class<?> type) {
        if (type == String.class || type == JSON.class || EnumType.class.isAssignableFrom(type)) {
            return Types.VARCHAR;
        } else if (type == Long.class || type == Integer.class || type == Short.class || type == Byte.class) {
            return Types.BIGINT;
        } else if (type == Boolean.class) {
            return Types.BOOLEAN;
        } else if (type == BigDecimal.class || type == BigInteger.class) {
            return Types.DECIMAL;
        } else if (type == byte[].class) {
            return Types.VARBINARY;
        } else if (type == java.time.LocalDateTime.class) {
            return Types.TIMESTAMP;
        } else if (type == java.time.LocalDate.class) {
            return Types.DATE;
        }
        return Types.OTHER;
    }
}
