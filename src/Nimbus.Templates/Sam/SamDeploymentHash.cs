using System.Globalization;
using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Nimbus.Templates.Sam;

/// <summary>The hash in a REST API deployment's logical id and description, computed over the API's body as the translator does.</summary>
/// <remarks>
/// The translator hashes <c>str(swagger)</c> (Python 2.7 style, see <see cref="Py27Hash"/>), then appends with
/// <c>||</c> the OpenApiVersion, the JSON of the custom domain and the FunctionNames of the functions whose events name
/// the API. Which strings print as 2.7 unicode follows where they came from: everything copied from the template
/// (DefinitionBody, DefinitionUri, paths and methods of events, Cors values, function logical ids inside integration
/// URIs) is unicode; the translator's own keys and literals are plain. Dicts the translator builds are ordered by the
/// 2.7 table after the order it inserts their keys in and one deep copy (the editor's <c>swagger</c> property copy);
/// the template's dicts after an even number of copies.
/// </remarks>
internal sealed class SamDeploymentHash
{
    /// <summary>The translator's insertion order for the keys it writes into a swagger document.</summary>
    private static readonly string[] InsertionRank =
    [
        "swagger", "openapi", "info", "version", "title", "paths", "summary", "consumes", "produces", "type", "requestTemplates",
        "statusCode", "responseParameters", "responseTemplates", "description", "headers", "x-amazon-apigateway-integration",
        "httpMethod", "uri", "responseTransferMode", "credentials", "responses", "security",
        "method.response.header.Access-Control-Allow-Origin", "method.response.header.Access-Control-Allow-Headers",
        "method.response.header.Access-Control-Allow-Methods", "method.response.header.Access-Control-Max-Age",
        "method.response.header.Access-Control-Allow-Credentials",
        "Access-Control-Allow-Origin", "Access-Control-Allow-Headers", "Access-Control-Allow-Methods", "Access-Control-Max-Age",
        "Access-Control-Allow-Credentials", "name", "in", "x-amazon-apigateway-policy", "securityDefinitions",
    ];

    /// <summary>Nodes the translator copies from the template into the document it builds : every key and string of the subtree
    /// prints as unicode, dicts in the template's order.</summary>
    private static readonly ConditionalWeakTable<JsonNode, string> Origins = [];

    private static readonly ConditionalWeakTable<JsonObject, HashSet<string>> UnicodeKeys = [];

    private static readonly ConditionalWeakTable<JsonObject, Dictionary<string, int>> Passes = [];

    private static readonly ConditionalWeakTable<JsonObject, List<(string Ghost, int Index)>> Ghosts = [];

    private readonly HashSet<string> _templateStrings;
    private readonly bool _s3Location;
    private readonly string? _openApiVersion;

    /// <summary>The DefinitionBody as given: the OpenAPI 3 post-processing moves its securityDefinitions/definitions under components.</summary>
    private JsonObject? _rootTemplate;

    private SamDeploymentHash(HashSet<string> templateStrings, bool s3Location, string? openApiVersion = null)
    {
        _templateStrings = templateStrings;
        _openApiVersion = openApiVersion;
        _s3Location = s3Location;
    }

    /// <summary>Marks a node copied from the template into a generated document: its strings and keys print as unicode.</summary>
    public static T FromTemplate<T>(T node)
        where T : JsonNode
    {
        Origins.AddOrUpdate(node, "t");
        return node;
    }

    /// <summary>Marks a value the translator prints as a plain <c>str</c> although it equals a template string (<c>str(3.0)</c>).</summary>
    public static T Plain<T>(T node)
        where T : JsonNode
    {
        Origins.AddOrUpdate(node, "plain");
        return node;
    }

    /// <summary>Marks a node the translator generated that now sits where the template had a value (a merged method's
    /// integration): the template's value there no longer decides how its strings print.</summary>
    public static void Generated(JsonNode node)
    {
        if (!Origins.TryGetValue(node, out _))
        {
            Origins.Add(node, "gen");
        }
    }

    /// <summary>Records that <paramref name="key"/> went into <paramref name="node"/> in editor pass <paramref name="pass"/> (one per event).</summary>
    public static void InsertedInPass(JsonObject node, string key, int pass, bool overwrite = true)
    {
        var passes = Passes.GetOrCreateValue(node);
        if (overwrite || !passes.ContainsKey(key))
        {
            passes[key] = pass;
        }
    }

    /// <summary>
    /// The order the translator iterates a generated dict in whose keys went in over several passes (as recorded by
    /// <see cref="InsertedInPass"/>); other dicts in their own order.
    /// </summary>
    public static List<string> IterationOrder(JsonObject node)
    {
        var keys = node.Select(kv => kv.Key).ToList();
        if (!Passes.TryGetValue(node, out var passes))
        {
            return keys;
        }

        return Py27Hash.OrderByPasses(keys.Select(k => (k, passes.TryGetValue(k, out var pass) ? pass : int.MaxValue)));
    }

    /// <summary>Marks a key of a dict the translator builds as a template string (an authorizer's name, say).</summary>
    public static JsonObject TemplateKey(JsonObject node, string key)
    {
        UnicodeKeys.GetOrCreateValue(node).Add(key);
        return node;
    }

    /// <summary>
    /// Records that the translator deleted <paramref name="ghost"/>, the key at <paramref name="index"/> of
    /// <paramref name="node"/>, after inserting later keys (its slot still shapes where those went in the 2.7 table).
    /// </summary>
    public static void Ghost(JsonObject node, string ghost, int index) => Ghosts.GetOrCreateValue(node).Add((ghost, index));

    /// <summary>Marks a dict whose keys print in the order they were inserted into <paramref name="node"/> (before the 2.7 table).</summary>
    public static JsonObject InsertionOrdered(JsonObject node)
    {
        Origins.AddOrUpdate(node, "ordered");
        return node;
    }

    /// <summary>Records that a document was deep-copied again after the OpenAPI 3 post-processing added its components.</summary>
    public static void CopiedAfterComponents(JsonObject body) => Origins.AddOrUpdate(body, "copied");

    /// <summary>The full 40-hex-digit SHA-1 the deployment's id (first 10) and description use.</summary>
    /// <param name="swagger">The RestApi's Body, or its BodyS3Location.</param>
    /// <param name="s3Location">Whether <paramref name="swagger"/> is a BodyS3Location.</param>
    /// <param name="templateBody">The DefinitionBody as the template gave it (strings from it print as unicode).</param>
    /// <param name="cors">The API's Cors setting as the template gave it.</param>
    /// <param name="openApiVersion">The OpenApiVersion, when set.</param>
    /// <param name="domainJson">The custom domain as the translator's <c>json.dumps</c> prints it, when set.</param>
    /// <param name="functionNames">The FunctionNames of the functions whose Api events name this API, concatenated.</param>
    public static string Digest(JsonNode swagger, bool s3Location, JsonNode? templateBody, JsonNode? cors, string? openApiVersion, string? domainJson, string? functionNames)
    {
        var strings = new HashSet<string>(StringComparer.Ordinal);
        CollectStrings(cors, strings);
        var hasher = new SamDeploymentHash(strings, s3Location, openApiVersion);
        var sb = new StringBuilder();
        hasher._rootTemplate = templateBody as JsonObject;
        hasher.Repr(sb, swagger, [], templateBody);
        var input = sb.ToString();
        if (Environment.GetEnvironmentVariable("NIMBUS_SAM_HASH_TRACE") is { Length: > 0 })
        {
            // Diagnostics: the text hashed, to compare with the translator's str(swagger).
            Console.Error.WriteLine("HASHINPUT " + input);
        }

        if (!string.IsNullOrEmpty(openApiVersion))
        {
            input += "||" + openApiVersion;
        }

        if (!string.IsNullOrEmpty(domainJson))
        {
            input += "||" + domainJson;
        }

        if (!string.IsNullOrEmpty(functionNames))
        {
            input += "||" + functionNames;
        }

        return Convert.ToHexStringLower(SHA1.HashData(Encoding.UTF8.GetBytes(input)));
    }

    /// <summary><c>str()</c> of a value copied from the template (every string unicode, dicts in 2.7 order).</summary>
    public static string TemplateValueText(JsonNode? node)
    {
        if (Json.Str(node) is { } s)
        {
            return s;
        }

        var sb = new StringBuilder();
        new SamDeploymentHash([], s3Location: false).Repr(sb, node, [], node);
        return sb.ToString();
    }

    /// <summary>Python's <c>json.dumps</c> (default separators, ASCII only) of template settings, dicts in 2.7 order.</summary>
    public static string PythonJson(JsonNode? node)
    {
        var sb = new StringBuilder();
        WriteJson(sb, node);
        return sb.ToString();
    }

    private static void WriteJson(StringBuilder sb, JsonNode? node)
    {
        switch (node)
        {
            case null:
                sb.Append("null");
                break;
            case JsonObject o:
                sb.Append('{');
                var first = true;
                foreach (var key in Py27Hash.Order(o.Select(kv => kv.Key)))
                {
                    if (!first)
                    {
                        sb.Append(", ");
                    }

                    first = false;
                    Parsing.TemplateReader.WritePythonString(sb, key);
                    sb.Append(": ");
                    WriteJson(sb, o[key]);
                }

                sb.Append('}');
                break;
            case JsonArray a:
                sb.Append('[');
                for (var i = 0; i < a.Count; i++)
                {
                    if (i > 0)
                    {
                        sb.Append(", ");
                    }

                    WriteJson(sb, a[i]);
                }

                sb.Append(']');
                break;
            case JsonValue v:
                switch (v.GetValueKind())
                {
                    case JsonValueKind.String:
                        Parsing.TemplateReader.WritePythonString(sb, v.GetValue<string>());
                        break;
                    case JsonValueKind.True:
                        sb.Append("true");
                        break;
                    case JsonValueKind.False:
                        sb.Append("false");
                        break;
                    case JsonValueKind.Number:
                        sb.Append(NumberRepr(v));
                        break;
                    default:
                        sb.Append("null");
                        break;
                }

                break;
        }
    }

    private static void CollectStrings(JsonNode? node, HashSet<string> into)
    {
        switch (node)
        {
            case JsonObject o:
                foreach (var (_, v) in o)
                {
                    CollectStrings(v, into);
                }

                break;
            case JsonArray a:
                foreach (var v in a)
                {
                    CollectStrings(v, into);
                }

                break;
            default:
                if (Json.Str(node) is { } s)
                {
                    into.Add(s);
                }

                break;
        }
    }

    private void Repr(StringBuilder sb, JsonNode? node, List<string> path, JsonNode? template)
    {
        var origin = node is not null && Origins.TryGetValue(node, out var kind) ? kind : null;
        if (origin == "gen")
        {
            template = null;
        }

        if (template is null && origin == "t")
        {
            template = node;
        }

        switch (node)
        {
            case null:
                sb.Append("None");
                break;
            case JsonObject o:
                {
                    var templateObject = template as JsonObject;
                    UnicodeKeys.TryGetValue(o, out var unicodeKeys);
                    var rawKeys = o.Select(kv => kv.Key).ToList();
                    if (Ghosts.TryGetValue(o, out var ghosts))
                    {
                        foreach (var (ghost, index) in ghosts)
                        {
                            rawKeys.Insert(Math.Min(index, rawKeys.Count), ghost);
                        }
                    }

                    var insertion = rawKeys.Select((key, i) => (Key: key, Index: i))
                        .OrderBy(k => templateObject is not null && templateObject.ContainsKey(k.Key) ? -1 : origin == "ordered" ? 0 : Rank(k.Key))
                        .ThenBy(k => k.Index)
                        .Select(k => k.Key);
                    var first = true;
                    sb.Append('{');
                    // The template's own dicts are deep-copied twice per editor pass (an even count: their order is back where it
                    // was); a dict the translator builds inside a pass gets that pass's final copy on top.
                    List<string> ordered;
                    // The OpenAPI 3 post-processing adds components after the last copy.
                    var componentsCopied = Origins.TryGetValue(o, out var mark) && mark == "copied";
                    bool AddedInPass(string k) => !templateObject!.ContainsKey(k) && !(path.Count == 0 && k == "components" && !componentsCopied);
                    if (!_s3Location && templateObject is not null && insertion.Any(AddedInPass))
                    {
                        // A template dict the translator added keys to inside a pass: the pass's first copy, the new keys, its last copy.
                        var given = Py27Hash.Order(insertion.Where(templateObject.ContainsKey), 1);
                        ordered = Py27Hash.Order(given.Concat(insertion.Where(AddedInPass)), 1);
                        var late = insertion.Where(k => !ordered.Contains(k)).ToList();
                        if (late.Count > 0)
                        {
                            ordered = Py27Hash.Order(ordered.Concat(late), 0);
                        }
                    }
                    else if (!_s3Location && templateObject is null && Passes.TryGetValue(o, out var passes))
                    {
                        ordered = Py27Hash.OrderByPasses(insertion.Select(k => (k, passes.TryGetValue(k, out var pass) ? pass : int.MaxValue)));
                    }
                    else
                    {
                        // A template dict has been through at least one editor pass (two copies); copies alternate
                        // between two orders after the first, so two copies stand for any even number.
                        ordered = Py27Hash.Order(insertion, _s3Location ? 0 : templateObject is not null ? 2 : 1);
                    }

                    foreach (var key in ordered)
                    {
                        if (!o.ContainsKey(key))
                        {
                            continue;
                        }

                        if (!first)
                        {
                            sb.Append(", ");
                        }

                        first = false;
                        var fromTemplate = templateObject is not null && templateObject.ContainsKey(key);
                        sb.Append(fromTemplate || (unicodeKeys?.Contains(key) ?? false) || KeyIsUnicode(key, path) ? Py27Hash.UnicodeRepr(key) : Py27Hash.StrRepr(key)).Append(": ");
                        path.Add(key);
                        var childTemplate = templateObject?[key];
                        if (childTemplate is null && path is ["components", _] && key is "securitySchemes" or "schemas")
                        {
                            childTemplate = _rootTemplate?[key == "schemas" ? "definitions" : "securityDefinitions"];
                        }

                        Repr(sb, o[key], path, childTemplate);
                        path.RemoveAt(path.Count - 1);
                    }

                    sb.Append('}');
                    break;
                }

            case JsonArray a:
                sb.Append('[');
                for (var i = 0; i < a.Count; i++)
                {
                    if (i > 0)
                    {
                        sb.Append(", ");
                    }

                    var t = template is JsonArray ta && i < ta.Count ? ta[i] : null;
                    if (i == 0 && path.Count > 0 && path[^1] == "Fn::If" && Json.Str(a[i]) is { } condition && template is null)
                    {
                        // make_conditional: the condition is the function's (a template string) or a combined one the translator names.
                        sb.Append(Origins.TryGetValue(a[i]!, out var conditionOrigin) && conditionOrigin == "plain" ? Py27Hash.StrRepr(condition) : Py27Hash.UnicodeRepr(condition));
                        continue;
                    }

                    Repr(sb, a[i], path, t);
                }

                sb.Append(']');
                break;
            case JsonValue v:
                switch (v.GetValueKind())
                {
                    case JsonValueKind.String:
                        var s = v.GetValue<string>();
                        var unicode = origin != "plain" && ((Json.Str(template) == s && template is not null) || ValueIsUnicode(s, path));
                        sb.Append(unicode ? Py27Hash.UnicodeRepr(s) : Py27Hash.StrRepr(s));
                        break;
                    case JsonValueKind.True:
                        sb.Append("True");
                        break;
                    case JsonValueKind.False:
                        sb.Append("False");
                        break;
                    case JsonValueKind.Number:
                        sb.Append(NumberRepr(v));
                        break;
                    default:
                        sb.Append("None");
                        break;
                }

                break;
        }
    }

    private static int Rank(string key)
    {
        var i = Array.IndexOf(InsertionRank, key);
        return i < 0 ? InsertionRank.Length : i;
    }

    private static string NumberRepr(JsonValue v)
    {
        var text = v.ToJsonString();
        if (long.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var l))
        {
            return l.ToString(CultureInfo.InvariantCulture);
        }

        var d = double.Parse(text, NumberStyles.Float, CultureInfo.InvariantCulture);
        var r = d.ToString("R", CultureInfo.InvariantCulture);
        return r.Contains('.', StringComparison.Ordinal) || r.Contains('E', StringComparison.Ordinal) ? r : r + ".0";
    }

    /// <summary>Keys the translator copies from the template: path names and (lower-cased) event methods.</summary>
    private bool KeyIsUnicode(string key, List<string> path)
    {
        if (_s3Location)
        {
            return path.Count > 0;
        }

        if (key is "Fn::If" or "Ref")
        {
            // make_conditional's own keys.
            return false;
        }

        if (path.Count == 1 && path[0] == "paths")
        {
            return true;
        }

        // Methods of a path item, also inside the Fn::If a conditional path is wrapped in.
        var isPathItem = (path.Count == 2 && path[0] == "paths") || (path.Count == 3 && path[0] == "paths" && path[2] == "Fn::If");
        return isPathItem && key is not ("x-amazon-apigateway-any-method" or "options");
    }

    /// <summary>Values the translator copies from the template, or builds by concatenating one.</summary>
    private bool ValueIsUnicode(string value, List<string> path)
    {
        if (_s3Location)
        {
            return true;
        }

        if (path is ["openapi"] && value == _openApiVersion)
        {
            // The translator writes OpenApiVersion (a template string) into the document it upgrades to OpenAPI 3.
            return true;
        }

        var last = path.Count > 0 ? path[^1] : "";
        if (last == "Fn::Sub" && path.Count >= 2 && (path[^2] == "uri" || (path.Count >= 3 && path[^2] == "Fn::If" && path[^3] == "uri")) && path.Contains("x-amazon-apigateway-integration"))
        {
            // "...functions/${" + logical id + ".Arn}/invocations": the logical id is unicode; an alias Ref is not.
            return value.Contains(".Arn}", StringComparison.Ordinal);
        }

        return last.StartsWith("method.response.header.", StringComparison.Ordinal) && path.Contains("responseParameters") && _templateStrings.Contains(value);
    }
}
