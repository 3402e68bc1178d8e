package dev.tether.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * The rules a deployable Tether template must keep, checked on the CloudFormation that the Serverless Framework
 * generates. Each rule is a setting AWS samples often get wrong.
 */
final class TemplateRules {

    private final JsonNode resources;
    private final JsonNode outputs;
    private final JsonNode conditions;

    TemplateRules(JsonNode template) {
        this.resources = template.path("Resources");
        this.outputs = template.path("Outputs");
        this.conditions = template.path("Conditions");
    }

    /** Every broken rule, in words; empty when the template may ship. */
    List<String> violations() {
        List<String> violations = new ArrayList<>();
        long sqsConcurrency = 0;
        long streamConcurrency = 0;
        Map<String, Long> streamFunctions = new java.util.LinkedHashMap<>();
        Map<String, Long> streamDemand = new java.util.HashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = resources.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> entry = it.next();
            JsonNode resource = entry.getValue();
            if (!exists(resource)) {
                continue;
            }
            String type = resource.path("Type").asText();
            JsonNode properties = resource.path("Properties");
            if (type.equals("AWS::Lambda::EventSourceMapping")) {
                String name = entry.getKey();
                if (!contains(properties.path("FunctionResponseTypes"), "ReportBatchItemFailures")) {
                    violations.add(name + ": FunctionResponseTypes lacks ReportBatchItemFailures (Lambda would retry"
                            + " whole batches and ignore reported failures)");
                }
                String source = properties
                        .path("EventSourceArn")
                        .path("Fn::GetAtt")
                        .path(0)
                        .asText();
                JsonNode function = functionOf(properties.path("FunctionName"));
                JsonNode sourceResource = resources.path(source);
                if (sourceResource.path("Type").asText().equals("AWS::SQS::Queue")) {
                    violations.addAll(queueViolations(name, source, sourceResource, function, properties));
                    JsonNode max = properties.path("ScalingConfig").path("MaximumConcurrency");
                    if (max.isMissingNode()) {
                        violations.add(name + ": no ScalingConfig.MaximumConcurrency: the queue could open a"
                                + " connection per concurrent execution of the account");
                    } else if (!managed(function)) {
                        sqsConcurrency += max.asLong();
                    }
                } else if (sourceResource.path("Type").asText().equals("AWS::DynamoDB::Table")) {
                    violations.addAll(streamViolations(name, properties));
                    JsonNode reserved = resolve(function.path("Properties").path("ReservedConcurrentExecutions"));
                    if (managed(function)) {
                        // Under Managed Instances the capacity provider's vCPU ceiling caps the environments.
                        continue;
                    }
                    if (reserved.isMissingNode()) {
                        violations.add(
                                name + ": the stream function has no reserved concurrency to cap its connections");
                    } else {
                        // One function may read several streams: its reserved concurrency caps them all, once.
                        String functionName = functionNameOf(properties.path("FunctionName"));
                        streamFunctions.putIfAbsent(functionName, reserved.asLong());
                        JsonNode shardsOutput = outputs.path(source + "StreamShards");
                        long shards = (shardsOutput.isMissingNode() ? outputs.path("StreamShards") : shardsOutput)
                                .path("Value")
                                .asLong();
                        long perShard = properties.path("ParallelizationFactor").asLong(1);
                        streamDemand.merge(functionName, shards * perShard, Long::sum);
                    }
                }
            }
            if (type.equals("AWS::IAM::Role")) {
                for (JsonNode policy : properties.path("Policies")) {
                    violations.addAll(iamViolations(entry.getKey(), policy.path("PolicyDocument")));
                }
            }
            if (type.equals("AWS::IAM::Policy")) {
                violations.addAll(iamViolations(entry.getKey(), properties.path("PolicyDocument")));
            }
        }
        for (Map.Entry<String, Long> function : streamFunctions.entrySet()) {
            long demand = streamDemand.getOrDefault(function.getKey(), 0L);
            streamConcurrency += function.getValue();
            if (function.getValue() < demand) {
                violations.add(function.getKey() + ": reserved concurrency " + function.getValue() + " is below the"
                        + " shards x parallelization of its streams (" + demand + "): shards would stall");
            }
        }
        long limit = outputs.path("DbConnectionLimit").path("Value").asLong(-1);
        long reserved = outputs.path("DbReservedConnections").path("Value").asLong(0);
        long managedConnections = managedConnections(violations);
        if (limit < 0) {
            violations.add("Outputs.DbConnectionLimit is missing: the connection budget cannot be checked");
        } else if (sqsConcurrency + streamConcurrency + managedConnections + reserved > limit) {
            violations.add("connection budget exceeded: SQS maximum concurrency " + sqsConcurrency + " + stream "
                    + streamConcurrency + " + Managed Instances environments x pool " + managedConnections
                    + " + reserved " + reserved + " > database connection limit " + limit);
        }
        violations.addAll(vpcRouteViolations());
        return violations;
    }

    /** Whether {@code function} runs on a capacity provider (Lambda Managed Instances) in this template. */
    private boolean managed(JsonNode function) {
        return !resolve(function.path("Properties").path("CapacityProviderConfig"))
                .isMissingNode();
    }

    /**
     * The most connections the functions on capacity providers can hold: the environments each provider's vCPU
     * ceiling allows (its smallest environment counted) times the largest pool of its functions; and the rules of
     * such functions (a runtime Managed Instances offer, no SnapStart, a pool no larger than the concurrency).
     */
    private long managedConnections(List<String> violations) {
        Map<String, Double> smallestVCpus = new java.util.HashMap<>();
        Map<String, Long> largestPool = new java.util.HashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = resources.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> entry = it.next();
            JsonNode function = entry.getValue();
            if (!exists(function)
                    || !function.path("Type").asText().equals("AWS::Lambda::Function")
                    || !managed(function)) {
                continue;
            }
            JsonNode properties = function.path("Properties");
            JsonNode config = resolve(properties.path("CapacityProviderConfig"))
                    .path("LambdaManagedInstancesCapacityProviderConfig");
            String provider = config.path("CapacityProviderArn")
                    .path("Fn::GetAtt")
                    .path(0)
                    .asText();
            String runtime = properties.path("Runtime").asText();
            if (!runtime.equals("java21") && !runtime.equals("java25")) {
                violations.add(entry.getKey() + ": runtime " + runtime + " on a capacity provider (Managed Instances"
                        + " run java21 and java25)");
            }
            if (!resolve(properties.path("SnapStart")).isMissingNode()) {
                violations.add(entry.getKey() + ": SnapStart on a capacity provider, which does not offer it");
            }
            double gibPerVCpu =
                    config.path("ExecutionEnvironmentMemoryGiBPerVCpu").asDouble(2);
            double vcpus = properties.path("MemorySize").asDouble(128) / 1024.0 / gibPerVCpu;
            if (vcpus < 1) {
                violations.add(
                        entry.getKey() + ": " + properties.path("MemorySize").asText() + " MB is below the"
                                + " 2 GB and 1 vCPU a Managed Instances environment needs");
                vcpus = 1;
            }
            smallestVCpus.merge(provider, vcpus, Math::min);
            long concurrency =
                    config.path("PerExecutionEnvironmentMaxConcurrency").asLong(1);
            long pool = Math.min(
                    concurrency,
                    properties
                            .path("Environment")
                            .path("Variables")
                            .path("TETHER_DB_POOL_SIZE")
                            .asLong(4));
            largestPool.merge(provider, pool, Math::max);
        }
        long connections = 0;
        for (Map.Entry<String, Double> provider : smallestVCpus.entrySet()) {
            JsonNode ceiling = resources
                    .path(provider.getKey())
                    .path("Properties")
                    .path("CapacityProviderScalingConfig")
                    .path("MaxVCpuCount");
            if (ceiling.isMissingNode()) {
                violations.add(provider.getKey() + ": no MaxVCpuCount: its environments, and so its connections,"
                        + " are not capped");
                continue;
            }
            long environments = (long) Math.floor(ceiling.asDouble() / provider.getValue());
            connections += environments * largestPool.get(provider.getKey());
        }
        return connections;
    }

    /**
     * Every AWS service the functions call from inside the VPC has a route: an endpoint in the template, or a VPC that
     * already routes to AWS (Outputs.VpcEndpoints = existing).
     */
    private List<String> vpcRouteViolations() {
        List<String> violations = new ArrayList<>();
        if (outputs.path("VpcEndpoints").path("Value").asText().equals("existing")) {
            return violations;
        }
        Map<String, String> needed = new java.util.LinkedHashMap<>();
        if (holds("UseSecret")) {
            needed.put("secretsmanager", "the database secret (dbSecretArn)");
        }
        if (holds("UseDynamoDbIdempotency")) {
            needed.put("dynamodb", "the DynamoDB idempotency table");
        }
        if (holds("UseManagedInstances")) {
            needed.put("logs", "the Managed Instances' logs");
        }
        for (Map.Entry<String, String> service : needed.entrySet()) {
            boolean routed = false;
            for (JsonNode resource : resources) {
                if (exists(resource)
                        && resource.path("Type").asText().equals("AWS::EC2::VPCEndpoint")
                        && resource.path("Properties")
                                .path("ServiceName")
                                .toString()
                                .contains("." + service.getKey() + "\"")) {
                    routed = true;
                }
            }
            if (!routed) {
                violations.add("no route from the VPC to " + service.getKey() + " for " + service.getValue()
                        + ": add its VPC endpoint, or deploy with vpcEndpoints=existing where a NAT gateway or"
                        + " endpoints of your own route there");
            }
        }
        return violations;
    }

    private boolean holds(String condition) {
        JsonNode definition = conditions.path(condition);
        return !definition.isMissingNode() && evaluate(definition);
    }

    /** {@code value} with its {@code Fn::If} decided; missing where it is {@code AWS::NoValue}. */
    private JsonNode resolve(JsonNode value) {
        if (value.has("Fn::If")) {
            JsonNode chosen = holds(value.path("Fn::If").path(0).asText())
                    ? value.path("Fn::If").path(1)
                    : value.path("Fn::If").path(2);
            return resolve(chosen);
        }
        if (value.path("Ref").asText().equals("AWS::NoValue")) {
            return com.fasterxml.jackson.databind.node.MissingNode.getInstance();
        }
        return value;
    }

    private List<String> queueViolations(
            String mapping, String queueName, JsonNode queue, JsonNode function, JsonNode mappingProperties) {
        List<String> violations = new ArrayList<>();
        JsonNode redrive = queue.path("Properties").path("RedrivePolicy");
        String dlq =
                redrive.path("deadLetterTargetArn").path("Fn::GetAtt").path(0).asText();
        if (redrive.isMissingNode()
                || !resources.path(dlq).path("Type").asText().equals("AWS::SQS::Queue")) {
            violations.add(queueName + ": no dead-letter queue in its RedrivePolicy: poison messages would cycle"
                    + " until they expire");
        } else if (redrive.path("maxReceiveCount").asInt(0) < 1) {
            violations.add(queueName + ": RedrivePolicy without maxReceiveCount");
        }
        long timeout = function.path("Properties").path("Timeout").asLong(3);
        long window = mappingProperties.path("MaximumBatchingWindowInSeconds").asLong(0);
        long visibility = queue.path("Properties").path("VisibilityTimeout").asLong(30);
        if (visibility < 6 * timeout + window) {
            violations.add(queueName + ": VisibilityTimeout " + visibility + " s is below six times the function"
                    + " timeout plus the batching window (" + (6 * timeout + window) + " s)");
        }
        return violations;
    }

    private static List<String> streamViolations(String mapping, JsonNode properties) {
        List<String> violations = new ArrayList<>();
        if (!properties.path("BisectBatchOnFunctionError").asBoolean(false)) {
            violations.add(mapping + ": BisectBatchOnFunctionError is off");
        }
        if (properties.path("MaximumRetryAttempts").isMissingNode()) {
            violations.add(mapping + ": MaximumRetryAttempts unset (-1: a poison record blocks its shard for days)");
        }
        if (properties.path("MaximumRecordAgeInSeconds").isMissingNode()) {
            violations.add(mapping + ": MaximumRecordAgeInSeconds unset");
        }
        if (properties
                .path("DestinationConfig")
                .path("OnFailure")
                .path("Destination")
                .isMissingNode()) {
            violations.add(mapping + ": no on-failure destination: discarded batches would leave no trace");
        }
        if (properties.path("StartingPosition").isMissingNode()) {
            violations.add(mapping + ": no StartingPosition");
        }
        return violations;
    }

    private static List<String> iamViolations(String owner, JsonNode document) {
        List<String> violations = new ArrayList<>();
        for (JsonNode statement : document.path("Statement")) {
            JsonNode resource = statement.path("Resource");
            List<JsonNode> values = new ArrayList<>();
            if (resource.isArray()) {
                resource.forEach(values::add);
            } else {
                values.add(resource);
            }
            for (JsonNode value : values) {
                if (value.isTextual()
                        && (value.asText().equals("*") || value.asText().isBlank())) {
                    violations.add(owner + ": statement " + statement.path("Action") + " grants Resource '"
                            + value.asText() + "'");
                }
            }
        }
        return violations;
    }

    private JsonNode functionOf(JsonNode functionName) {
        return resources.path(functionNameOf(functionName));
    }

    /** The logical id of the function an event source mapping names. */
    private static String functionNameOf(JsonNode functionName) {
        JsonNode reference = functionName.has("Fn::Join")
                ? functionName.path("Fn::Join").path(1).path(0)
                : functionName;
        return reference.path("Fn::GetAtt").path(0).asText(reference.path("Ref").asText());
    }

    /** A resource exists unless it names a condition that evaluates to false. */
    private boolean exists(JsonNode resource) {
        JsonNode condition = resource.path("Condition");
        return condition.isMissingNode() || evaluate(conditions.path(condition.asText()));
    }

    private boolean evaluate(JsonNode condition) {
        if (condition.has("Fn::Equals")) {
            return condition
                    .path("Fn::Equals")
                    .path(0)
                    .asText()
                    .equals(condition.path("Fn::Equals").path(1).asText());
        }
        if (condition.has("Fn::Not")) {
            return !evaluate(condition.path("Fn::Not").path(0));
        }
        if (condition.has("Fn::And")) {
            for (JsonNode part : condition.path("Fn::And")) {
                if (!evaluate(part)) {
                    return false;
                }
            }
            return true;
        }
        if (condition.has("Fn::Or")) {
            for (JsonNode part : condition.path("Fn::Or")) {
                if (evaluate(part)) {
                    return true;
                }
            }
            return false;
        }
        if (condition.has("Condition")) {
            return evaluate(conditions.path(condition.path("Condition").asText()));
        }
        throw new IllegalArgumentException("condition not understood: " + condition);
    }

    private static boolean contains(JsonNode array, String value) {
        for (JsonNode item : array) {
            if (item.asText().equals(value)) {
                return true;
            }
        }
        return false;
    }
}
