using System.Xml.Linq;
using Nimbus.Core.Errors;

namespace Nimbus.Data.S3;

internal sealed partial class S3Api
{
    private async Task PutBucketNotificationAsync(S3Request r)
    {
        var b = Bucket(r);
        var doc = await ReadXmlAsync(r);
        var root = doc?.Root ?? new XElement(Ns + "NotificationConfiguration");

        // Each configuration gets an id if it has none; its destination must be one Nimbus can deliver to.
        var failures = new List<string>();
        foreach (var config in root.Elements())
        {
            var kind = config.Name.LocalName;
            if (kind is not ("QueueConfiguration" or "TopicConfiguration" or "CloudFunctionConfiguration"))
            {
                continue;
            }

            if (!config.Elements().Any(e => e.Name.LocalName == "Id"))
            {
                config.AddFirst(new XElement(config.Name.Namespace + "Id", Guid.NewGuid().ToString("D")));
            }

            var arn = config.Elements().FirstOrDefault(e => e.Name.LocalName is "Queue" or "Topic" or "CloudFunction")?.Value;
            if (arn is null)
            {
                throw S3Errors.Malformed();
            }

            foreach (var ev in config.Elements().Where(e => e.Name.LocalName == "Event"))
            {
                if (!ev.Value.StartsWith("s3:", StringComparison.Ordinal))
                {
                    throw S3Errors.InvalidArgument("The event is not supported for notifications");
                }
            }

            if (!targets.Supports(arn))
            {
                failures.Add(arn);
            }
        }

        if (failures.Count > 0)
        {
            throw new AwsServiceException(new AwsError("InvalidArgument", "Unable to validate the following destination configurations", 400)
            {
                Fields = new Dictionary<string, string> { ["ArgumentName1"] = failures[0], ["ArgumentValue1"] = "Not authorized to invoke function [" + failures[0] + "]" },
            });
        }

        var skipTest = r.H("x-amz-skip-destination-validation") == "true";
        store.SetBucketConfig(b.Name, "notification", root.HasElements ? root.ToString(SaveOptions.DisableFormatting) : null);
        if (!skipTest)
        {
            foreach (var t in S3Notifications.Parse(root.ToString(), out _).Where(t => !t.Arn.StartsWith("arn:aws:lambda:", StringComparison.Ordinal)))
            {
                notifications.EnqueueTestEvent(b, t.Arn, r.Caller.RequestId);
            }
        }
    }

    private Task GetBucketNotificationAsync(S3Request r)
    {
        var b = Bucket(r);
        if (b.Notification is null)
        {
            return WriteXmlAsync(r, X("NotificationConfiguration"));
        }

        var root = XElement.Parse(b.Notification);
        foreach (var e in root.DescendantsAndSelf())
        {
            e.Name = Ns + e.Name.LocalName;
        }

        return WriteXmlAsync(r, root);
    }
}
