using System.Text.Json.Nodes;
using Nimbus.Templates.Conformance;
using Nimbus.Templates.Sam;

namespace Nimbus.Templates.Tests;

/// <summary>
/// The REST deployment hash against ids from the SAM translator corpus (tests/translator/output of
/// aws/serverless-application-model), and the Python 2.7 primitives under it.
/// </summary>
public class SamDeploymentHashTests
{
    private const string Corpus = "/work/shared/corpora/sam-translator";

    [Fact]
    public void StringHash_MatchesCPython27()
    {
        // hash('a') and hash('') on a 64-bit CPython 2.7 with hash randomisation off.
        Assert.Equal(12416037344UL, Py27Hash.StringHash("a"));
        Assert.Equal(0UL, Py27Hash.StringHash(""));
    }

    [Fact]
    public void Order_IsTheHashTableSlotOrder()
    {
        Assert.Equal(["info", "paths", "swagger"], Py27Hash.Order(["swagger", "info", "paths"]));
    }

    [Fact]
    public void Order_DeepCopyReordersCollidingKeys()
    {
        // The CORS preflight operation: "summary"/"produces" and "consumes"/"responses" collide in 8 slots.
        string[] keys = ["summary", "consumes", "produces", "x-amazon-apigateway-integration", "responses"];
        Assert.Equal(["responses", "x-amazon-apigateway-integration", "produces", "consumes", "summary"], Py27Hash.Order(keys));
        Assert.Equal(["x-amazon-apigateway-integration", "consumes", "summary", "responses", "produces"], Py27Hash.Order(keys, copies: 1));
    }

    [Fact]
    public void Repr_PrintsUnicodeWithThePrefixAndPicksQuotesLikePython()
    {
        Assert.Equal("u'/get'", Py27Hash.UnicodeRepr("/get"));
        Assert.Equal("'2.0'", Py27Hash.StrRepr("2.0"));
        Assert.Equal("\"'OPTIONS,POST'\"", Py27Hash.StrRepr("'OPTIONS,POST'"));
        Assert.Equal("'{\\n  \"statusCode\" : 200\\n}\\n'", Py27Hash.StrRepr("{\n  \"statusCode\" : 200\n}\n"));
        Assert.Equal("u'caf\\xe9'", Py27Hash.UnicodeRepr("café"));
    }

    [Fact]
    public void Digest_BodyS3Location_MatchesApiDescription()
    {
        var location = new JsonObject { ["Bucket"] = "sam-demo-bucket", ["Key"] = "webpage_swagger.json" };
        var digest = SamDeploymentHash.Digest(location, s3Location: true, templateBody: null, cors: null, openApiVersion: null, domainJson: null, functionNames: null);
        Assert.Equal("f117c932f75cfa87d23dfed64e9430d0081ef289", digest);
    }

    [Fact]
    public void Digest_FunctionNamesAreAppended_MatchesIntrinsicFunctions()
    {
        var location = new JsonObject { ["Bucket"] = "sam-demo-bucket", ["Key"] = "swagger.yaml" };
        var functionNames = SamDeploymentHash.TemplateValueText(new JsonObject { ["Fn::Sub"] = "MySuperFunctionName" });
        var digest = SamDeploymentHash.Digest(location, s3Location: true, templateBody: null, cors: null, openApiVersion: null, domainJson: null, functionNames);
        Assert.StartsWith("7145dd00ce", digest, StringComparison.Ordinal);
    }

    [Fact]
    public void Digest_GeneratedBody_MatchesApiWithFailOnWarnings()
    {
        var digest = SamDeploymentHash.Digest(Swagger(("/", "get")), s3Location: false, templateBody: null, cors: null, openApiVersion: null, domainJson: null, functionNames: null);
        Assert.StartsWith("f96bc9abda", digest, StringComparison.Ordinal);
    }

    [Fact]
    public void Digest_DomainSettings_MatchApiWithCustomDomainsRegional()
    {
        var domain = new JsonObject
        {
            ["DomainName"] = new JsonObject { ["Ref"] = "MyRestRegionalDomainName" },
            ["CertificateArn"] = new JsonObject { ["Ref"] = "MyRestRegionalDomainCert" },
            ["EndpointConfiguration"] = "REGIONAL",
            ["MutualTlsAuthentication"] = new JsonObject { ["TruststoreUri"] = "${mtlsuri}", ["TruststoreVersion"] = 0 },
            ["SecurityPolicy"] = "TLS_1_2",
            ["BasePath"] = new JsonArray("/get", "/post"),
            ["Route53"] = new JsonObject { ["HostedZoneId"] = new JsonObject { ["Ref"] = "HostedZoneId" } },
            ["ApiDomainName"] = "ApiGatewayDomainName1a01391c0c",
        };
        var swagger = Swagger(("/get", "get"), ("/post", "post"));
        var digest = SamDeploymentHash.Digest(swagger, s3Location: false, templateBody: null, cors: null, openApiVersion: null, SamDeploymentHash.PythonJson(domain), functionNames: null);
        Assert.StartsWith("4697061386", digest, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("api_cache")]
    [InlineData("implicit_api")]
    [InlineData("intrinsic_functions")]
    [InlineData("api_with_cors_and_only_origins")]
    [InlineData("api_with_custom_domain_security_policy_regional")]
    [InlineData("api_with_custom_domains_edge")]
    [InlineData("api_with_custom_domains_regional")]
    [InlineData("api_custom_domain_private_endpoint_full")]
    [InlineData("api_domain_ipaddresstype_private")]
    [InlineData("http_api_with_custom_domain_route53_multiple")]
    [InlineData("mixed_api_with_custom_domain_route53_multiple")]
    [InlineData("separate_route53_recordset_group")]
    [InlineData("api_with_resource_refs")]
    [InlineData("api_with_basic_custom_domain_intrinsics")]
    [InlineData("implicit_and_explicit_api_with_conditions")]
    [InlineData("implicit_api_with_many_conditions")]
    [InlineData("implicit_api_deletion_policy_precedence")]
    [InlineData("valid_update_replace_policy_and_deletion_policy")]
    public void CorpusCase_MatchesTheTranslator(string name)
    {
        var input = File.ReadAllText(Path.Combine(Corpus, "input", name + ".yaml"));
        var expected = File.ReadAllText(Path.Combine(Corpus, "output", name + ".json"));
        Assert.Null(SamConformanceRunner.RunCase(name, input, expected, verbose: true));
    }

    /// <summary>The skeleton the translator generates for Api events: one Lambda proxy integration per path and method.</summary>
    private static JsonObject Swagger(params (string Path, string Method)[] operations)
    {
        var paths = new JsonObject();
        foreach (var (path, method) in operations)
        {
            paths[path] = new JsonObject
            {
                [method] = new JsonObject
                {
                    ["x-amazon-apigateway-integration"] = new JsonObject
                    {
                        ["type"] = "aws_proxy",
                        ["httpMethod"] = "POST",
                        ["uri"] = new JsonObject { ["Fn::Sub"] = "arn:aws:apigateway:${AWS::Region}:lambda:path/2015-03-31/functions/${" + (path == "/" ? "ApiFunction" : "MyFunction") + ".Arn}/invocations" },
                    },
                    ["responses"] = new JsonObject(),
                },
            };
        }

        return new JsonObject
        {
            ["swagger"] = "2.0",
            ["info"] = new JsonObject { ["version"] = "1.0", ["title"] = new JsonObject { ["Ref"] = "AWS::StackName" } },
            ["paths"] = paths,
        };
    }
}
