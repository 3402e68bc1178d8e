package dev.tether.local;

import java.net.URI;
import java.util.Map;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.SqsClientBuilder;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/** SQS clients and queues for the local pipeline: the embedded server, or real AWS. */
public final class Sqs {

    static final String LOCAL_REGION = "eu-west-1";

    private Sqs() {}

    /**
     * A client for {@code endpoint}; null means AWS itself, with the SDK's default region and credentials. A local
     * endpoint gets placeholder credentials, which ElasticMQ does not check.
     */
    public static SqsClient client(URI endpoint) {
        SqsClientBuilder builder = SqsClient.builder().httpClient(UrlConnectionHttpClient.create());
        if (endpoint != null) {
            builder.endpointOverride(endpoint)
                    .region(Region.of(LOCAL_REGION))
                    .credentialsProvider(
                            StaticCredentialsProvider.create(AwsBasicCredentials.create("local", "local")));
        }
        return builder.build();
    }

    /** The queues of a pipeline: the source, and its dead-letter queue. */
    public record Queues(String url, String arn, String deadLetterUrl) {}

    /**
     * Creates (or finds) queue {@code name} and its dead-letter queue {@code name-dlq}, with a redrive policy that
     * moves a message there after {@code maxReceiveCount} receives.
     */
    public static Queues create(
            SqsClient sqs, String name, boolean fifo, int visibilityTimeoutSeconds, int maxReceiveCount) {
        String suffix = fifo ? ".fifo" : "";
        Map<QueueAttributeName, String> fifoAttributes =
                fifo ? Map.of(QueueAttributeName.FIFO_QUEUE, "true") : Map.of();
        String dlqUrl = sqs.createQueue(b -> b.queueName(name + "-dlq" + suffix).attributes(fifoAttributes))
                .queueUrl();
        String dlqArn = arn(sqs, dlqUrl);
        Map<QueueAttributeName, String> attributes = new java.util.HashMap<>(fifoAttributes);
        attributes.put(QueueAttributeName.VISIBILITY_TIMEOUT, String.valueOf(visibilityTimeoutSeconds));
        attributes.put(
                QueueAttributeName.REDRIVE_POLICY,
                "{\"deadLetterTargetArn\":\"" + dlqArn + "\",\"maxReceiveCount\":\"" + maxReceiveCount + "\"}");
        String url = sqs.createQueue(b -> b.queueName(name + suffix).attributes(attributes))
                .queueUrl();
        return new Queues(url, arn(sqs, url), dlqUrl);
    }

    /** The queue's ARN. */
    public static String arn(SqsClient sqs, String url) {
        return sqs.getQueueAttributes(b -> b.queueUrl(url).attributeNames(QueueAttributeName.QUEUE_ARN))
                .attributes()
                .get(QueueAttributeName.QUEUE_ARN);
    }

    /** Messages in a queue that are visible (not in flight). */
    public static long visible(SqsClient sqs, String url) {
        return Long.parseLong(sqs.getQueueAttributes(
                        b -> b.queueUrl(url).attributeNames(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES))
                .attributes()
                .get(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES));
    }

    /** Messages in a queue, visible and in flight. */
    public static long depth(SqsClient sqs, String url) {
        Map<QueueAttributeName, String> attributes = sqs.getQueueAttributes(b -> b.queueUrl(url)
                        .attributeNames(
                                QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES,
                                QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE))
                .attributes();
        return Long.parseLong(attributes.get(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES))
                + Long.parseLong(attributes.get(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE));
    }
}
