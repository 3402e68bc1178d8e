package dev.tether.lambda.link;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.SQLException;
import java.sql.SQLIntegrityConstraintViolationException;
import java.sql.SQLTransientConnectionException;
import org.jooq.exception.DataAccessException;
import org.junit.jupiter.api.Test;

class SqlFailuresTest {

    @Test
    void connectionStatesAndCodesAreConnectionFailuresWhereverTheyAreWrapped() {
        assertThat(SqlFailures.isConnectionFailure(new DataAccessException("x", new SQLException("gone", "08S01", 0))))
                .isTrue();
        assertThat(SqlFailures.isConnectionFailure(new SQLException("MySQL server has gone away", "HY000", 2006)))
                .isTrue();
        assertThat(SqlFailures.isConnectionFailure(new SQLException("Too many connections", "HY000", 1040)))
                .isTrue();
        assertThat(SqlFailures.isConnectionFailure(new SQLTransientConnectionException("pool timeout")))
                .isTrue();
    }

    @Test
    void dataErrorsAreNot() {
        assertThat(SqlFailures.isConnectionFailure(new DataAccessException(
                        "x", new SQLIntegrityConstraintViolationException("Duplicate entry", "23000", 1062))))
                .isFalse();
        assertThat(SqlFailures.isConnectionFailure(new SQLException("BIGINT value is out of range", "22003", 1690)))
                .isFalse();
        assertThat(SqlFailures.isConnectionFailure(new IllegalStateException("no")))
                .isFalse();
    }

    @Test
    void describesTheInnermostSqlErrorWithoutTheStatement() {
        DataAccessException failure = new DataAccessException(
                "SQL [insert into orders values (?, ?)]; Duplicate entry",
                new SQLIntegrityConstraintViolationException("Duplicate entry 'a' for key 'PRIMARY'", "23000", 1062));

        assertThat(SqlFailures.describe(failure))
                .isEqualTo("SQLState 23000, error 1062: Duplicate entry 'a' for key 'PRIMARY'");
    }
}
