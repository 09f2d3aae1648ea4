namespace Nimbus.Cli.Commands.Local;

/// <summary>
/// The event shapes of <c>sam local generate-event</c> for the common services, with SAM CLI's option names and defaults
/// (the service delivers exactly these shapes; see the Lambda developer guide's "Using Lambda with …" pages).
/// </summary>
internal static class SampleEvents
{
    private static readonly SampleEventOption AccountId = new("account-id", "123456789012");
    private static readonly SampleEventOption Region = new("region", "us-east-1");
    private static readonly SampleEventOption Partition = new("partition", "aws");
    private static readonly SampleEventOption DnsSuffix = new("dns-suffix", "us-east-1.amazonaws.com");

    public static IReadOnlyList<SampleEvent> All { get; } =
    [
        new("apigateway", "aws-proxy", "Generates an Amazon API Gateway AWS Proxy Event",
            [
                new("body", "{\"test\":\"body\"}", "base64"), new("stage", "prod"), new("method", "POST"), new("resource", "/{proxy+}"),
                new("path", "path/to/resource"), new("querystringparameters", "{\"foo\": \"bar\"}", "dict"), AccountId, DnsSuffix,
            ],
            """
            {
              "body": "{{{body}}}",
              "resource": "{{{resource}}}",
              "path": "/{{{path}}}",
              "httpMethod": "{{{method}}}",
              "isBase64Encoded": true,
              "queryStringParameters": "{{{querystringparameters}}}",
              "multiValueQueryStringParameters": { "foo": ["bar"] },
              "pathParameters": { "proxy": "/{{{path}}}" },
              "stageVariables": { "baz": "qux" },
              "headers": {
                "Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,image/webp,*/*;q=0.8",
                "Accept-Encoding": "gzip, deflate, sdch",
                "Accept-Language": "en-US,en;q=0.8",
                "Cache-Control": "max-age=0",
                "CloudFront-Forwarded-Proto": "https",
                "CloudFront-Is-Desktop-Viewer": "true",
                "CloudFront-Is-Mobile-Viewer": "false",
                "CloudFront-Is-SmartTV-Viewer": "false",
                "CloudFront-Is-Tablet-Viewer": "false",
                "CloudFront-Viewer-Country": "US",
                "Host": "1234567890.execute-api.{{{dns_suffix}}}",
                "Upgrade-Insecure-Requests": "1",
                "User-Agent": "Custom User Agent String",
                "Via": "1.1 08f323deadbeefa7af34d5feb414ce27.cloudfront.net (CloudFront)",
                "X-Amz-Cf-Id": "cDehVQoZnx43VYQb9j2-nvCh-9z396Uhbp027Y2JvkCPNLmGJHqlaA==",
                "X-Forwarded-For": "127.0.0.1, 127.0.0.2",
                "X-Forwarded-Port": "443",
                "X-Forwarded-Proto": "https"
              },
              "multiValueHeaders": {
                "Accept": ["text/html,application/xhtml+xml,application/xml;q=0.9,image/webp,*/*;q=0.8"],
                "Accept-Encoding": ["gzip, deflate, sdch"],
                "Accept-Language": ["en-US,en;q=0.8"],
                "Cache-Control": ["max-age=0"],
                "CloudFront-Forwarded-Proto": ["https"],
                "CloudFront-Is-Desktop-Viewer": ["true"],
                "CloudFront-Is-Mobile-Viewer": ["false"],
                "CloudFront-Is-SmartTV-Viewer": ["false"],
                "CloudFront-Is-Tablet-Viewer": ["false"],
                "CloudFront-Viewer-Country": ["US"],
                "Host": ["0123456789.execute-api.{{{dns_suffix}}}"],
                "Upgrade-Insecure-Requests": ["1"],
                "User-Agent": ["Custom User Agent String"],
                "Via": ["1.1 08f323deadbeefa7af34d5feb414ce27.cloudfront.net (CloudFront)"],
                "X-Amz-Cf-Id": ["cDehVQoZnx43VYQb9j2-nvCh-9z396Uhbp027Y2JvkCPNLmGJHqlaA=="],
                "X-Forwarded-For": ["127.0.0.1, 127.0.0.2"],
                "X-Forwarded-Port": ["443"],
                "X-Forwarded-Proto": ["https"]
              },
              "requestContext": {
                "accountId": "{{{account_id}}}",
                "resourceId": "123456",
                "stage": "{{{stage}}}",
                "requestId": "c6af9ac6-7b61-11e6-9a41-93e8deadbeef",
                "requestTime": "09/Apr/2015:12:34:56 +0000",
                "requestTimeEpoch": 1428582896000,
                "identity": {
                  "cognitoIdentityPoolId": null, "accountId": null, "cognitoIdentityId": null, "caller": null, "accessKey": null,
                  "sourceIp": "127.0.0.1", "cognitoAuthenticationType": null, "cognitoAuthenticationProvider": null, "userArn": null,
                  "userAgent": "Custom User Agent String", "user": null
                },
                "path": "/{{{stage}}}/{{{path}}}",
                "resourcePath": "{{{resource}}}",
                "httpMethod": "{{{method}}}",
                "apiId": "1234567890",
                "protocol": "HTTP/1.1"
              }
            }
            """),
        new("apigateway", "http-api-proxy", "Generates an Amazon API Gateway Http API Event",
            [new("body", "{\"test\":\"body\"}", "base64"), new("stage", "$default"), new("method", "POST"), new("path", "path/to/resource"), AccountId, DnsSuffix],
            """
            {
              "version": "2.0",
              "routeKey": "$default",
              "rawPath": "/{{{path}}}",
              "rawQueryString": "parameter1=value1&parameter1=value2&parameter2=value",
              "cookies": ["cookie1", "cookie2"],
              "headers": { "Header1": "value1", "Header2": "value1,value2" },
              "queryStringParameters": { "parameter1": "value1,value2", "parameter2": "value" },
              "requestContext": {
                "accountId": "{{{account_id}}}",
                "apiId": "api-id",
                "authentication": {
                  "clientCert": {
                    "clientCertPem": "CERT_CONTENT",
                    "subjectDN": "www.example.com",
                    "issuerDN": "Example issuer",
                    "serialNumber": "a1:a1:a1:a1:a1:a1:a1:a1:a1:a1:a1:a1:a1:a1:a1:a1",
                    "validity": { "notBefore": "May 28 12:30:02 2019 GMT", "notAfter": "Aug  5 09:36:04 2021 GMT" }
                  }
                },
                "authorizer": { "jwt": { "claims": { "claim1": "value1", "claim2": "value2" }, "scopes": ["scope1", "scope2"] } },
                "domainName": "id.execute-api.{{{dns_suffix}}}",
                "domainPrefix": "id",
                "http": { "method": "{{{method}}}", "path": "/{{{path}}}", "protocol": "HTTP/1.1", "sourceIp": "192.168.0.1/32", "userAgent": "agent" },
                "requestId": "id",
                "routeKey": "$default",
                "stage": "{{{stage}}}",
                "time": "12/Mar/2020:19:03:58 +0000",
                "timeEpoch": 1583348638390
              },
              "body": "{{{body}}}",
              "pathParameters": { "parameter1": "value1" },
              "isBase64Encoded": true,
              "stageVariables": { "stageVariable1": "value1", "stageVariable2": "value2" }
            }
            """),
        new("sqs", "receive-message", "Generates an Amazon SQS Event",
            [Partition, Region, AccountId, new("queue-name", "MyQueue"), new("body", "Hello from SQS!", Md5Child: "md5_of_body")],
            """
            {
              "Records": [
                {
                  "messageId": "19dd0b57-b21e-4ac1-bd88-01bbb068cb78",
                  "receiptHandle": "MessageReceiptHandle",
                  "body": "{{{body}}}",
                  "attributes": {
                    "ApproximateReceiveCount": "1",
                    "SentTimestamp": "1523232000000",
                    "SenderId": "{{{account_id}}}",
                    "ApproximateFirstReceiveTimestamp": "1523232000001"
                  },
                  "messageAttributes": {},
                  "md5OfBody": "{{{md5_of_body}}}",
                  "eventSource": "aws:sqs",
                  "eventSourceARN": "arn:{{{partition}}}:sqs:{{{region}}}:{{{account_id}}}:{{{queue_name}}}",
                  "awsRegion": "{{{region}}}"
                }
              ]
            }
            """),
        new("sns", "notification", "Generates an Amazon SNS Topic Notification Event",
            [AccountId, Partition, Region, new("topic", "ExampleTopic"), new("subject", "example subject"), new("message", "example message")],
            """
            {
              "Records": [
                {
                  "EventSource": "aws:sns",
                  "EventVersion": "1.0",
                  "EventSubscriptionArn": "arn:{{{partition}}}:sns:{{{region}}}:{{{account_id}}}:{{{topic}}}",
                  "Sns": {
                    "Type": "Notification",
                    "MessageId": "95df01b4-ee98-5cb9-9903-4c221d41eb5e",
                    "TopicArn": "arn:{{{partition}}}:sns:{{{region}}}:{{{account_id}}}:{{{topic}}}",
                    "Subject": "{{{subject}}}",
                    "Message": "{{{message}}}",
                    "Timestamp": "1970-01-01T00:00:00.000Z",
                    "SignatureVersion": "1",
                    "Signature": "EXAMPLE",
                    "SigningCertUrl": "EXAMPLE",
                    "UnsubscribeUrl": "EXAMPLE",
                    "MessageAttributes": {
                      "Test": { "Type": "String", "Value": "TestString" },
                      "TestBinary": { "Type": "Binary", "Value": "TestBinary" }
                    }
                  }
                }
              ]
            }
            """),
        new("s3", "put", "Generates an Amazon S3 Put Event",
            [Region, Partition, new("bucket", "example-bucket"), new("key", "test/key", "url")],
            S3Template("ObjectCreated:Put", """, "size": 1024, "eTag": "0123456789abcdef0123456789abcdef" """)),
        new("s3", "delete", "Generates an Amazon S3 Delete Event",
            [Region, Partition, new("bucket", "example-bucket"), new("key", "test/key", "url")],
            S3Template("ObjectRemoved:Delete", "")),
        new("dynamodb", "update", "Generates an Amazon DynamoDB Update Event",
            [AccountId, Partition, Region, new("table", "ExampleTableWithStream")],
            """
            {
              "Records": [
                {
                  "eventID": "c4ca4238a0b923820dcc509a6f75849b",
                  "eventName": "INSERT",
                  "eventVersion": "1.1",
                  "eventSource": "aws:dynamodb",
                  "awsRegion": "{{{region}}}",
                  "dynamodb": {
                    "Keys": { "Id": { "N": "101" } },
                    "NewImage": { "Message": { "S": "New item!" }, "Id": { "N": "101" } },
                    "ApproximateCreationDateTime": 1428537600,
                    "SequenceNumber": "4421584500000000017450439091",
                    "SizeBytes": 26,
                    "StreamViewType": "NEW_AND_OLD_IMAGES"
                  },
                  "eventSourceARN": "arn:{{{partition}}}:dynamodb:{{{region}}}:{{{account_id}}}:table/{{{table}}}/stream/2015-06-27T00:48:05.899"
                },
                {
                  "eventID": "c81e728d9d4c2f636f067f89cc14862c",
                  "eventName": "MODIFY",
                  "eventVersion": "1.1",
                  "eventSource": "aws:dynamodb",
                  "awsRegion": "{{{region}}}",
                  "dynamodb": {
                    "Keys": { "Id": { "N": "101" } },
                    "NewImage": { "Message": { "S": "This item has changed" }, "Id": { "N": "101" } },
                    "OldImage": { "Message": { "S": "New item!" }, "Id": { "N": "101" } },
                    "ApproximateCreationDateTime": 1428537600,
                    "SequenceNumber": "4421584500000000017450439092",
                    "SizeBytes": 59,
                    "StreamViewType": "NEW_AND_OLD_IMAGES"
                  },
                  "eventSourceARN": "arn:{{{partition}}}:dynamodb:{{{region}}}:{{{account_id}}}:table/{{{table}}}/stream/2015-06-27T00:48:05.899"
                },
                {
                  "eventID": "eccbc87e4b5ce2fe28308fd9f2a7baf3",
                  "eventName": "REMOVE",
                  "eventVersion": "1.1",
                  "eventSource": "aws:dynamodb",
                  "awsRegion": "{{{region}}}",
                  "dynamodb": {
                    "Keys": { "Id": { "N": "101" } },
                    "OldImage": { "Message": { "S": "This item has changed" }, "Id": { "N": "101" } },
                    "ApproximateCreationDateTime": 1428537600,
                    "SequenceNumber": "4421584500000000017450439093",
                    "SizeBytes": 38,
                    "StreamViewType": "NEW_AND_OLD_IMAGES"
                  },
                  "eventSourceARN": "arn:{{{partition}}}:dynamodb:{{{region}}}:{{{account_id}}}:table/{{{table}}}/stream/2015-06-27T00:48:05.899"
                }
              ]
            }
            """),
        new("cloudwatch", "scheduled-event", "Generates an Amazon CloudWatch Events Scheduled Event", [AccountId, Partition, Region, new("rule", "ExampleRule")], ScheduledTemplate),
        new("eventbridge", "scheduled-event", "Generates an Amazon EventBridge Scheduled Event", [AccountId, Partition, Region, new("rule", "ExampleRule")], ScheduledTemplate),
    ];

    private const string ScheduledTemplate = """
        {
          "id": "cdc73f9d-aea9-11e3-9d5a-835b769c0d9c",
          "detail-type": "Scheduled Event",
          "source": "aws.events",
          "account": "{{{account_id}}}",
          "time": "1970-01-01T00:00:00Z",
          "region": "{{{region}}}",
          "resources": ["arn:{{{partition}}}:events:{{{region}}}:{{{account_id}}}:rule/{{{rule}}}"],
          "detail": {}
        }
        """;

    private static string S3Template(string eventName, string objectExtra) => $$$$"""
        {
          "Records": [
            {
              "eventVersion": "2.0",
              "eventSource": "aws:s3",
              "awsRegion": "{{{region}}}",
              "eventTime": "1970-01-01T00:00:00.000Z",
              "eventName": "{{{{eventName}}}}",
              "userIdentity": { "principalId": "EXAMPLE" },
              "requestParameters": { "sourceIPAddress": "127.0.0.1" },
              "responseElements": {
                "x-amz-request-id": "EXAMPLE123456789",
                "x-amz-id-2": "EXAMPLE123/5678abcdefghijklambdaisawesome/mnopqrstuvwxyzABCDEFGH"
              },
              "s3": {
                "s3SchemaVersion": "1.0",
                "configurationId": "testConfigRule",
                "bucket": { "name": "{{{bucket}}}", "ownerIdentity": { "principalId": "EXAMPLE" }, "arn": "arn:{{{partition}}}:s3:::{{{bucket}}}" },
                "object": { "key": "{{{key}}}"{{{{objectExtra}}}}, "sequencer": "0A1B2C3D4E5F678901" }
              }
            }
          ]
        }
        """;

    public static SampleEvent? Find(string service, string name)
    {
        // SAM CLI names the HTTP API event http-api-proxy; accept the shorter http-api too. EventBridge and CloudWatch
        // Events are one service: accept "events" as well.
        service = service == "events" ? "eventbridge" : service;
        name = (service, name) switch
        {
            ("apigateway", "http-api") => "http-api-proxy",
            ("eventbridge" or "cloudwatch", "schedule") => "scheduled-event",
            _ => name,
        };
        return All.FirstOrDefault(e => e.Service == service && e.Name == name);
    }
}
