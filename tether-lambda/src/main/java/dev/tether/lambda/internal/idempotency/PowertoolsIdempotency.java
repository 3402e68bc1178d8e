package dev.tether.lambda.internal.idempotency;

import dev.tether.lambda.config.IdempotencySettings;
import dev.tether.lambda.link.DatabaseLink;
import java.net.URI;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbClientBuilder;
import software.amazon.lambda.powertools.idempotency.Idempotency;
import software.amazon.lambda.powertools.idempotency.IdempotencyConfig;
import software.amazon.lambda.powertools.idempotency.persistence.BasePersistenceStore;
import software.amazon.lambda.powertools.idempotency.persistence.DynamoDBPersistenceStore;

/**
 * Configures Powertools' idempotency (v1) for the powertools-mysql and powertools-dynamodb modes. Powertools keeps
 * its configuration in a static singleton: one per JVM, which in Lambda is one per container.
 */
public final class PowertoolsIdempotency {

    private PowertoolsIdempotency() {}

    /** Points Powertools at the store that {@code settings} name, with Tether's key, payload and expiry rules. */
    public static void configure(IdempotencySettings settings, DatabaseLink link) {
        BasePersistenceStore store = switch (settings.mode()) {
            case POWERTOOLS_MYSQL -> new MySqlPersistenceStore(link);
            case POWERTOOLS_DYNAMODB ->
                DynamoDBPersistenceStore.builder()
                        .withTableName(settings.dynamoDbTable())
                        .withDynamoDbClient(dynamoDb(settings.dynamoDbEndpoint()))
                        .build();
            default -> throw new IllegalArgumentException("not a Powertools mode: " + settings.mode());
        };
        Idempotency.config()
                .withPersistenceStore(store)
                .withConfig(IdempotencyConfig.builder()
                        // Each route's own expressions are evaluated by Tether (IdempotencyKeys#powertoolsInput):
                        // Powertools reads their results from the applier's argument.
                        .withEventKeyJMESPath("key")
                        .withPayloadValidationJMESPath("payload")
                        .withThrowOnNoIdempotencyKey(true)
                        .withExpiration(settings.expiry())
                        .build())
                .configure();
    }

    /**
     * A DynamoDB client on the small URL-connection HTTP client. With an endpoint override (a local server such as
     * dynalite) the region and credentials are placeholders the local server ignores; otherwise the SDK's default
     * chains apply (the Lambda environment provides both).
     */
    private static DynamoDbClient dynamoDb(String endpoint) {
        DynamoDbClientBuilder builder = DynamoDbClient.builder().httpClient(UrlConnectionHttpClient.create());
        if (endpoint != null) {
            builder.endpointOverride(URI.create(endpoint))
                    .region(Region.US_EAST_1)
                    .credentialsProvider(
                            StaticCredentialsProvider.create(AwsBasicCredentials.create("local", "local")));
        }
        return builder.build();
    }
}
