using System.Text;
using System.Text.Json.Nodes;

namespace Nimbus.Messaging.Sqs;

/// <summary>Dead-letter queue redrive: StartMessageMoveTask, ListMessageMoveTasks, CancelMessageMoveTask.</summary>
internal sealed partial class SqsService
{
    private readonly List<MessageMoveTask> _moveTasks = [];

    private JsonObject StartMessageMoveTask(JsonObject input, SqsContext ctx)
    {
        var sourceArn = JsonInput.Required(input, "SourceArn");
        var destinationArn = JsonInput.String(input, "DestinationArn");
        var rate = JsonInput.Long(input, "MaxNumberOfMessagesPerSecond");
        if (rate is < 1 or > 500)
        {
            throw SqsErrors.InvalidParameter("MaxNumberOfMessagesPerSecond", rate, "Must be between 1 and 500.");
        }

        var source = FindByArn(sourceArn) ?? throw SqsErrors.ResourceNotFound("The resource that you specified for the SourceArn parameter doesn't exist.");
        if (!_queues.Values.Any(q => q.Settings.Redrive?.DeadLetterTargetArn == source.Arn))
        {
            throw SqsErrors.InvalidParameterValue("Source queue must be configured as a Dead Letter Queue.");
        }

        SqsQueue? destination = null;
        if (destinationArn is not null)
        {
            destination = FindByArn(destinationArn) ?? throw SqsErrors.ResourceNotFound("The resource that you specified for the DestinationArn parameter doesn't exist.");
            if (destination.Fifo != source.Fifo)
            {
                throw SqsErrors.InvalidParameterValue("The source queue and destination queue must be of the same queue type.");
            }
        }

        MessageMoveTask task;
        lock (_moveTasks)
        {
            if (_moveTasks.Any(t => t.SourceArn == source.Arn && t.Status is "RUNNING" or "CANCELLING"))
            {
                throw SqsErrors.InvalidParameterValue("There is already a task running. Only one active task is allowed for a source queue arn at a given time.");
            }

            int count;
            lock (source.Gate)
            {
                count = source.Messages.Count;
            }

            var handle = Convert.ToBase64String(Encoding.UTF8.GetBytes($"{{\"taskId\":\"{Guid.NewGuid():D}\",\"sourceArn\":\"{source.Arn}\"}}"));
            task = new MessageMoveTask(handle, source.Arn, destination?.Arn, (int?)rate, Now(), count);
            _moveTasks.Add(task);
        }

        _ = Task.Run(() => RunMoveTaskAsync(task, source, destination, ctx));
        return new JsonObject { ["TaskHandle"] = task.Handle };
    }

    private JsonObject ListMessageMoveTasks(JsonObject input, SqsContext ctx)
    {
        var sourceArn = JsonInput.Required(input, "SourceArn");
        var max = JsonInput.Long(input, "MaxResults") ?? 1;
        if (max is < 1 or > 10)
        {
            throw SqsErrors.InvalidParameter("MaxResults", max, "Must be between 1 and 10.");
        }

        _ = FindByArn(sourceArn) ?? throw SqsErrors.ResourceNotFound("The resource that you specified for the SourceArn parameter doesn't exist.");
        List<MessageMoveTask> tasks;
        lock (_moveTasks)
        {
            tasks = _moveTasks.Where(t => t.SourceArn == sourceArn).OrderByDescending(t => t.Started).Take((int)max).ToList();
        }

        var results = new JsonArray();
        foreach (var t in tasks)
        {
            var o = new JsonObject
            {
                ["Status"] = t.Status,
                ["SourceArn"] = t.SourceArn,
                ["ApproximateNumberOfMessagesMoved"] = Interlocked.Read(ref t.Moved),
                ["ApproximateNumberOfMessagesToMove"] = t.ToMove,
                ["StartedTimestamp"] = t.Started,
            };
            if (t.Status is "RUNNING")
            {
                o["TaskHandle"] = t.Handle;
            }

            if (t.DestinationArn is not null)
            {
                o["DestinationArn"] = t.DestinationArn;
            }

            if (t.MaxPerSecond is not null)
            {
                o["MaxNumberOfMessagesPerSecond"] = t.MaxPerSecond;
            }

            if (t.FailureReason is not null)
            {
                o["FailureReason"] = t.FailureReason;
            }

            results.Add(o);
        }

        return new JsonObject { ["Results"] = results };
    }

    private JsonObject CancelMessageMoveTask(JsonObject input, SqsContext ctx)
    {
        var handle = JsonInput.Required(input, "TaskHandle");
        MessageMoveTask? task;
        lock (_moveTasks)
        {
            task = _moveTasks.FirstOrDefault(t => t.Handle == handle);
        }

        if (task is null)
        {
            throw SqsErrors.ResourceNotFound("Task does not exist.");
        }

        if (task.Status != "RUNNING")
        {
            throw SqsErrors.InvalidParameterValue("Only active tasks can be cancelled.");
        }

        task.Status = "CANCELLING";
        task.Cancel.Cancel();
        return new JsonObject { ["ApproximateNumberOfMessagesMoved"] = Interlocked.Read(ref task.Moved) };
    }

    /// <summary>Moves the messages present when the task started, oldest first, each in its own transaction.</summary>
    /// <remarks>Without a destination a message returns to the queue it was dead-lettered from (its DeadLetterQueueSourceArn).
    /// A moved message is a new message in the destination: new id, receive count zero, as SQS redrive does.</remarks>
    private async Task RunMoveTaskAsync(MessageMoveTask task, SqsQueue source, SqsQueue? destination, SqsContext ctx)
    {
        try
        {
            var moved = 0L;
            while (moved < task.ToMove && !task.Cancel.IsCancellationRequested)
            {
                SqsMessage? next;
                lock (source.Gate)
                {
                    var now = Now();
                    next = source.Deleted ? null : source.Messages.Values.FirstOrDefault(m => m.IsVisible(now));
                }

                if (next is null)
                {
                    break;
                }

                var target = destination ?? (next.DeadLetterSourceArn is { } arn ? FindByArn(arn) : null);
                if (target is null)
                {
                    task.FailureReason = "AWS.SimpleQueueService.NonExistentQueue";
                    task.Status = "FAILED";
                    return;
                }

                var copy = new OutgoingMessage(next.Body, next.Attributes, next.SystemAttributes, null, next.GroupId, next.DeduplicationId);
                Enqueue(target, [copy], next.SenderId, redrive: true);
                lock (source.Gate)
                {
                    if (source.Messages.Remove(next.Seq))
                    {
                        _store.Delete(source.Id, [next.Seq]);
                    }
                }

                moved = Interlocked.Increment(ref task.Moved);
                if (task.MaxPerSecond is { } rate)
                {
                    await Task.Delay(TimeSpan.FromSeconds(1.0 / rate), _time, task.Cancel.Token).ConfigureAwait(false);
                }
            }

            task.Status = task.Cancel.IsCancellationRequested ? "CANCELLED" : "COMPLETED";
        }
        catch (OperationCanceledException)
        {
            task.Status = "CANCELLED";
        }
        catch (Exception e)
        {
            task.FailureReason = e.Message;
            task.Status = "FAILED";
        }
    }
}
