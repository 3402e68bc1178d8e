package dev.tether.lambda.link;

import dev.tether.lambda.config.ConfigException;
import dev.tether.lambda.config.CredentialSettings;
import dev.tether.lambda.config.TetherConfig;
import java.net.URI;
import java.util.function.Supplier;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.rds.RdsUtilities;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;

/** Where secrets and IAM tokens come from in AWS: Secrets Manager, and the SDK's RDS token signer. */
final class AwsCredentialSources {

    private AwsCredentialSources() {}

    /** Reads the secret's current value from Secrets Manager on each call (the caller caches). */
    static Supplier<String> secret(CredentialSettings settings) {
        var builder = SecretsManagerClient.builder().httpClient(UrlConnectionHttpClient.create());
        if (settings.region() != null) {
            builder.region(Region.of(settings.region()));
        }
        SecretsManagerClient client = builder.build();
        return () ->
                client.getSecretValue(b -> b.secretId(settings.secretArn())).secretString();
    }

    /** Signs a fresh RDS IAM authentication token on each call, with the function's own credentials. */
    static Supplier<String> iamToken(TetherConfig config) {
        URI address =
                URI.create(config.dbUrl().substring("jdbc:".length()).replaceFirst("^mysql:[a-z:]*//", "mysql://"));
        if (address.getHost() == null) {
            throw new ConfigException("TETHER_DB_URL must name a host for IAM authentication");
        }
        if (config.dbUser() == null) {
            throw new ConfigException("TETHER_DB_USER is required with TETHER_DB_IAM_AUTH=true");
        }
        int port = address.getPort() < 0 ? 3306 : address.getPort();
        // The function's own role signs the token: the SDK's default chain (environment variables in Lambda).
        RdsUtilities rds = RdsUtilities.builder()
                .region(Region.of(config.credentials().region()))
                .credentialsProvider(DefaultCredentialsProvider.builder().build())
                .build();
        return () -> rds.generateAuthenticationToken(
                b -> b.hostname(address.getHost()).port(port).username(config.dbUser()));
    }
}
