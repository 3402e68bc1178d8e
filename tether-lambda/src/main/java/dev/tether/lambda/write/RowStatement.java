package dev.tether.lambda.write;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;
import org.jooq.Converter;
import org.jooq.DSLContext;
import org.jooq.Field;
import org.jooq.Record;
import org.jooq.SQLDialect;
import org.jooq.Table;
import org.jooq.impl.DSL;

/**
 * A multi-row {@code INSERT} (or upsert) declared once from jOOQ table and field objects, then stretched to any
 * batch: one statement for the whole batch (more only past the transaction's statement budget), every value a bind
 * value, the SQL text rendered by jOOQ once per container ({@link RepeatedRows}). The cost of a writer built on it
 * is the plain-JDBC cost of the same statement.
 *
 * <pre>{@code
 * static final RowStatement<Deposited> DEPOSIT = RowStatement.insertInto(ACCOUNTS, Deposited.class)
 *         .value(ACCOUNTS.ACCOUNT_ID, Deposited::accountId)
 *         .value(ACCOUNTS.BALANCE, Deposited::amount)
 *         .onDuplicateKeyUpdate(ACCOUNTS.BALANCE, ACCOUNTS.BALANCE.plus(excluded(ACCOUNTS.BALANCE)));
 * }</pre>
 *
 * <p>Rows are sent in the order of the list; of several rows for one key, MySQL applies them one after the other
 * (so an additive update adds them all). Immutable and safe to share: declare it in a {@code static final} field.
 *
 * @param <E> the events a row is made from
 */
public final class RowStatement<E> {

    private final Table<?> table;
    private final List<Field<?>> columns;
    private final List<Function<? super E, ?>> values;
    private final Map<Field<?>, Field<?>> updates;
    private final RepeatedRows rows;
    private final int[] nullTypes;

    /** Renders fragments for the checks at declaration; never executes. */
    private static final DSLContext CHECKER = DSL.using(SQLDialect.MYSQL);

    private RowStatement(
            Table<?> table,
            List<Field<?>> columns,
            List<Function<? super E, ?>> values,
            Map<Field<?>, Field<?>> updates) {
        this.table = table;
        this.columns = List.copyOf(columns);
        this.values = List.copyOf(values);
        this.updates = Map.copyOf(updates);
        this.nullTypes = this.columns.stream()
                .mapToInt(f -> RepeatedRows.sqlType(f.getConverter().fromType()))
                .toArray();
        this.rows = this.columns.isEmpty() ? null : new RepeatedRows(this::render, this.columns.size());
    }

    /** An insert into {@code table} of rows made from events of {@code eventType}; add columns with {@link #value}. */
    public static <E> RowStatement<E> insertInto(Table<?> table, Class<E> eventType) {
        Objects.requireNonNull(eventType, "eventType");
        return new RowStatement<>(Objects.requireNonNull(table, "table"), List.of(), List.of(), Map.of());
    }

    /** This statement with {@code column} set, in each row, to {@code value} of the row's event. */
    public <T> RowStatement<E> value(Field<T> column, Function<? super E, ? extends T> value) {
        Objects.requireNonNull(column, "column");
        Objects.requireNonNull(value, "value");
        if (table.field(column) == null) {
            throw new IllegalArgumentException("column " + column.getName() + " is not a column of " + table.getName());
        }
        List<Field<?>> nextColumns = new ArrayList<>(columns);
        nextColumns.add(column);
        List<Function<? super E, ?>> nextValues = new ArrayList<>(values);
        nextValues.add(value);
        return new RowStatement<>(table, nextColumns, nextValues, updates);
    }

    /**
     * This statement as an upsert: where a row's key exists, {@code column} is set to {@code value} (for example
     * {@code BALANCE.plus(excluded(BALANCE))}, the stored value plus the row's). MySQL assigns left to right:
     * an assignment sees the columns assigned before it.
     */
    public <T> RowStatement<E> onDuplicateKeyUpdate(Field<T> column, Field<T> value) {
        Objects.requireNonNull(column, "column");
        Objects.requireNonNull(value, "value");
        if (!CHECKER.extractBindValues(value).isEmpty()) {
            throw new IllegalArgumentException("the update of column " + column.getName() + " in " + table.getName()
                    + " holds a bind value (" + CHECKER.render(value) + "), but a RowStatement repeats its rows"
                    + " and its update clause must be the same for every batch: write a constant with"
                    + " DSL.inline(…) (for example .onDuplicateKeyUpdate("
                    + column.getName().toUpperCase()
                    + ", DSL.inline(…))), or take the row's own value with DSL.excluded("
                    + column.getName().toUpperCase()
                    + ")");
        }
        Map<Field<?>, Field<?>> next = new LinkedHashMap<>(updates);
        next.put(column, value);
        RowStatement<E> statement = new RowStatement<>(table, columns, values, next);
        statement.checkRepeats();
        return statement;
    }

    /** Renders the statement once for each dialect it may run in: one that does not repeat by rows fails here. */
    private void checkRepeats() {
        if (rows == null) {
            return;
        }
        for (SQLDialect dialect : List.of(SQLDialect.MYSQL, SQLDialect.MARIADB)) {
            try {
                rows.sql(dialect, 2);
            } catch (IllegalStateException e) {
                throw new IllegalArgumentException("RowStatement into " + table.getName() + " cannot be stretched to"
                        + " a batch in " + dialect + ": " + e.getMessage());
            }
        }
    }

    /**
     * Writes one row per event through {@code tx} (the caller's transaction); returns the update count. Nothing is
     * sent for no events.
     */
    public int execute(DSLContext tx, List<? extends E> events) {
        if (rows == null) {
            throw new IllegalStateException("RowStatement into " + table.getName() + " has no columns: add .value(…)");
        }
        if (events.isEmpty()) {
            return 0;
        }
        return rows.execute(tx, events, this::bind, this::bytes);
    }

    /** Same as {@link #execute}, with the signature of a route's writer: {@code .writer(STATEMENT::write)}. */
    public void write(DSLContext tx, List<? extends E> events) {
        execute(tx, events);
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private org.jooq.Query render(int n) {
        var insert = RepeatedRows.insertRows((Table<Record>) table, columns, n);
        if (updates.isEmpty()) {
            return insert;
        }
        return insert.onDuplicateKeyUpdate().set((Map) updates);
    }

    private void bind(java.sql.PreparedStatement statement, int offset, E event) throws java.sql.SQLException {
        for (int i = 0; i < columns.size(); i++) {
            RepeatedRows.bind(statement, offset + i, databaseValue(i, event), nullTypes[i]);
        }
    }

    private int bytes(E event) {
        int bytes = 0;
        for (int i = 0; i < columns.size(); i++) {
            bytes += StatementBytes.of(databaseValue(i, event));
        }
        return bytes;
    }

    /** The value of column {@code i} for {@code event}, through the column's converter if it has one. */
    @SuppressWarnings({"unchecked", "rawtypes"})
    private Object databaseValue(int i, E event) {
        Object value = values.get(i).apply(event);
        Converter converter = columns.get(i).getConverter();
        return value == null || converter.fromType() == converter.toType() ? value : converter.to(value);
    }
}
