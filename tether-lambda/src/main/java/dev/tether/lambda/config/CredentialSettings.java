package dev.tether.lambda.config;

import java.util.Locale;
import java.util.Map;

/**
 * Where the database password comes from: the environment ({@code TETHER_DB_PASSWORD}), an AWS Secrets Manager
 * secret ({@code TETHER_DB_SECRET_ARN}), or RDS IAM authentication tokens ({@code TETHER_DB_IAM_AUTH=true}).
 *
 * @param secretArn the secret holding {@code {"username": ..., "password": ...}} (the RDS secret format), or null
 * @param iamAuth whether to log in with RDS IAM authentication tokens
 * @param region the AWS region, for IAM tokens and Secrets Manager ({@code AWS_REGION}, set by Lambda)
 */
public record CredentialSettings(String secretArn, boolean iamAuth, String region) {

    public static final String SECRET_ARN = "TETHER_DB_SECRET_ARN";
    public static final String IAM_AUTH = "TETHER_DB_IAM_AUTH";

    /** The password from the environment. */
    public static CredentialSettings fromPassword() {
        return new CredentialSettings(null, false, null);
    }

    static CredentialSettings fromEnvironment(Map<String, String> env) {
        String secret = env.getOrDefault(SECRET_ARN, "").trim();
        String iam = env.getOrDefault(IAM_AUTH, "false").trim().toLowerCase(Locale.ROOT);
        if (!iam.equals("true") && !iam.equals("false")) {
            throw new ConfigException(IAM_AUTH + " must be true or false; got '" + iam + "'");
        }
        if (!secret.isEmpty() && iam.equals("true")) {
            throw new ConfigException(
                    SECRET_ARN + " and " + IAM_AUTH + "=true exclude each other: choose one way to" + " log in");
        }
        if (!secret.isEmpty() && !secret.startsWith("arn:")) {
            throw new ConfigException(SECRET_ARN + " must be a secret ARN (arn:aws:secretsmanager:...)");
        }
        String region = env.getOrDefault("AWS_REGION", "").trim();
        if (iam.equals("true") && region.isEmpty()) {
            throw new ConfigException(IAM_AUTH + "=true needs AWS_REGION (Lambda sets it) to sign tokens");
        }
        return new CredentialSettings(
                secret.isEmpty() ? null : secret, iam.equals("true"), region.isEmpty() ? null : region);
    }
}
