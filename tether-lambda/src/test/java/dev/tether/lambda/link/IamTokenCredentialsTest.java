package dev.tether.lambda.link;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tether.lambda.config.TetherConfig;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class IamTokenCredentialsTest {

    @Test
    void aTokenIsReusedForTenMinutesThenRenewedBeforeItsFifteenMinuteExpiry() {
        AtomicLong now = new AtomicLong(1_000_000);
        AtomicInteger generated = new AtomicInteger();
        IamTokenCredentials credentials =
                new IamTokenCredentials("app", () -> "token-" + generated.incrementAndGet(), now::get);

        String first = credentials.login().password();
        now.addAndGet(IamTokenCredentials.TOKEN_REUSE_MS - 1);
        String stillFirst = credentials.login().password();
        now.addAndGet(1);
        String second = credentials.login().password();

        assertThat(first).isEqualTo("token-1").isEqualTo(stillFirst);
        assertThat(second).isEqualTo("token-2");
        assertThat(credentials.login().user()).isEqualTo("app");
    }

    @Test
    void theSdkSignsAConnectTokenForTheHostPortAndUserOfTheUrl() {
        System.setProperty("aws.accessKeyId", "AKIAEXAMPLEEXAMPLE12");
        System.setProperty("aws.secretAccessKey", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY");
        try {
            TetherConfig config = TetherConfig.fromEnvironment(Map.of(
                    "TETHER_DB_URL",
                            "jdbc:mysql://orders.cluster-abc.eu-west-1.rds.amazonaws.com:3306/tether"
                                    + "?sslMode=VERIFY_IDENTITY",
                    "TETHER_DB_USER", "tether_app",
                    "TETHER_DB_IAM_AUTH", "true",
                    "AWS_REGION", "eu-west-1"));

            String token = AwsCredentialSources.iamToken(config).get();

            assertThat(token)
                    .startsWith("orders.cluster-abc.eu-west-1.rds.amazonaws.com:3306/?")
                    .contains("Action=connect")
                    .contains("DBUser=tether_app")
                    // 15 minutes, counted by the SDK from the signing instant: 900 s, or 899 when a second ticks over.
                    .containsPattern("X-Amz-Expires=(899|900)&")
                    .contains("X-Amz-Credential=AKIAEXAMPLEEXAMPLE12%2F")
                    .contains("%2Feu-west-1%2Frds-db%2Faws4_request");
        } finally {
            System.clearProperty("aws.accessKeyId");
            System.clearProperty("aws.secretAccessKey");
        }
    }
}
