package dev.tether.lambda.link;

import dev.tether.lambda.config.CredentialSettings;
import dev.tether.lambda.config.TetherConfig;

/** The login source a configuration asks for: the password, a secret, or IAM tokens. */
final class Logins {
    private Logins() {}

    static LoginSource forConfig(TetherConfig config) {
        CredentialSettings settings = config.credentials();
        if (settings.secretArn() != null) {
            return new SecretCredentials(AwsCredentialSources.secret(settings));
        }
        if (settings.iamAuth()) {
            return new IamTokenCredentials(
                    config.dbUser(), AwsCredentialSources.iamToken(config), System::currentTimeMillis);
        }
        return LoginSource.fixed(config.dbUser(), config.dbPassword());
    }
}
