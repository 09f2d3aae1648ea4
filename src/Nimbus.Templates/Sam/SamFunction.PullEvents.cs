using System.Text.Json.Nodes;

namespace Nimbus.Templates.Sam;

/// <summary>Event sources Lambda polls: SQS, Kinesis, DynamoDB, MSK, self-managed Kafka, MQ, DocumentDB (event source mappings).</summary>
internal sealed partial class SamFunction
{
    private void PullEvent(string logicalId, string eventId, JsonObject ev, JsonObject props, string type, string sourceProperty, string policy, string[] allowed)
    {
        foreach (var (k, _) in props)
        {
            if (!allowed.Contains(k))
            {
                throw new InvalidEventException(logicalId, $"Property {k} not defined for resource of type {type}.");
            }
        }
        if (props[sourceProperty] is null)
        {
            throw new InvalidResourceException(logicalId, $"Missing required property '{sourceProperty}'.");
        }
        if (props["FilterCriteria"] is { } filter && Json.IsTruthy(filter) && !Json.IsIntrinsic(filter))
        {
            if (filter is not JsonObject criteria)
            {
                throw new InvalidEventException(eventId, "Property 'FilterCriteria' should be a map.");
            }
            if (criteria.Any(kv => kv.Key != "Filters"))
            {
                throw new InvalidEventException(eventId, "FilterCriteria field has a wrong format");
            }
        }
        if (props["SourceAccessConfigurations"] is { } access && access is not JsonArray && !Json.IsIntrinsic(access))
        {
            throw new InvalidResourceException(logicalId, "Type of property 'SourceAccessConfigurations' is invalid.");
        }
        if (type is "Kinesis" or "DynamoDB" or "MSK" && props["StartingPosition"] is null)
        {
            throw new InvalidResourceException(logicalId, "Missing required property 'StartingPosition'.");
        }
        var esm = new JsonObject
        {
            ["EventSourceArn"] = props[sourceProperty]!.DeepClone(),
            ["FunctionName"] = FunctionNameOrAlias.DeepClone(),
        };
        foreach (var (k, v) in props)
        {
            if (k == sourceProperty)
            {
                continue;
            }
            if (k == "DestinationConfig" && v is JsonObject dc)
            {
                if (dc.ContainsKey("OnFailure") && dc["OnFailure"] is not JsonObject || !dc.ContainsKey("OnFailure") && dc.Count > 0)
                {
                    throw new InvalidEventException(logicalId, "Property 'DestinationConfig.OnFailure' should be a map.");
                }
                var onFailure = dc["OnFailure"] as JsonObject;
                if (onFailure?["Type"] is { } destType && Json.Str(destType) is not ("SQS" or "SNS" or "S3" or "Kafka"))
                {
                    throw new InvalidEventException(logicalId, "The only valid values for 'Type' are 'SQS', 'SNS', 'S3', and 'Kafka'");
                }
                var copy = new JsonObject();
                if (onFailure is not null)
                {
                    var target = new JsonObject { ["Destination"] = onFailure["Destination"]?.DeepClone() };
                    copy["OnFailure"] = target;
                    var destinationType = Json.Str(onFailure["Type"]);
                    if (destinationType is "SQS" or "SNS" or "S3")
                    {
                        var action = destinationType switch { "SQS" => "sqs:SendMessage", "SNS" => "sns:publish", _ => "s3:PutObject" };
                        var statementResource = onFailure["Destination"]?.DeepClone();
                        AddInlinePolicy(new JsonObject
                        {
                            ["PolicyName"] = destinationType switch { "SQS" => "SQSSendMessagePolicy", "SNS" => "SNSPublishMessagePolicy", _ => "S3PutObjectPolicy" },
                            ["PolicyDocument"] = new JsonObject
                            {
                                ["Version"] = "2012-10-17",
                                ["Statement"] = new JsonArray(new JsonObject { ["Action"] = action, ["Resource"] = statementResource, ["Effect"] = "Allow" }),
                            },
                        });
                    }
                }
                esm["DestinationConfig"] = copy;
                continue;
            }
            esm[k] = v?.DeepClone();
        }
        var mapping = TranslationContext.NewResource("AWS::Lambda::EventSourceMapping", esm, resource);
        _out.Add((logicalId, mapping));
        AddManagedPolicy(policy);
        _ = ev;
    }

    private static readonly string[] CommonEsmProperties =
    [
        "BatchSize", "Enabled", "MaximumBatchingWindowInSeconds", "FilterCriteria", "KmsKeyArn", "MetricsConfig", "ProvisionedPollerConfig",
        "StartingPosition", "StartingPositionTimestamp", "DestinationConfig", "BisectBatchOnFunctionError", "MaximumRecordAgeInSeconds",
        "MaximumRetryAttempts", "SourceAccessConfigurations",
    ];

    private static readonly JsonArray Ec2NetworkActions = new("ec2:CreateNetworkInterface", "ec2:DescribeNetworkInterfaces", "ec2:DeleteNetworkInterface", "ec2:DescribeVpcs", "ec2:DescribeSubnets", "ec2:DescribeSecurityGroups");

    private JsonObject Esm(string logicalId, JsonNode? sourceArn, JsonObject props, string[] skip)
    {
        var esm = new JsonObject { ["FunctionName"] = FunctionNameOrAlias.DeepClone() };
        if (sourceArn is not null)
        {
            esm["EventSourceArn"] = sourceArn.DeepClone();
        }
        foreach (var (k, v) in props)
        {
            if (!skip.Contains(k))
            {
                esm[k] = v?.DeepClone();
            }
        }
        _out.Add((logicalId, TranslationContext.NewResource("AWS::Lambda::EventSourceMapping", esm, resource)));
        return esm;
    }

    private static JsonArray SourceAccess(string eventId, JsonObject props, string missing)
    {
        if (props["SourceAccessConfigurations"] is not JsonArray sac || sac.Count == 0)
        {
            throw new InvalidEventException(eventId, missing);
        }
        return sac;
    }

    private void SelfManagedKafkaEvent(string logicalId, string eventId, JsonObject props)
    {
        if (props["KafkaBootstrapServers"] is null)
        {
            throw new InvalidEventException(eventId, "No KafkaBootstrapServers provided for self managed kafka as an event source");
        }
        // Topics may be an intrinsic (a Ref to a CommaDelimitedList): the translator only counts its entries.
        var topics = props["Topics"];
        if (!Json.IsTruthy(topics))
        {
            throw new InvalidEventException(eventId, "No Topics provided for self managed kafka as an event source");
        }
        var topicCount = topics switch
        {
            JsonArray list => list.Count,
            JsonObject intrinsic => intrinsic.Count,
            _ => Json.Str(topics)?.Length ?? 1,
        };
        if (topicCount != 1)
        {
            throw new InvalidEventException(eventId, "Topics for self managed kafka only supports single configuration entry.");
        }
        if (props["SourceAccessConfigurations"] is { } given && given is not JsonArray)
        {
            throw new InvalidEventException(eventId, "SourceAccessConfigurations for self managed kafka event should be a list.");
        }
        if (props["SecretsManagerKmsKeyId"] is { } kmsKey && !Json.IsString(kmsKey))
        {
            throw new InvalidEventException(eventId, "Property 'SecretsManagerKmsKeyId' should be a string.");
        }
        var sac = SourceAccess(eventId, props, "No SourceAccessConfigurations for self managed kafka event provided.");
        var statements = new JsonArray();
        bool subnet = false, group = false, auth = false;
        foreach (var entry in sac)
        {
            var type = Json.Str(entry?["Type"]);
            switch (type)
            {
                case "VPC_SUBNET":
                    subnet = true;
                    break;
                case "VPC_SECURITY_GROUP":
                    group = true;
                    break;
                case "BASIC_AUTH" or "SASL_SCRAM_256_AUTH" or "SASL_SCRAM_512_AUTH" or "CLIENT_CERTIFICATE_TLS_AUTH":
                    if (auth)
                    {
                        throw new InvalidEventException(eventId, "Multiple auth mechanism properties specified in SourceAccessConfigurations for self managed kafka event.");
                    }
                    auth = true;
                    statements.Add(new JsonObject { ["Action"] = new JsonArray("secretsmanager:GetSecretValue"), ["Effect"] = "Allow", ["Resource"] = entry?["URI"]?.DeepClone() });
                    break;
                case "SERVER_ROOT_CA_CERTIFICATE":
                    statements.Add(new JsonObject { ["Action"] = new JsonArray("secretsmanager:GetSecretValue"), ["Effect"] = "Allow", ["Resource"] = entry?["URI"]?.DeepClone() });
                    break;
            }
        }
        if (subnet != group)
        {
            throw new InvalidEventException(eventId, "VPC_SUBNET and VPC_SECURITY_GROUP in SourceAccessConfigurations for SelfManagedKafka must be both provided.");
        }
        if (subnet)
        {
            statements.Add(new JsonObject { ["Action"] = Ec2NetworkActions.DeepClone(), ["Effect"] = "Allow", ["Resource"] = "*" });
        }
        var esm = Esm(logicalId, null, props, ["KafkaBootstrapServers", "ConsumerGroupId", "SchemaRegistryConfig", "SecretsManagerKmsKeyId"]);
        esm["SelfManagedEventSource"] = new JsonObject { ["Endpoints"] = new JsonObject { ["KafkaBootstrapServers"] = props["KafkaBootstrapServers"]!.DeepClone() } };
        if (props["ConsumerGroupId"] is not null || props["SchemaRegistryConfig"] is not null)
        {
            var config = new JsonObject();
            if (props["ConsumerGroupId"] is { } cg)
            {
                config["ConsumerGroupId"] = cg.DeepClone();
            }
            if (props["SchemaRegistryConfig"] is { } src)
            {
                config["SchemaRegistryConfig"] = src.DeepClone();
            }
            esm["SelfManagedKafkaEventSourceConfig"] = config;
        }
        if (props["SecretsManagerKmsKeyId"] is { } kafkaKey && Json.IsTruthy(kafkaKey))
        {
            statements.Add(KmsDecryptStatement(kafkaKey));
        }
        foreach (var statement in SchemaRegistryStatements(eventId, props["SchemaRegistryConfig"]))
        {
            statements.Add(statement);
        }
        if (statements.Count > 0)
        {
            AddEventSourcePolicy(new JsonObject
            {
                ["PolicyName"] = "SelfManagedKafkaExecutionRolePolicy",
                ["PolicyDocument"] = new JsonObject { ["Statement"] = statements, ["Version"] = "2012-10-17" },
            });
        }
    }

    private void MqEvent(string logicalId, string eventId, JsonObject props)
    {
        if (props["Broker"] is null)
        {
            throw new InvalidResourceException(logicalId, "Missing required property 'Broker'.");
        }
        var sac = SourceAccess(eventId, props, "No SourceAccessConfigurations for Amazon MQ event provided.");
        JsonNode? secret = null;
        var found = false;
        foreach (var entry in sac)
        {
            var type = Json.Str(entry?["Type"]);
            if (type is not ("BASIC_AUTH" or "VIRTUAL_HOST"))
            {
                throw new InvalidEventException(eventId, "Invalid property Type specified in SourceAccessConfigurations. The supported values are: ['BASIC_AUTH', 'VIRTUAL_HOST'].");
            }
            if (type == "BASIC_AUTH")
            {
                if (found)
                {
                    throw new InvalidEventException(eventId, "Multiple BASIC_AUTH properties specified in SourceAccessConfigurations.");
                }
                found = true;
                secret = entry?["URI"];
                if (secret is null)
                {
                    throw new InvalidEventException(eventId, "No BASIC_AUTH URI property specified in SourceAccessConfigurations.");
                }
            }
        }
        if (!found)
        {
            throw new InvalidEventException(eventId, "No BASIC_AUTH property specified in SourceAccessConfigurations.");
        }
        Esm(logicalId, props["Broker"], props, ["Broker", "SecretsManagerKmsKeyId", "DynamicPolicyName"]);
        var statements = new JsonArray(
            new JsonObject { ["Action"] = new JsonArray("secretsmanager:GetSecretValue"), ["Effect"] = "Allow", ["Resource"] = secret!.DeepClone() },
            new JsonObject { ["Action"] = new JsonArray("mq:DescribeBroker"), ["Effect"] = "Allow", ["Resource"] = props["Broker"]!.DeepClone() });
        if (props["SecretsManagerKmsKeyId"] is { } kms && !Json.IsString(kms))
        {
            throw new InvalidEventException(eventId, "Property 'SecretsManagerKmsKeyId' should be a string.");
        }
        if (props["SecretsManagerKmsKeyId"] is { } kmsId)
        {
            statements.Add(new JsonObject
            {
                ["Action"] = "kms:Decrypt",
                ["Effect"] = "Allow",
                ["Resource"] = Json.IsString(kmsId)
                    ? Json.Sub("arn:${AWS::Partition}:kms:${AWS::Region}:${AWS::AccountId}:key/" + kmsId.GetValue<string>())
                    : kmsId.DeepClone(),
            });
        }
        AddEventSourcePolicy(new JsonObject
        {
            ["PolicyName"] = Json.IsTruthy(props["DynamicPolicyName"]) ? logicalId + "AMQPolicy" : "SamAutoGeneratedAMQPolicy",
            ["PolicyDocument"] = new JsonObject { ["Statement"] = statements },
        });
    }

    private void DocumentDbEvent(string logicalId, string eventId, JsonObject props)
    {
        foreach (var required in new[] { "Cluster", "DatabaseName" })
        {
            if (props[required] is null)
            {
                throw new InvalidResourceException(logicalId, $"Missing required property '{required}'.");
            }
        }
        var sac = SourceAccess(eventId, props, "No SourceAccessConfigurations for Amazon DocumentDB event provided.");
        JsonNode? secret = null;
        foreach (var entry in sac)
        {
            if (Json.Str(entry?["Type"]) != "BASIC_AUTH")
            {
                throw new InvalidEventException(eventId, "Invalid property Type specified in SourceAccessConfigurations. The supported values are: ['BASIC_AUTH'].");
            }
            secret = entry?["URI"] ?? throw new InvalidEventException(eventId, "No BASIC_AUTH URI property specified in SourceAccessConfigurations.");
        }
        var esm = Esm(logicalId, props["Cluster"], props, ["Cluster", "DatabaseName", "CollectionName", "FullDocument", "SecretsManagerKmsKeyId"]);
        var config = new JsonObject { ["DatabaseName"] = props["DatabaseName"]!.DeepClone() };
        foreach (var name in new[] { "CollectionName", "FullDocument" })
        {
            if (props[name] is { } v)
            {
                config[name] = v.DeepClone();
            }
        }
        esm["DocumentDBEventSourceConfig"] = config;
        var statements = new JsonArray(
            new JsonObject { ["Action"] = new JsonArray("secretsmanager:GetSecretValue"), ["Effect"] = "Allow", ["Resource"] = secret?.DeepClone() },
            new JsonObject { ["Action"] = new JsonArray("rds:DescribeDBClusterParameters"), ["Effect"] = "Allow", ["Resource"] = Json.Sub("arn:${AWS::Partition}:rds:${AWS::Region}:${AWS::AccountId}:cluster-pg:*") },
            new JsonObject { ["Action"] = new JsonArray("rds:DescribeDBSubnetGroups"), ["Effect"] = "Allow", ["Resource"] = Json.Sub("arn:${AWS::Partition}:rds:${AWS::Region}:${AWS::AccountId}:subgrp:*") },
            new JsonObject { ["Action"] = new JsonArray("rds:DescribeDBClusters"), ["Effect"] = "Allow", ["Resource"] = props["Cluster"]!.DeepClone() },
            new JsonObject { ["Action"] = Ec2NetworkActions.DeepClone(), ["Effect"] = "Allow", ["Resource"] = "*" });
        if (props["SecretsManagerKmsKeyId"] is { } kms && !Json.IsString(kms))
        {
            throw new InvalidEventException(eventId, "Property 'SecretsManagerKmsKeyId' should be a string.");
        }
        if (props["SecretsManagerKmsKeyId"] is { } kmsId)
        {
            statements.Add(KmsDecryptStatement(kmsId));
        }
        AddEventSourcePolicy(new JsonObject
        {
            ["PolicyName"] = "SamAutoGeneratedDocumentDBPolicy",
            ["PolicyDocument"] = new JsonObject { ["Statement"] = statements },
        });
    }

    /// <summary>kms:Decrypt on the key that encrypts an event source's secret (the translator's _get_kms_decrypt_policy).</summary>
    private static JsonObject KmsDecryptStatement(JsonNode keyId) => new()
    {
        ["Action"] = new JsonArray("kms:Decrypt"),
        ["Effect"] = "Allow",
        ["Resource"] = Json.IsString(keyId)
            ? Json.Sub("arn:${AWS::Partition}:kms:${AWS::Region}:${AWS::AccountId}:key/" + keyId.GetValue<string>())
            : keyId.DeepClone(),
    };
}
