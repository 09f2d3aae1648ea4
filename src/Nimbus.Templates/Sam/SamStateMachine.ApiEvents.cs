using System.Text.Json.Nodes;

namespace Nimbus.Templates.Sam;

/// <summary>
/// <c>Api</c> events of <c>AWS::Serverless::StateMachine</c>: the method calls Step Functions' StartExecution through an
/// <c>aws</c> integration with the role the event creates (see <see cref="SamStateMachine"/>), passing the request body as
/// the execution input.
/// </summary>
internal sealed partial class SamApis
{
    private void AddStateMachinePath(JsonObject body, ApiEvent ev, JsonObject path, string method, JsonObject? apiAuth)
    {
        var condition = EventCondition(ev);
        CheckStateMachineAuth(ev, method, apiAuth);
        JsonNode uri = new JsonObject { ["Fn::Sub"] = "arn:${AWS::Partition}:apigateway:${AWS::Region}:states:action/StartExecution" };
        if (condition is not null)
        {
            uri = Conditional(condition, uri);
        }

        var target = ev.AliasId ?? ev.FunctionId;
        var unescape = ev.Properties["UnescapeMappingTemplate"] is JsonValue u && u.TryGetValue<bool>(out var b) && b;
        var template = unescape
            ? """{"input": "$util.escapeJavaScript($input.json('$')).replaceAll("\\'","'")", "stateMachineArn": "${""" + target + "}\"}"
            : "{\"input\": \"$util.escapeJavaScript($input.json('$'))\", \"stateMachineArn\": \"${" + target + "}\"}";
        JsonNode templateValue = JsonValue.Create(template);
        var integration = SamDeploymentHash.InsertionOrdered(new JsonObject
        {
            ["type"] = "aws",
            ["httpMethod"] = "POST",
            ["uri"] = uri,
            ["responses"] = new JsonObject
            {
                ["200"] = new JsonObject { ["statusCode"] = "200" },
                ["400"] = new JsonObject { ["statusCode"] = "400" },
            },
            ["credentials"] = new JsonObject
            {
                ["Fn::GetAtt"] = new JsonArray(ev.FunctionId + ev.EventId + "Role", "Arn"),
            },
            ["requestTemplates"] = new JsonObject { ["application/json"] = new JsonObject { ["Fn::Sub"] = templateValue } },
        });
        var operation = SamDeploymentHash.InsertionOrdered(new JsonObject
        {
            ["x-amazon-apigateway-integration"] = integration,
            ["responses"] = new JsonObject
            {
                ["200"] = new JsonObject { ["description"] = "OK" },
                ["400"] = new JsonObject { ["description"] = "Bad Request" },
            },
        });
        AddEventAuth(body, ev, operation, apiAuth);
        path[method] = condition is not null ? Conditional(condition, operation) : operation;
        SamDeploymentHash.InsertedInPass(path, method, _pass);
    }

    /// <summary>
    /// The translator's checks on a state machine Api event's Auth against its API's Auth (reported as the state machine
    /// generator reports them: the event alone).
    /// </summary>
    private static void CheckStateMachineAuth(ApiEvent ev, string method, JsonObject? apiAuth)
    {
        if (ev.Properties["Auth"] is not JsonObject auth || Json.Str(auth["Authorizer"]) is not { } authorizer || authorizer == "AWS_IAM")
        {
            return;
        }

        var authorizers = apiAuth?["Authorizers"] as JsonObject;
        if (authorizer == "NONE")
        {
            if (!Json.IsTruthy(apiAuth?["DefaultAuthorizer"]))
            {
                throw new InvalidEventException(ev.EventId, $"Unable to set Authorizer on API method [{method}] for path [{ev.Path}] because 'NONE' is only a valid value when a DefaultAuthorizer on the API is specified.") { Bare = true };
            }

            return;
        }

        if (authorizers is null || authorizers.Count == 0)
        {
            throw new InvalidEventException(ev.EventId, $"Unable to set Authorizer [{authorizer}] on API method [{method}] for path [{ev.Path}] because the related API does not define any Authorizers.") { Bare = true };
        }

        if (!authorizers.ContainsKey(authorizer))
        {
            throw new InvalidEventException(ev.EventId, $"Unable to set Authorizer [{authorizer}] on API method [{method}] for path [{ev.Path}] because it wasn't defined in the API's Authorizers.") { Bare = true };
        }
    }
}
