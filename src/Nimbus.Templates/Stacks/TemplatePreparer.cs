using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Nimbus.Core.Identity;
using Nimbus.Templates.Parsing;
using Nimbus.Templates.Sam;

namespace Nimbus.Templates.Stacks;

/// <summary>Parses, transforms and validates a template and resolves its parameters, with CloudFormation's error messages.</summary>
internal sealed class TemplatePreparer(ArtifactResolver artifacts)
{
    private static readonly HashSet<string> TopLevel =
    [
        "AWSTemplateFormatVersion", "Description", "Metadata", "Parameters", "Rules", "Mappings", "Conditions", "Transform",
        "Resources", "Outputs", "Globals", "Hooks",
    ];

    private static readonly HashSet<string> IamTypes =
    [
        "AWS::IAM::Role", "AWS::IAM::Policy", "AWS::IAM::ManagedPolicy", "AWS::IAM::User", "AWS::IAM::Group",
        "AWS::IAM::InstanceProfile", "AWS::IAM::AccessKey", "AWS::IAM::UserToGroupAddition", "AWS::IAM::RolePolicy",
        "AWS::IAM::UserPolicy", "AWS::IAM::GroupPolicy",
    ];

    private static readonly Dictionary<string, string> NameProperties = new(StringComparer.Ordinal)
    {
        ["AWS::IAM::Role"] = "RoleName", ["AWS::IAM::ManagedPolicy"] = "ManagedPolicyName", ["AWS::IAM::User"] = "UserName",
        ["AWS::IAM::Group"] = "GroupName", ["AWS::IAM::InstanceProfile"] = "InstanceProfileName",
    };

    /// <summary>Reads a template and its declared transforms without transforming it (ValidateTemplate).</summary>
    public static JsonObject Parse(string body)
    {
        if (string.IsNullOrWhiteSpace(body))
        {
            throw StackErrors.Validation("Template format error: template body is empty");
        }

        try
        {
            return TemplateReader.Read(body);
        }
        catch (TemplateParseException e)
        {
            throw StackErrors.Validation(e.Message.StartsWith("Template format error", StringComparison.Ordinal) ? e.Message : $"Template format error: {e.Message}");
        }
    }

    public static List<string> Transforms(JsonObject template) => template["Transform"] switch
    {
        JsonValue v when v.GetValueKind() == JsonValueKind.String => [v.GetValue<string>()],
        JsonArray a => a.Select(t => t is JsonValue v ? v.ToString() : t?["Name"]?.ToString() ?? "").ToList(),
        JsonObject o => [o["Name"]?.ToString() ?? ""],
        _ => [],
    };

    public async Task<PreparedTemplate> PrepareAsync(
        string body, IReadOnlyList<ParameterInput> inputs, IReadOnlyList<StackParameter>? previous, AwsRequestContext caller, CancellationToken cancellationToken)
    {
        var original = Parse(body);
        var transforms = Transforms(original);
        foreach (var t in transforms.Where(t => t != SamTranslator.TransformName))
        {
            throw StackErrors.Validation($"Template format error: Unsupported transform {t}: Nimbus runs only {SamTranslator.TransformName} (macros and AWS::Include are not available locally).");
        }

        var template = original.DeepClone().AsObject();
        if (transforms.Count > 0)
        {
            await artifacts.ResolveSamAsync(template, caller, cancellationToken);
            var defaults = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var p in inputs.Where(p => p.Value is not null))
            {
                defaults[p.Key] = p.Value!;
            }

            try
            {
                template = SamTranslator.Transform(template, new SamTranslatorOptions(caller.Region, "aws", defaults, ManagedPolicyMap));
            }
            catch (InvalidSamDocumentException e)
            {
                throw StackErrors.Validation($"Transform {SamTranslator.TransformName} failed with: {e.FullMessage}");
            }
        }

        await artifacts.ResolveCloudFormationAsync(template, caller, cancellationToken);
        CheckStructure(template);
        var (values, parameters) = ResolveParameters(template, inputs, previous);
        CheckReferences(template);
        ResourceGraph.Build((JsonObject)template["Resources"]!, ((JsonObject)template["Resources"]!).Select(r => r.Key).ToList());
        return new PreparedTemplate(body, template, values, parameters, template["Description"]?.ToString(), Capabilities(template), transforms);
    }

    /// <summary>The AWS managed policies the transform turns from names into ARNs.</summary>
    private static readonly Dictionary<string, string> ManagedPolicyMap = new(StringComparer.Ordinal)
    {
        ["AWSLambdaBasicExecutionRole"] = "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole",
        ["AWSLambdaSQSQueueExecutionRole"] = "arn:aws:iam::aws:policy/service-role/AWSLambdaSQSQueueExecutionRole",
        ["AWSLambdaDynamoDBExecutionRole"] = "arn:aws:iam::aws:policy/service-role/AWSLambdaDynamoDBExecutionRole",
        ["AWSLambdaRole"] = "arn:aws:iam::aws:policy/service-role/AWSLambdaRole",
        ["AWSLambdaExecute"] = "arn:aws:iam::aws:policy/AWSLambdaExecute",
        ["AmazonDynamoDBFullAccess"] = "arn:aws:iam::aws:policy/AmazonDynamoDBFullAccess",
        ["AmazonDynamoDBReadOnlyAccess"] = "arn:aws:iam::aws:policy/AmazonDynamoDBReadOnlyAccess",
        ["AmazonS3FullAccess"] = "arn:aws:iam::aws:policy/AmazonS3FullAccess",
        ["AmazonS3ReadOnlyAccess"] = "arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess",
        ["AmazonSQSFullAccess"] = "arn:aws:iam::aws:policy/AmazonSQSFullAccess",
        ["AmazonSNSFullAccess"] = "arn:aws:iam::aws:policy/AmazonSNSFullAccess",
        ["AWSXrayWriteOnlyAccess"] = "arn:aws:iam::aws:policy/AWSXrayWriteOnlyAccess",
        ["AWSStepFunctionsFullAccess"] = "arn:aws:iam::aws:policy/AWSStepFunctionsFullAccess",
    };

    private static void CheckStructure(JsonObject template)
    {
        var unknown = template.Select(p => p.Key).Where(k => !TopLevel.Contains(k)).ToList();
        if (unknown.Count > 0)
        {
            throw StackErrors.Validation($"Template format error: Invalid template property or properties [{string.Join(", ", unknown)}]");
        }

        if (template["Resources"] is not JsonObject { Count: > 0 } resources)
        {
            throw StackErrors.Validation("Template format error: At least one Resources member must be defined.");
        }

        foreach (var (id, node) in resources)
        {
            if (node is not JsonObject r || r["Type"] is not JsonValue)
            {
                throw StackErrors.Validation($"Template format error: [/Resources/{id}] Every Resources object must contain a Type member.");
            }

            if (r["Properties"] is { } props && props is not JsonObject)
            {
                throw StackErrors.Validation($"Template format error: [/Resources/{id}/Properties] Every Properties object must be a JSON object.");
            }
        }
    }

    private static void CheckReferences(JsonObject template)
    {
        var resources = (JsonObject)template["Resources"]!;
        var parameters = template["Parameters"] as JsonObject;
        var unresolved = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var (id, node) in resources)
        {
            var r = (JsonObject)node!;
            foreach (var name in TemplateReferences.Names(r["Properties"]).Concat(TemplateReferences.Names(r["UpdatePolicy"])).Concat(DependsOn(r)))
            {
                if (!resources.ContainsKey(name) && parameters?.ContainsKey(name) != true)
                {
                    unresolved.Add(name);
                }
            }
        }

        if (template["Outputs"] is JsonObject outputs)
        {
            foreach (var name in TemplateReferences.Names(outputs))
            {
                if (!resources.ContainsKey(name) && parameters?.ContainsKey(name) != true)
                {
                    unresolved.Add(name);
                }
            }
        }

        if (unresolved.Count > 0)
        {
            throw StackErrors.Validation($"Template format error: Unresolved resource dependencies [{string.Join(", ", unresolved)}] in the Resources block of the template");
        }
    }

    public static IEnumerable<string> DependsOn(JsonObject resource) => resource["DependsOn"] switch
    {
        JsonValue v => [v.ToString()],
        JsonArray a => a.Select(x => x?.ToString() ?? ""),
        _ => [],
    };

    /// <summary>The capabilities the template's resources require (IAM, named IAM).</summary>
    public static List<string> Capabilities(JsonObject template)
    {
        var needed = new List<string>();
        foreach (var (_, node) in template["Resources"] as JsonObject ?? [])
        {
            var type = node?["Type"]?.ToString() ?? "";
            if (!IamTypes.Contains(type))
            {
                continue;
            }

            var named = NameProperties.TryGetValue(type, out var prop) && node?["Properties"]?[prop] is not null;
            var capability = named ? "CAPABILITY_NAMED_IAM" : "CAPABILITY_IAM";
            if (!needed.Contains(capability))
            {
                needed.Add(capability);
            }
        }

        return needed.Contains("CAPABILITY_NAMED_IAM") ? ["CAPABILITY_NAMED_IAM"] : needed;
    }

    /// <summary>Checks the capabilities given against what the template needs; throws InsufficientCapabilitiesException.</summary>
    public static void CheckCapabilities(PreparedTemplate template, IReadOnlyCollection<string> given, bool directWithTransform)
    {
        var missing = new List<string>();
        foreach (var needed in template.RequiredCapabilities)
        {
            var ok = needed == "CAPABILITY_IAM" ? given.Contains("CAPABILITY_IAM") || given.Contains("CAPABILITY_NAMED_IAM") : given.Contains(needed);
            if (!ok)
            {
                missing.Add(needed);
            }
        }

        if (directWithTransform && template.DeclaredTransforms.Count > 0 && !given.Contains("CAPABILITY_AUTO_EXPAND"))
        {
            missing.Add("CAPABILITY_AUTO_EXPAND");
        }

        if (missing.Count > 0)
        {
            throw StackErrors.InsufficientCapabilities(missing);
        }
    }

    /// <summary>Resolves every parameter from the inputs, previous values and defaults, checking types and constraints.</summary>
    public static (Dictionary<string, JsonNode?> Values, List<StackParameter> Parameters) ResolveParameters(
        JsonObject template, IReadOnlyList<ParameterInput> inputs, IReadOnlyList<StackParameter>? previous)
    {
        var declared = template["Parameters"] as JsonObject ?? [];
        var unknown = inputs.Select(i => i.Key).Where(k => !declared.ContainsKey(k)).ToList();
        if (unknown.Count > 0)
        {
            throw StackErrors.Validation($"Parameters: [{string.Join(", ", unknown)}] do not exist in the template");
        }

        var values = new Dictionary<string, JsonNode?>(StringComparer.Ordinal);
        var list = new List<StackParameter>();
        var missing = new List<string>();
        foreach (var (name, node) in declared)
        {
            var decl = node as JsonObject ?? [];
            var input = inputs.FirstOrDefault(i => i.Key == name);
            string? value = input switch
            {
                { UsePreviousValue: true } => previous?.FirstOrDefault(p => p.Key == name)?.Value
                    ?? throw StackErrors.Validation($"Invalid input for parameter key {name}. Cannot specify usePreviousValue as true for a parameter key not in the previous template"),
                { Value: { } v } => v,
                _ => decl["Default"] is { } d ? Scalar(d) : null,
            };
            if (value is null)
            {
                missing.Add(name);
                continue;
            }

            var type = decl["Type"]?.ToString() ?? "String";
            Check(name, type, value, decl);
            var isList = type == "CommaDelimitedList" || type.StartsWith("List<", StringComparison.Ordinal);
            values[name] = isList ? new JsonArray(value.Split(',').Select(s => (JsonNode?)JsonValue.Create(type == "CommaDelimitedList" ? s : s.Trim())).ToArray()) : JsonValue.Create(value);
            list.Add(new StackParameter(name, value, IsTrue(decl["NoEcho"])));
        }

        if (missing.Count > 0)
        {
            throw StackErrors.Validation($"Parameters: [{string.Join(", ", missing)}] must have values");
        }

        return (values, list);
    }

    private static string Scalar(JsonNode d) => d switch
    {
        JsonArray a => string.Join(',', a.Select(x => x?.ToString())),
        _ => d.ToString(),
    };

    private static bool IsTrue(JsonNode? n) => n?.ToString().Equals("true", StringComparison.OrdinalIgnoreCase) == true;

    private static void Check(string name, string type, string value, JsonObject decl)
    {
        string? Fail(string message) => decl["ConstraintDescription"]?.ToString() is { } described
            ? $"Parameter '{name}' failed to satisfy constraint: {described}"
            : message;

        if (type is "Number" or "List<Number>")
        {
            foreach (var item in type == "Number" ? [value] : value.Split(','))
            {
                if (!double.TryParse(item.Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out var number))
                {
                    throw StackErrors.Validation($"Parameter '{name}' must be a number.");
                }

                if (decl["MinValue"] is { } min && number < double.Parse(min.ToString(), CultureInfo.InvariantCulture))
                {
                    throw StackErrors.Validation(Fail($"Parameter '{name}' must be a number not less than {min}")!);
                }

                if (decl["MaxValue"] is { } max && number > double.Parse(max.ToString(), CultureInfo.InvariantCulture))
                {
                    throw StackErrors.Validation(Fail($"Parameter '{name}' must be a number not greater than {max}")!);
                }
            }
        }
        else if (type is not ("String" or "CommaDelimitedList") && !type.StartsWith("AWS::", StringComparison.Ordinal) && !type.StartsWith("List<", StringComparison.Ordinal))
        {
            throw StackErrors.Validation($"Template format error: Unrecognized parameter type: {type}");
        }

        if (decl["AllowedValues"] is JsonArray allowed && !allowed.Any(a => a?.ToString() == value))
        {
            throw StackErrors.Validation(Fail($"Parameter '{name}' must be one of AllowedValues")!);
        }

        if (decl["AllowedPattern"]?.ToString() is { } pattern && !Regex.IsMatch(value, $"^(?:{pattern})$", RegexOptions.None, TimeSpan.FromSeconds(1)))
        {
            throw StackErrors.Validation(Fail($"Parameter '{name}' must match pattern {pattern}")!);
        }

        if (decl["MinLength"] is { } minLength && value.Length < int.Parse(minLength.ToString(), CultureInfo.InvariantCulture))
        {
            throw StackErrors.Validation(Fail($"Parameter '{name}' must contain at least {minLength} characters")!);
        }

        if (decl["MaxLength"] is { } maxLength && value.Length > int.Parse(maxLength.ToString(), CultureInfo.InvariantCulture))
        {
            throw StackErrors.Validation(Fail($"Parameter '{name}' must contain at most {maxLength} characters")!);
        }
    }
}
