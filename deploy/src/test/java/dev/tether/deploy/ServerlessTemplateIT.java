package dev.tether.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * {@code serverless.yml} through the real Serverless Framework CLI (osls, pinned in package.json), packaged offline
 * with no AWS credentials, and the generated CloudFormation checked against {@link TemplateRules}.
 */
class ServerlessTemplateIT {

    private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
    private static final JsonMapper JSON = JsonMapper.builder().build();

    @Test
    void theDefaultDeployKeepsEveryRule() throws Exception {
        JsonNode template = packageTemplate("default");

        assertThat(new TemplateRules(template).violations()).isEmpty();
        JsonNode resources = template.path("Resources");
        assertThat(resources
                        .path("OrdersQueue")
                        .path("Properties")
                        .path("RedrivePolicy")
                        .path("maxReceiveCount")
                        .asInt())
                .isEqualTo(5);
        assertThat(resources
                        .path("CustomersTable")
                        .path("Properties")
                        .path("StreamSpecification")
                        .path("StreamViewType")
                        .asText())
                .isEqualTo("NEW_AND_OLD_IMAGES");
        assertThat(resources
                        .path("OrdersLambdaFunction")
                        .path("Properties")
                        .path("SnapStart")
                        .path("ApplyOn")
                        .asText())
                .isEqualTo("PublishedVersions");
        assertThat(resources
                        .path("OrdersLambdaFunction")
                        .path("Properties")
                        .path("Handler")
                        .asText())
                .isEqualTo("dev.tether.processor.handler.OrderEventsHandler::handleRequest");
        assertThat(resources.path("IdempotencyTable").path("Condition").asText())
                .isEqualTo("UseDynamoDbIdempotency");
    }

    @Test
    void oneStreamFunctionReadsBothTablesWithRoutesForTheStagesTableNames() throws Exception {
        JsonNode template = packageTemplate("default");
        JsonNode resources = template.path("Resources");

        List<String> streamSources = new java.util.ArrayList<>();
        resources.fields().forEachRemaining(entry -> {
            JsonNode properties = entry.getValue().path("Properties");
            if (entry.getValue().path("Type").asText().equals("AWS::Lambda::EventSourceMapping")
                    && properties.path("FunctionName").toString().contains("CustomersLambdaFunction")) {
                streamSources.add(properties
                        .path("EventSourceArn")
                        .path("Fn::GetAtt")
                        .path(0)
                        .asText());
            }
        });
        assertThat(streamSources).containsExactlyInAnyOrder("CustomersTable", "CustomerAddressesTable");
        JsonNode keys =
                resources.path("CustomerAddressesTable").path("Properties").path("KeySchema");
        assertThat(keys.path(0).path("AttributeName").asText()).isEqualTo("customerId");
        assertThat(keys.path(1).path("AttributeName").asText()).isEqualTo("addressId");
        assertThat(keys.path(1).path("KeyType").asText()).isEqualTo("RANGE");
        assertThat(resources
                        .path("CustomersLambdaFunction")
                        .path("Properties")
                        .path("Environment")
                        .path("Variables")
                        .path("TETHER_STREAM_ROUTES")
                        .asText())
                .isEqualTo("Customers-ci=customers,CustomerAddresses-ci=customer_addresses");
        assertThat(violationsAfter(
                        template,
                        t -> ((ObjectNode) t.path("Resources")
                                        .path("CustomersLambdaFunction")
                                        .path("Properties"))
                                .put("ReservedConcurrentExecutions", 8)))
                .anyMatch(v -> v.contains("below the shards x parallelization of its streams (12)"));
    }

    @Test
    void theFifoVariantReadsTheFifoQueueAndKeepsEveryRule() throws Exception {
        JsonNode template = packageTemplate("fifo", "--param=fifo=true");

        assertThat(new TemplateRules(template).violations()).isEmpty();
        List<String> sources = new ArrayList<>();
        template.path("Resources").forEach(r -> {
            if (r.path("Type").asText().equals("AWS::Lambda::EventSourceMapping")) {
                sources.add(r.path("Properties")
                        .path("EventSourceArn")
                        .path("Fn::GetAtt")
                        .path(0)
                        .asText());
            }
        });
        assertThat(sources).contains("OrdersFifoQueue").doesNotContain("OrdersQueue");
    }

    @Test
    void theDynamoDbIdempotencyModeCreatesItsTableWithScopedAccess() throws Exception {
        JsonNode template = packageTemplate("ddb", "--param=idempotencyMode=powertools-dynamodb");

        assertThat(new TemplateRules(template).violations()).isEmpty();
        assertThat(template.path("Conditions")
                        .path("UseDynamoDbIdempotency")
                        .path("Fn::Equals")
                        .path(0)
                        .asText())
                .isEqualTo("powertools-dynamodb");
    }

    @Test
    void theManagedInstancesVariantRunsBothFunctionsOnACapacityProviderWithinTheConnectionBudget() throws Exception {
        JsonNode template = packageTemplate("managed", "--param=managedInstances=true");

        assertThat(new TemplateRules(template).violations()).isEmpty();
        JsonNode resources = template.path("Resources");
        assertThat(resources.path("CapacityProvider").path("Type").asText()).isEqualTo("AWS::Lambda::CapacityProvider");
        assertThat(resources
                        .path("CapacityProvider")
                        .path("Properties")
                        .path("CapacityProviderScalingConfig")
                        .path("MaxVCpuCount")
                        .asInt())
                .isEqualTo(16);
        for (String function : List.of("OrdersLambdaFunction", "CustomersLambdaFunction")) {
            JsonNode properties = resources.path(function).path("Properties");
            assertThat(properties.path("Runtime").asText()).isEqualTo("java21");
            assertThat(properties.path("MemorySize").asInt()).isEqualTo(2048);
            assertThat(properties.has("SnapStart"))
                    .as(function + " has no SnapStart")
                    .isFalse();
            assertThat(properties
                            .path("Environment")
                            .path("Variables")
                            .path("TETHER_DB_POOL_SIZE")
                            .asText())
                    .isEqualTo("4");
            assertThat(properties
                            .path("CapacityProviderConfig")
                            .path("Fn::If")
                            .path(1)
                            .path("LambdaManagedInstancesCapacityProviderConfig")
                            .path("CapacityProviderArn")
                            .path("Fn::GetAtt")
                            .path(0)
                            .asText())
                    .isEqualTo("CapacityProvider");
        }
        // 40 vCPUs of 1-vCPU environments with pools of 4: 160 + 8 reserved > 100.
        assertThat(violationsAfter(
                        template,
                        t -> ((ObjectNode) t.path("Resources")
                                        .path("CapacityProvider")
                                        .path("Properties")
                                        .path("CapacityProviderScalingConfig"))
                                .put("MaxVCpuCount", 40)))
                .anyMatch(v -> v.contains("connection budget exceeded")
                        && v.contains("Managed Instances environments x pool 160"));
        assertThat(violationsAfter(template, t -> ((ObjectNode) t.path("Resources")).remove("LogsEndpoint")))
                .anyMatch(v -> v.contains("no route from the VPC to logs"));
        assertThat(violationsAfter(
                        template,
                        t -> ((ObjectNode) t.path("Resources")
                                        .path("OrdersLambdaFunction")
                                        .path("Properties"))
                                .put("Runtime", "java17")))
                .anyMatch(v -> v.contains("runtime java17 on a capacity provider"));
    }

    @Test
    void everyServiceTheFunctionsCallFromTheVpcHasARoute() throws Exception {
        String secret = "--param=dbSecretArn=arn:aws:secretsmanager:eu-west-1:123456789012:secret:tether-db";
        JsonNode template = packageTemplate("endpoints", secret, "--param=idempotencyMode=powertools-dynamodb");

        assertThat(new TemplateRules(template).violations()).isEmpty();
        assertThat(violationsAfter(template, t -> ((ObjectNode) t.path("Resources")).remove("SecretsManagerEndpoint")))
                .anyMatch(v -> v.contains("no route from the VPC to secretsmanager"));
        assertThat(violationsAfter(template, t -> ((ObjectNode) t.path("Resources")).remove("DynamoDbEndpoint")))
                .anyMatch(v -> v.contains("no route from the VPC to dynamodb"));

        JsonNode existing = packageTemplate(
                "existing-egress",
                secret,
                "--param=idempotencyMode=powertools-dynamodb",
                "--param=vpcEndpoints=existing");
        assertThat(new TemplateRules(existing).violations()).isEmpty();
        assertThat(template.path("Conditions").path("CreateEndpoints").toString())
                .contains("create");
        assertThat(existing.path("Outputs").path("VpcEndpoints").path("Value").asText())
                .isEqualTo("existing");
    }

    @Test
    void theRulesCatchWhatAwsSamplesForget() throws Exception {
        JsonNode template = packageTemplate("default");

        assertThat(violationsAfter(
                        template,
                        t -> mapping(t, "OrdersEventSourceMappingSQSOrdersQueue")
                                .remove("FunctionResponseTypes")))
                .anyMatch(v -> v.contains("ReportBatchItemFailures"));
        assertThat(violationsAfter(template, t -> queue(t, "OrdersQueue").remove("RedrivePolicy")))
                .anyMatch(v -> v.contains("dead-letter queue"));
        assertThat(violationsAfter(template, t -> queue(t, "OrdersQueue").put("VisibilityTimeout", 60)))
                .anyMatch(v -> v.contains("six times the function timeout"));
        assertThat(violationsAfter(
                        template,
                        t -> ((ObjectNode) mapping(t, "OrdersEventSourceMappingSQSOrdersQueue")
                                        .path("ScalingConfig"))
                                .put("MaximumConcurrency", 500)))
                .anyMatch(v -> v.contains("connection budget exceeded"));
        assertThat(violationsAfter(
                        template,
                        t -> ((ArrayNode) t.path("Resources")
                                        .path("IamRoleLambdaExecution")
                                        .path("Properties")
                                        .path("Policies")
                                        .path(0)
                                        .path("PolicyDocument")
                                        .path("Statement"))
                                .addObject()
                                .put("Effect", "Allow")
                                .put("Action", "sqs:*")
                                .put("Resource", "*")))
                .anyMatch(v -> v.contains("grants Resource '*'"));
        assertThat(violationsAfter(
                        template,
                        t -> mapping(t, "CustomersEventSourceMappingDynamodbCustomersTable")
                                .remove("DestinationConfig")))
                .anyMatch(v -> v.contains("on-failure destination"));
    }

    private interface Mutation {
        void apply(ObjectNode template);
    }

    private static List<String> violationsAfter(JsonNode template, Mutation mutation) {
        ObjectNode copy = template.deepCopy();
        mutation.apply(copy);
        return new TemplateRules(copy).violations();
    }

    private static ObjectNode mapping(ObjectNode template, String name) {
        return (ObjectNode) template.path("Resources").path(name).path("Properties");
    }

    private static ObjectNode queue(ObjectNode template, String name) {
        return (ObjectNode) template.path("Resources").path(name).path("Properties");
    }

    /** Runs {@code osls package} offline, without AWS credentials, and reads the CloudFormation it writes. */
    private static JsonNode packageTemplate(String name, String... params) throws IOException, InterruptedException {
        Path osls = ROOT.resolve("node_modules/osls/bin/serverless.js");
        assumeTrue(
                Files.exists(osls),
                "osls is not installed: run 'npm ci' in the project root (the README's test" + " command does)");
        assumeTrue(Files.exists(ROOT.resolve("processor/target/processor.jar")), "build processor.jar first");
        Path out = ROOT.resolve("deploy/target/serverless-" + name);
        List<String> command = new ArrayList<>(
                List.of("node", osls.toString(), "package", "--stage", "ci", "--package", out.toString()));
        command.addAll(List.of(params));
        ProcessBuilder builder =
                new ProcessBuilder(command).directory(ROOT.toFile()).redirectErrorStream(true);
        builder.environment().keySet().removeIf(k -> k.startsWith("AWS_"));
        builder.environment().put("SLS_TELEMETRY_DISABLED", "1");
        Path log = Files.createTempFile("osls", ".log");
        Process process = builder.redirectOutput(log.toFile()).start();
        boolean exited = process.waitFor(120, TimeUnit.SECONDS);
        if (!exited) {
            process.destroyForcibly();
        }
        String output = Files.readString(log, StandardCharsets.UTF_8);
        assertThat(exited && process.exitValue() == 0)
                .as("osls package failed:\n" + output)
                .isTrue();
        return JSON.readTree(
                out.resolve("cloudformation-template-update-stack.json").toFile());
    }
}
