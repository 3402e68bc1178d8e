package dev.tether.lambda.internal.stream;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tether.lambda.StreamRoute;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class NamesTest {

    @ParameterizedTest
    @CsvSource({
        "UserProfiles, user_profiles",
        "Users, users",
        "SKUCodes, sku_codes",
        "userEvents2024, user_events2024",
        "Orders-Archive, orders_archive",
        "already_snake, already_snake",
    })
    void aDynamoDbTableNameMapsToSnakeCase(String dynamo, String mysql) {
        assertThat(StreamRoute.snakeCase(dynamo)).isEqualTo(mysql);
    }

    @ParameterizedTest
    @CsvSource({
        "arn:aws:dynamodb:eu-west-1:123456789012:table/UserProfiles/stream/2026-11-01T00:00:00.000, UserProfiles",
        "arn:aws-cn:dynamodb:cn-north-1:123456789012:table/T.x-1/stream/label, T.x-1",
        "arn:aws:dynamodb:eu-west-1:123456789012:table/NoStream, NoStream",
        "arn:aws:sqs:eu-west-1:123456789012:queue, ",
        "not an arn, ",
    })
    void theTableNameIsReadFromTheEventSourceArn(String arn, String table) {
        assertThat(StreamBatchProcessor.tableOf(arn)).isEqualTo(table);
    }
}
