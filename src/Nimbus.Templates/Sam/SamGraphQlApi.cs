using System.Text.Json.Nodes;

namespace Nimbus.Templates.Sam;

/// <summary>
/// AWS::Serverless::GraphQLApi → AWS::AppSync::GraphQLApi, its GraphQLSchema, CloudWatch role, API keys, cache, domain,
/// DynamoDB/Lambda data sources (with the role and connector policy SAM generates when no ServiceRoleArn is given),
/// pipeline functions and resolvers, and the Lambda permissions of Lambda authorizers. Nimbus has no AppSync service:
/// the stack engine refuses to deploy these types with a message naming each one.
/// </summary>
internal sealed class SamGraphQlApi(string id, JsonObject resource, JsonObject p)
{
    private const string DefaultResolverCode = "\nexport function request(ctx) {\n    return {};\n}\n\nexport function response(ctx) {\n    return ctx.prev.result;\n}\n";

    private static readonly string[] KnownProperties =
    [
        "Name", "Tags", "XrayEnabled", "Auth", "SchemaInline", "SchemaUri", "Logging", "DataSources", "Functions", "Resolvers",
        "ApiKeys", "DomainName", "Cache", "Visibility", "OwnerContact", "IntrospectionConfig", "QueryDepthLimit", "ResolverCountLimit",
        "ApiType", "EnhancedMetricsConfig", "EnvironmentVariables", "MergedApiExecutionRoleArn",
    ];

    private static readonly string[] PassThroughApiProperties =
    [
        "XrayEnabled", "Visibility", "OwnerContact", "IntrospectionConfig", "QueryDepthLimit", "ResolverCountLimit",
        "ApiType", "EnhancedMetricsConfig", "EnvironmentVariables", "MergedApiExecutionRoleArn",
    ];

    private readonly List<(string Id, JsonObject Resource)> _out = [];
    private readonly Dictionary<string, JsonNode> _dataSourceNames = new(StringComparer.Ordinal);
    private readonly Dictionary<string, JsonNode> _functionIds = new(StringComparer.Ordinal);
    private string? _noneDataSourceId;

    private JsonObject ApiId => Json.GetAtt(id, "ApiId");

    public List<(string Id, JsonObject Resource)> Translate()
    {
        TranslationContext.CheckProperties(id, "AWS::Serverless::GraphQLApi", p, KnownProperties);
        if (p["Auth"] is not JsonObject auth)
        {
            throw new InvalidResourceException(id, p["Auth"] is null ? "Property 'Auth' is required." : "Property 'Auth' should be a map.");
        }

        var api = new JsonObject { ["Name"] = p["Name"]?.DeepClone() ?? id };
        foreach (var name in PassThroughApiProperties)
        {
            if (p[name] is { } v)
            {
                api[name] = v.DeepClone();
            }
        }
        var lambdaAuthorizers = SetAuth(api, auth);
        var tags = new JsonArray();
        if (p["Tags"] is JsonObject userTags)
        {
            foreach (var (k, v) in userTags)
            {
                tags.Add(new JsonObject { ["Key"] = k, ["Value"] = v?.DeepClone() });
            }
        }
        tags.Add(new JsonObject { ["Key"] = "graphqlapi:createdBy", ["Value"] = "SAM" });
        api["Tags"] = tags;

        JsonObject? cloudWatchRole = null;
        if (p["Logging"] is not JsonValue loggingFlag || Json.IsTruthy(loggingFlag))
        {
            var log = new JsonObject();
            JsonNode? roleArn = null;
            if (p["Logging"] is JsonObject logging)
            {
                if (Json.IsTruthy(logging["ExcludeVerboseContent"]))
                {
                    log["ExcludeVerboseContent"] = logging["ExcludeVerboseContent"]!.DeepClone();
                }
                log["FieldLogLevel"] = Json.IsTruthy(logging["FieldLogLevel"]) ? logging["FieldLogLevel"]!.DeepClone() : "ALL";
                roleArn = Json.IsTruthy(logging["CloudWatchLogsRoleArn"]) ? logging["CloudWatchLogsRoleArn"]!.DeepClone() : null;
            }
            else
            {
                log["FieldLogLevel"] = "ALL";
            }
            if (roleArn is null)
            {
                cloudWatchRole = Role(new JsonArray(new JsonObject { ["Fn::Sub"] = "arn:${AWS::Partition}:iam::aws:policy/service-role/AWSAppSyncPushToCloudWatchLogs" }));
                roleArn = Json.GetAtt(id + "CloudWatchRole", "Arn");
            }
            log["CloudWatchLogsRoleArn"] = roleArn;
            api["LogConfig"] = log;
        }
        Add(id, "AWS::AppSync::GraphQLApi", api);

        var hasInline = Json.IsTruthy(p["SchemaInline"]);
        var hasUri = Json.IsTruthy(p["SchemaUri"]);
        if (!hasInline && !hasUri)
        {
            throw new InvalidResourceException(id, "One of 'SchemaInline' or 'SchemaUri' must be set.");
        }
        if (hasInline && hasUri)
        {
            throw new InvalidResourceException(id, "Both 'SchemaInline' and 'SchemaUri' cannot be defined at the same time.");
        }
        var schema = new JsonObject { ["ApiId"] = ApiId };
        schema[hasInline ? "Definition" : "DefinitionS3Location"] = (hasInline ? p["SchemaInline"] : p["SchemaUri"])!.DeepClone();
        Add(id + "Schema", "AWS::AppSync::GraphQLSchema", schema);

        for (var i = 0; i < lambdaAuthorizers.Count; i++)
        {
            AddAuthorizerPermission(lambdaAuthorizers[i], i + 1);
        }
        if (cloudWatchRole is not null)
        {
            _out.Add((id + "CloudWatchRole", cloudWatchRole));
        }
        if (p["ApiKeys"] is JsonObject keys)
        {
            foreach (var (relativeId, node) in keys)
            {
                var key = node as JsonObject ?? [];
                var props = new JsonObject { ["ApiId"] = ApiId };
                CopyIf(key, "ApiKeyId", props, "ApiKeyId");
                CopyIf(key, "Description", props, "Description");
                CopyIf(key, "ExpiresOn", props, "Expires");
                Add(id + relativeId, "AWS::AppSync::ApiKey", props);
            }
        }
        if (p["Cache"] is JsonObject cache)
        {
            var props = new JsonObject { ["ApiId"] = ApiId };
            foreach (var name in new[] { "ApiCachingBehavior", "Type", "Ttl", "AtRestEncryptionEnabled", "TransitEncryptionEnabled" })
            {
                CopyIf(cache, name, props, name);
            }
            Add(id + "ApiCache", "AWS::AppSync::ApiCache", props);
        }
        if (p["DataSources"] is JsonObject dataSources)
        {
            if (dataSources["DynamoDb"] is JsonObject ddb)
            {
                foreach (var (relativeId, node) in ddb)
                {
                    DynamoDbDataSource(relativeId, node as JsonObject ?? []);
                }
            }
            if (dataSources["Lambda"] is JsonObject lambdas)
            {
                foreach (var (relativeId, node) in lambdas)
                {
                    LambdaDataSource(relativeId, node as JsonObject ?? []);
                }
            }
        }
        if (p["DomainName"] is JsonObject domain)
        {
            var props = new JsonObject();
            foreach (var name in new[] { "CertificateArn", "DomainName", "Description" })
            {
                CopyIf(domain, name, props, name);
            }
            Add(id + "DomainName", "AWS::AppSync::DomainName", props);
            Add(id + "DomainNameApiAssociation", "AWS::AppSync::DomainNameApiAssociation", new JsonObject
            {
                ["ApiId"] = ApiId,
                ["DomainName"] = Json.GetAtt(id + "DomainName", "DomainName"),
            });
        }
        if (p["Functions"] is JsonObject functions)
        {
            foreach (var (relativeId, node) in functions)
            {
                Function(relativeId, node as JsonObject ?? []);
            }
        }
        if (p["Resolvers"] is JsonObject resolvers)
        {
            foreach (var (typeName, node) in resolvers)
            {
                foreach (var (relativeId, r) in node as JsonObject ?? [])
                {
                    Resolver(typeName, relativeId, r as JsonObject ?? []);
                }
            }
        }
        if (_noneDataSourceId is not null)
        {
            Add(_noneDataSourceId, "AWS::AppSync::DataSource", new JsonObject { ["ApiId"] = ApiId, ["Name"] = _noneDataSourceId, ["Type"] = "NONE" });
        }
        return _out;
    }

    /// <summary>Sets AuthenticationType and its config (and AdditionalAuthenticationProviders); returns the Lambda authorizers' ARNs.</summary>
    private List<JsonNode> SetAuth(JsonObject api, JsonObject auth)
    {
        var lambdaArns = new List<JsonNode>();
        var (name, config) = AuthConfig(auth, null);
        api["AuthenticationType"] = auth["Type"]?.DeepClone();
        if (name is not null)
        {
            api[name] = config;
            if (name == "LambdaAuthorizerConfig" && config!["AuthorizerUri"] is { } uri)
            {
                lambdaArns.Add(uri);
            }
        }
        if (auth["Additional"] is JsonArray additional && additional.Count > 0)
        {
            var providers = new JsonArray();
            for (var i = 0; i < additional.Count; i++)
            {
                var entry = additional[i] as JsonObject ?? [];
                var (n, c) = AuthConfig(entry, i);
                var provider = new JsonObject { ["AuthenticationType"] = entry["Type"]?.DeepClone() };
                if (n is not null)
                {
                    provider[n] = c;
                    if (n == "LambdaAuthorizerConfig" && c!["AuthorizerUri"] is { } uri)
                    {
                        lambdaArns.Add(uri);
                    }
                }
                providers.Add(provider);
            }
            api["AdditionalAuthenticationProviders"] = providers;
        }
        return lambdaArns;
    }

    private (string? Name, JsonObject? Config) AuthConfig(JsonObject auth, int? index)
    {
        var defined = auth.Where(kv => kv.Key != "Additional" && kv.Value is not null).ToList();
        if (defined.Count > 2)
        {
            var path = index is null or 0 ? "'Auth'" : $"'Auth.Additional.{index}'";
            throw new InvalidResourceException(id, $"{path} has more than one authentication configuration defined.");
        }
        var prefix = index is null or 0 ? "Auth." : $"Auth.Additional.{index}.";
        switch (Json.Str(auth["Type"]))
        {
            case "AWS_LAMBDA":
                return ("LambdaAuthorizerConfig", Required(auth, "LambdaAuthorizer", prefix, "'LambdaAuthorizer' must be defined if type is 'AWS_LAMBDA'."));
            case "OPENID_CONNECT":
                return ("OpenIDConnectConfig", Required(auth, "OpenIDConnect", prefix, "'OpenIDConnect' must be defined if type is 'OPENID_CONNECT'."));
            case "AMAZON_COGNITO_USER_POOLS":
                var pool = Required(auth, "UserPool", prefix, "'UserPool' must be defined if type is 'AMAZON_COGNITO_USER_POOLS'.");
                if (index is not null)
                {
                    pool.Remove("DefaultAction");
                }
                return ("UserPoolConfig", pool);
            default:
                return (null, null);
        }
    }

    private JsonObject Required(JsonObject auth, string key, string prefix, string message)
    {
        if (auth[key] is not JsonObject config)
        {
            throw new InvalidResourceException(id, $"Property '{prefix}{key}' is invalid. {message}");
        }
        var copy = new JsonObject();
        foreach (var (k, v) in config)
        {
            if (v is not null)
            {
                copy[k] = v.DeepClone();
            }
        }
        return copy;
    }

    private void AddAuthorizerPermission(JsonNode functionArn, int number)
    {
        var connectorId = $"{id}ToLambdaAuthConnector{number}";
        var permission = TranslationContext.NewResource("AWS::Lambda::Permission", new JsonObject
        {
            ["Action"] = "lambda:InvokeFunction",
            ["FunctionName"] = functionArn.DeepClone(),
            ["Principal"] = "appsync.amazonaws.com",
            ["SourceArn"] = new JsonObject
            {
                ["Fn::Sub"] = new JsonArray(
                    "arn:${AWS::Partition}:appsync:${AWS::Region}:${AWS::AccountId}:apis/${SourceResourceId}",
                    new JsonObject { ["SourceResourceId"] = ApiId }),
            },
        });
        permission["Metadata"] = ConnectorMetadata(connectorId, "AWS::AppSync::GraphQLApi", "AWS::Lambda::Function");
        _out.Add((connectorId + "WriteLambdaPermission", permission));
    }

    private void DynamoDbDataSource(string relativeId, JsonObject ds)
    {
        var dsId = $"{id}{relativeId}DynamoDBDataSource";
        var config = new JsonObject
        {
            ["AwsRegion"] = Json.IsTruthy(ds["Region"]) ? ds["Region"]!.DeepClone() : Json.Ref("AWS::Region"),
            ["TableName"] = ds["TableName"]?.DeepClone(),
        };
        foreach (var name in new[] { "UseCallerCredentials", "Versioned" })
        {
            if (Json.IsTruthy(ds[name]))
            {
                config[name] = ds[name]!.DeepClone();
            }
        }
        if (ds["DeltaSync"] is JsonObject deltaSync)
        {
            config["DeltaSyncConfig"] = deltaSync.DeepClone();
        }
        var props = new JsonObject
        {
            ["ApiId"] = ApiId,
            ["Name"] = ds["Name"]?.DeepClone() ?? relativeId,
            ["Type"] = "AMAZON_DYNAMODB",
            ["DynamoDBConfig"] = config,
        };
        CopyIf(ds, "Description", props, "Description");
        List<(string, JsonObject)> roleResources = [];
        if (Json.IsTruthy(ds["ServiceRoleArn"]))
        {
            props["ServiceRoleArn"] = ds["ServiceRoleArn"]!.DeepClone();
        }
        else
        {
            var tableArn = ds["TableArn"]?.DeepClone() ?? new JsonObject
            {
                ["Fn::Sub"] = new JsonArray(
                    "arn:${AWS::Partition}:dynamodb:${__Region__}:${AWS::AccountId}:table/${__TableName__}",
                    new JsonObject { ["__Region__"] = config["AwsRegion"]!.DeepClone(), ["__TableName__"] = ds["TableName"]?.DeepClone() }),
            };
            var permissions = ds["Permissions"] is JsonArray perms && perms.Count > 0
                ? perms.Select(x => Json.Str(x) ?? "").ToList()
                : ["Read", "Write"];
            var statements = new JsonArray();
            foreach (var permission in new[] { "Read", "Write" }.Where(permissions.Contains))
            {
                statements.Add(new JsonObject
                {
                    ["Action"] = permission == "Read"
                        ? new JsonArray("dynamodb:GetItem", "dynamodb:Query", "dynamodb:Scan", "dynamodb:BatchGetItem", "dynamodb:ConditionCheckItem", "dynamodb:PartiQLSelect")
                        : new JsonArray("dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:DeleteItem", "dynamodb:BatchWriteItem", "dynamodb:PartiQLDelete", "dynamodb:PartiQLInsert", "dynamodb:PartiQLUpdate"),
                    ["Effect"] = "Allow",
                    ["Resource"] = new JsonArray(tableArn.DeepClone(), new JsonObject
                    {
                        ["Fn::Sub"] = new JsonArray("${DestinationArn}/index/*", new JsonObject { ["DestinationArn"] = tableArn.DeepClone() }),
                    }),
                });
            }
            roleResources = DataSourceRole(dsId, props, "ToTableConnector", "AWS::DynamoDB::Table", statements);
        }
        _dataSourceNames[relativeId] = Json.GetAtt(dsId, "Name");
        Add(dsId, "AWS::AppSync::DataSource", props);
        _out.AddRange(roleResources);
    }

    private void LambdaDataSource(string relativeId, JsonObject ds)
    {
        var dsId = $"{id}{relativeId}LambdaDataSource";
        var functionArn = ds["FunctionArn"]?.DeepClone();
        var props = new JsonObject
        {
            ["ApiId"] = ApiId,
            ["Name"] = ds["Name"]?.DeepClone() ?? relativeId,
            ["Type"] = "AWS_LAMBDA",
            ["LambdaConfig"] = new JsonObject { ["LambdaFunctionArn"] = functionArn?.DeepClone() },
        };
        CopyIf(ds, "Description", props, "Description");
        List<(string, JsonObject)> roleResources = [];
        if (Json.IsTruthy(ds["ServiceRoleArn"]))
        {
            props["ServiceRoleArn"] = ds["ServiceRoleArn"]!.DeepClone();
        }
        else
        {
            var statements = new JsonArray(new JsonObject
            {
                ["Action"] = new JsonArray("lambda:InvokeAsync", "lambda:InvokeFunction"),
                ["Effect"] = "Allow",
                ["Resource"] = new JsonArray(functionArn?.DeepClone(), new JsonObject
                {
                    ["Fn::Sub"] = new JsonArray("${DestinationArn}:*", new JsonObject { ["DestinationArn"] = functionArn?.DeepClone() }),
                }),
            });
            roleResources = DataSourceRole(dsId, props, "ToLambdaConnector", "AWS::Lambda::Function", statements);
        }
        _dataSourceNames[relativeId] = Json.GetAtt(dsId, "Name");
        Add(dsId, "AWS::AppSync::DataSource", props);
        _out.AddRange(roleResources);
    }

    /// <summary>The role SAM generates for a data source and the connector's managed policy on it (DataSource → destination).</summary>
    private List<(string, JsonObject)> DataSourceRole(string dsId, JsonObject props, string connectorSuffix, string destinationType, JsonArray statements)
    {
        var roleId = dsId + "Role";
        props["ServiceRoleArn"] = Json.GetAtt(roleId, "Arn");
        var connectorId = dsId + connectorSuffix;
        var policy = TranslationContext.NewResource("AWS::IAM::ManagedPolicy", new JsonObject
        {
            ["PolicyDocument"] = new JsonObject { ["Version"] = "2012-10-17", ["Statement"] = statements },
            ["Roles"] = new JsonArray(Json.Ref(roleId)),
        });
        policy["Metadata"] = ConnectorMetadata(connectorId, "AWS::AppSync::DataSource", destinationType);
        return [(roleId, Role(null)), (connectorId + "Policy", policy)];
    }

    private void Function(string relativeId, JsonObject f)
    {
        if (f["Id"] is { } functionId)
        {
            if (f.Count(kv => kv.Value is not null) != 1)
            {
                throw new InvalidResourceException(relativeId, "'Id' cannot be defined with other properties in Function.");
            }
            _functionIds[relativeId] = functionId.DeepClone();
            return;
        }
        var props = new JsonObject { ["ApiId"] = ApiId, ["Name"] = f["Name"]?.DeepClone() ?? relativeId };
        var inline = Json.IsTruthy(f["InlineCode"]);
        var uri = Json.IsTruthy(f["CodeUri"]);
        if (inline && uri)
        {
            throw new InvalidResourceException(relativeId, "Both 'InlineCode' and 'CodeUri' cannot be defined at the same time.");
        }
        if (!inline && !uri)
        {
            throw new InvalidResourceException(relativeId, "One of 'InlineCode' or 'CodeUri' must be set.");
        }
        props[inline ? "Code" : "CodeS3Location"] = (inline ? f["InlineCode"] : f["CodeUri"])!.DeepClone();
        props["DataSourceName"] = DataSourceName(relativeId, f["DataSource"]);
        CopyIf(f, "MaxBatchSize", props, "MaxBatchSize");
        CopyIf(f, "Description", props, "Description");
        props["Runtime"] = Runtime(relativeId, f);
        if (f["Sync"] is JsonObject sync)
        {
            props["SyncConfig"] = WithoutNulls(sync);
        }
        _functionIds[relativeId] = Json.GetAtt(id + relativeId, "FunctionId");
        Add(id + relativeId, "AWS::AppSync::FunctionConfiguration", props);
    }

    private JsonNode DataSourceName(string relativeId, JsonNode? dataSource)
    {
        if (!Json.IsTruthy(dataSource))
        {
            throw new InvalidResourceException(relativeId, "'DataSource' must be set.");
        }
        if (Json.Str(dataSource) is not { } name)
        {
            return dataSource!.DeepClone();
        }
        if (name.Equals("none", StringComparison.OrdinalIgnoreCase))
        {
            _noneDataSourceId = id + "NoneDataSource";
            return Json.GetAtt(_noneDataSourceId, "Name");
        }
        if (_dataSourceNames.TryGetValue(name, out var resolved))
        {
            return resolved.DeepClone();
        }
        throw new InvalidResourceException(relativeId, $"Either define DataSource '{name}' in 'DataSources' or use intrinsic function like GetAtt, ImportValue, Sub or another one to reference a DataSource defined outside of this GraphQLApi resource.");
    }

    private static JsonObject Runtime(string relativeId, JsonObject owner)
    {
        if (owner["Runtime"] is not JsonObject runtime)
        {
            throw new InvalidResourceException(relativeId, $"'Runtime' must be defined as a property in {relativeId}.");
        }
        return new JsonObject { ["Name"] = runtime["Name"]?.DeepClone(), ["RuntimeVersion"] = runtime["Version"]?.DeepClone() };
    }

    private void Resolver(string typeName, string relativeId, JsonObject r)
    {
        var inline = Json.IsTruthy(r["InlineCode"]);
        var uri = Json.IsTruthy(r["CodeUri"]);
        if (inline && uri)
        {
            throw new InvalidResourceException(relativeId, "Both 'InlineCode' and 'CodeUri' cannot be defined at the same time.");
        }
        var props = new JsonObject();
        if (inline)
        {
            props["Code"] = r["InlineCode"]!.DeepClone();
        }
        else if (uri)
        {
            props["CodeS3Location"] = r["CodeUri"]!.DeepClone();
        }
        else
        {
            props["Code"] = DefaultResolverCode;
        }
        props["ApiId"] = ApiId;
        props["FieldName"] = r["FieldName"]?.DeepClone() ?? relativeId;
        props["TypeName"] = typeName;
        props["Runtime"] = Runtime(relativeId, r);
        if (r["Pipeline"] is not JsonArray pipeline || pipeline.Count == 0)
        {
            throw new InvalidResourceException(relativeId, $"Resolver '{relativeId}' must have Pipeline defined. Unit resolvers are not supported. If you need a Unit resolver you can use AppSync resource.");
        }
        props["Kind"] = "PIPELINE";
        var functionIds = new JsonArray();
        foreach (var step in pipeline)
        {
            var name = Json.Str(step) ?? "";
            if (!_functionIds.TryGetValue(name, out var functionId))
            {
                throw new InvalidResourceException(relativeId, $"Function '{name}' does not exist.");
            }
            functionIds.Add(functionId.DeepClone());
        }
        props["PipelineConfig"] = new JsonObject { ["Functions"] = functionIds };
        if (r["Caching"] is JsonObject caching)
        {
            props["CachingConfig"] = WithoutNulls(caching);
        }
        if (Json.IsTruthy(r["MaxBatchSize"]))
        {
            props["MaxBatchSize"] = r["MaxBatchSize"]!.DeepClone();
        }
        var resolver = TranslationContext.NewResource("AWS::AppSync::Resolver", null, resource);
        resolver["DependsOn"] = new JsonArray(id + "Schema");
        resolver["Properties"] = props;
        _out.Add((id + typeName + relativeId, resolver));
    }

    private JsonObject Role(JsonArray? managedPolicies)
    {
        var props = new JsonObject
        {
            ["AssumeRolePolicyDocument"] = new JsonObject
            {
                ["Version"] = "2012-10-17",
                ["Statement"] = new JsonArray(new JsonObject
                {
                    ["Action"] = new JsonArray("sts:AssumeRole"),
                    ["Effect"] = "Allow",
                    ["Principal"] = new JsonObject { ["Service"] = new JsonArray("appsync.amazonaws.com") },
                }),
            },
        };
        if (managedPolicies is not null)
        {
            props["ManagedPolicyArns"] = managedPolicies;
        }
        return WithAttributes(TranslationContext.NewResource("AWS::IAM::Role", props, resource));
    }

    private static JsonObject ConnectorMetadata(string connectorId, string sourceType, string destinationType) => new()
    {
        ["aws:sam:connectors"] = new JsonObject
        {
            [connectorId] = new JsonObject
            {
                ["Source"] = new JsonObject { ["Type"] = sourceType },
                ["Destination"] = new JsonObject { ["Type"] = destinationType },
            },
        },
    };

    private void Add(string logicalId, string type, JsonObject props) =>
        _out.Add((logicalId, WithAttributes(TranslationContext.NewResource(type, props, resource))));

    /// <summary>The SAM resource's DependsOn carries over to each generated resource.</summary>
    private JsonObject WithAttributes(JsonObject generated)
    {
        if (resource["DependsOn"] is { } dependsOn)
        {
            generated["DependsOn"] = dependsOn.DeepClone();
        }
        return generated;
    }

    private static void CopyIf(JsonObject from, string name, JsonObject to, string targetName)
    {
        if (from[name] is { } v)
        {
            to[targetName] = v.DeepClone();
        }
    }

    private static JsonObject WithoutNulls(JsonObject o)
    {
        var copy = new JsonObject();
        foreach (var (k, v) in o)
        {
            if (v is not null)
            {
                copy[k] = v.DeepClone();
            }
        }
        return copy;
    }
}
