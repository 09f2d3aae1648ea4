using System.Text.Json.Nodes;
using Nimbus.Core.Metrics;
using Nimbus.Logs.Metrics.Api;
using Nimbus.Logs.Metrics.Store;

namespace Nimbus.Logs.Metrics.Alarms;

/// <summary>Creates, updates, deletes and sets the state of metric alarms; shared by the API and the CloudFormation provisioner.</summary>
internal sealed class AlarmService(AlarmStore alarms, AlarmTransitions transitions, AlarmEvaluator evaluator, TimeProvider time) : IAlarmStates
{
    public const string InitialReason = "Unchecked: Initial alarm creation";

    public const string UnevaluatedReason = "Unchecked: Nimbus does not evaluate metric math or anomaly detection alarms";

    private static readonly HashSet<string> Operators = ["GreaterThanOrEqualToThreshold", "GreaterThanThreshold", "LessThanThreshold", "LessThanOrEqualToThreshold"];
    private static readonly HashSet<string> MissingData = ["breaching", "notBreaching", "ignore", "missing"];

    /// <summary>PutMetricAlarm: validates the request, stores the alarm and records a ConfigurationUpdate; true when created.</summary>
    public bool Put(string account, string region, JsonObject input)
    {
        var (name, config, tags) = Validate(input);
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        var alarm = new MetricAlarm(account, region, name, config, MetricAlarm.InsufficientData, InitialReason, null, now, now, now,
            Wire.Bool(input, "ActionsEnabled") ?? true, tags);
        var created = alarms.Put(alarm, isNew => new AlarmHistoryItem(
            name, now, "ConfigurationUpdate", $"Alarm \"{name}\" {(isNew ? "created" : "updated")}",
            new JsonObject { ["type"] = isNew ? "Create" : "Update", ["version"] = "1.0", [isNew ? "createdAlarm" : "updatedAlarm"] = Describe(alarm) }.ToJsonString()));
        evaluator.Reset(account, region, name);
        return created;
    }

    /// <summary>Stores a metric-math or anomaly-detection alarm from CloudFormation as it was given; it is never evaluated
    /// (state INSUFFICIENT_DATA until SetAlarmState), so templates that have one still deploy.</summary>
    public void PutUnevaluated(string account, string region, JsonObject input)
    {
        var name = Wire.RequiredString(input, "AlarmName");
        var config = input.DeepClone().AsObject();
        foreach (var member in new[] { "AlarmName", "Tags", "ActionsEnabled" })
        {
            config.Remove(member);
        }

        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        var alarm = new MetricAlarm(account, region, name, config, MetricAlarm.InsufficientData, UnevaluatedReason, null, now, now, now,
            Wire.Bool(input, "ActionsEnabled") ?? true, new Dictionary<string, string>(StringComparer.Ordinal));
        alarms.Put(alarm, isNew => new AlarmHistoryItem(
            name, now, "ConfigurationUpdate", $"Alarm \"{name}\" {(isNew ? "created" : "updated")}",
            new JsonObject { ["type"] = isNew ? "Create" : "Update", ["version"] = "1.0" }.ToJsonString()));
    }

    public List<string> Delete(string account, string region, IReadOnlyCollection<string> names, bool ignoreMissing)
    {
        var missing = names.Where(n => alarms.Get(account, region, n) is null).ToList();
        if (missing.Count > 0 && !ignoreMissing)
        {
            throw CloudWatchErrors.ResourceNotFound($"Alarm(s) not found: [{string.Join(", ", missing)}]");
        }

        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        return alarms.Delete(account, region, names.Except(missing), n => new AlarmHistoryItem(
            n, now, "ConfigurationUpdate", $"Alarm \"{n}\" deleted", new JsonObject { ["type"] = "Delete", ["version"] = "1.0" }.ToJsonString()));
    }

    /// <summary>SetAlarmState: the state holds until the next evaluation, as on AWS.</summary>
    public void SetState(string account, string region, string name, string state, string reason, string? reasonData)
    {
        if (state is not (MetricAlarm.Ok or MetricAlarm.Alarm or MetricAlarm.InsufficientData))
        {
            throw CloudWatchErrors.InvalidParameterValue($"The value {state} for parameter StateValue is invalid.");
        }

        if (reasonData is not null)
        {
            try
            {
                _ = JsonNode.Parse(reasonData) as JsonObject ?? throw new System.Text.Json.JsonException();
            }
            catch (System.Text.Json.JsonException)
            {
                throw CloudWatchErrors.InvalidFormat("StateReasonData must be valid JSON.");
            }
        }

        var alarm = alarms.Get(account, region, name) ?? throw CloudWatchErrors.ResourceNotFound($"Alarm {name} not found");
        transitions.Apply(alarm, state, reason, reasonData, keepWhenUnchanged: false);
        evaluator.Defer(account, region, name);
    }

    public AlarmPoll Poll(string accountId, string region, IReadOnlyCollection<string> alarmNames, DateTimeOffset since)
    {
        var inAlarm = new List<string>();
        var missing = new List<string>();
        var entered = alarms.EnteredAlarmSince(accountId, region, alarmNames, since.ToUnixTimeMilliseconds());
        foreach (var name in alarmNames)
        {
            var alarm = alarms.Get(accountId, region, name);
            if (alarm is null)
            {
                missing.Add(name);
            }
            else if (alarm.State == MetricAlarm.Alarm || entered.Contains(name))
            {
                inAlarm.Add(name);
            }
        }

        return new AlarmPoll(inAlarm, missing);
    }

    /// <summary>The MetricAlarm shape DescribeAlarms returns.</summary>
    public static JsonObject Describe(MetricAlarm alarm)
    {
        var c = alarm.Config;
        var o = new JsonObject
        {
            ["AlarmName"] = alarm.Name,
            ["AlarmArn"] = alarm.Arn,
        };
        Copy(c, o, "AlarmDescription");
        o["AlarmConfigurationUpdatedTimestamp"] = Wire.Seconds(alarm.ConfigUpdated);
        o["ActionsEnabled"] = alarm.ActionsEnabled;
        o["OKActions"] = c["OKActions"]?.DeepClone() ?? new JsonArray();
        o["AlarmActions"] = c["AlarmActions"]?.DeepClone() ?? new JsonArray();
        o["InsufficientDataActions"] = c["InsufficientDataActions"]?.DeepClone() ?? new JsonArray();
        o["StateValue"] = alarm.State;
        o["StateReason"] = alarm.StateReason;
        if (alarm.StateReasonData is not null)
        {
            o["StateReasonData"] = alarm.StateReasonData;
        }

        o["StateUpdatedTimestamp"] = Wire.Seconds(alarm.StateUpdated);
        foreach (var member in new[] { "MetricName", "Namespace", "Statistic", "ExtendedStatistic" })
        {
            Copy(c, o, member);
        }

        o["Dimensions"] = c["Dimensions"]?.DeepClone() ?? new JsonArray();
        foreach (var member in new[] { "Period", "Unit", "EvaluationPeriods", "DatapointsToAlarm", "Threshold", "ComparisonOperator", "TreatMissingData", "EvaluateLowSampleCountPercentile", "Metrics", "ThresholdMetricId" })
        {
            Copy(c, o, member);
        }

        o["StateTransitionedTimestamp"] = Wire.Seconds(alarm.StateTransitioned);
        return o;
    }

    private static void Copy(JsonObject from, JsonObject to, string member)
    {
        if (from[member] is { } value)
        {
            to[member] = value.DeepClone();
        }
    }

    /// <summary>Checks a PutMetricAlarm request (or an AWS::CloudWatch::Alarm's properties) and returns the normalised configuration.</summary>
    private static (string Name, JsonObject Config, Dictionary<string, string> Tags) Validate(JsonObject input)
    {
        var name = Wire.RequiredString(input, "AlarmName");
        if (name.Length > 255)
        {
            throw CloudWatchErrors.InvalidParameterValue("The parameter AlarmName must not be longer than 255 characters.");
        }

        if (input["Metrics"] is JsonArray { Count: > 0 } || input["ThresholdMetricId"] is not null)
        {
            throw CloudWatchErrors.InvalidParameterValue("Nimbus supports single-metric alarms only: Metrics (metric math) and ThresholdMetricId are not supported.");
        }

        var config = new JsonObject();
        if (Wire.String(input, "AlarmDescription") is { } description)
        {
            config["AlarmDescription"] = description;
        }

        config["MetricName"] = Wire.RequiredString(input, "MetricName");
        config["Namespace"] = Wire.RequiredString(input, "Namespace");
        var statistic = Wire.String(input, "Statistic");
        var extended = Wire.String(input, "ExtendedStatistic");
        if ((statistic is null) == (extended is null))
        {
            throw CloudWatchErrors.InvalidParameterCombination("Exactly one of the parameters Statistic and ExtendedStatistic must be specified.");
        }

        if (statistic is not null && !MetricStatistics.Standard.Contains(statistic))
        {
            throw CloudWatchErrors.InvalidParameterValue($"The value {statistic} for parameter Statistic is invalid: it must be one of [SampleCount, Average, Sum, Minimum, Maximum].");
        }

        if (extended is not null && !MetricStatistics.IsPercentile(extended))
        {
            throw CloudWatchErrors.InvalidParameterValue($"The value {extended} for parameter ExtendedStatistic is invalid: Nimbus supports percentiles p0.0 to p100.");
        }

        config[statistic is null ? "ExtendedStatistic" : "Statistic"] = statistic ?? extended;
        config["Dimensions"] = MetricDimensions.ToJson(MetricDimensions.Canonical(Wire.Dimensions(input, "Dimensions")));
        var period = Wire.Int(input, "Period") ?? throw CloudWatchErrors.MissingParameter("Period");
        if (period is not (10 or 30) && (period < 60 || period % 60 != 0))
        {
            throw CloudWatchErrors.InvalidParameterValue("The parameter Period must be 10, 30 or a multiple of 60.");
        }

        config["Period"] = period;
        if (Wire.String(input, "Unit") is { } unit)
        {
            config["Unit"] = Units.Check(unit, "Unit");
        }

        var evaluationPeriods = Wire.Int(input, "EvaluationPeriods") ?? throw CloudWatchErrors.MissingParameter("EvaluationPeriods");
        if (evaluationPeriods < 1)
        {
            throw CloudWatchErrors.InvalidParameterValue("The parameter EvaluationPeriods must be greater than or equal to 1.");
        }

        if ((long)evaluationPeriods * period > 7 * 86400)
        {
            throw CloudWatchErrors.InvalidParameterValue("The evaluation range of the alarm (Period × EvaluationPeriods) must not exceed 7 days.");
        }

        config["EvaluationPeriods"] = evaluationPeriods;
        if (Wire.Int(input, "DatapointsToAlarm") is { } toAlarm)
        {
            if (toAlarm < 1 || toAlarm > evaluationPeriods)
            {
                throw CloudWatchErrors.InvalidParameterValue("DatapointsToAlarm must be between 1 and EvaluationPeriods.");
            }

            config["DatapointsToAlarm"] = toAlarm;
        }

        config["Threshold"] = Wire.Double(input, "Threshold") ?? throw CloudWatchErrors.MissingParameter("Threshold");
        var comparison = Wire.RequiredString(input, "ComparisonOperator");
        if (!Operators.Contains(comparison))
        {
            throw CloudWatchErrors.InvalidParameterValue($"The value {comparison} for parameter ComparisonOperator is invalid: single-metric alarms support [{string.Join(", ", Operators)}].");
        }

        config["ComparisonOperator"] = comparison;
        var missing = Wire.String(input, "TreatMissingData") ?? "missing";
        if (!MissingData.Contains(missing))
        {
            throw CloudWatchErrors.InvalidParameterValue($"The value {missing} for parameter TreatMissingData is invalid: it must be one of [breaching, notBreaching, ignore, missing].");
        }

        config["TreatMissingData"] = missing;
        if (Wire.String(input, "EvaluateLowSampleCountPercentile") is { } low)
        {
            config["EvaluateLowSampleCountPercentile"] = low;
        }

        foreach (var list in new[] { "AlarmActions", "OKActions", "InsufficientDataActions" })
        {
            var arns = Wire.Strings(input, list);
            if (arns.Count > 5)
            {
                throw CloudWatchErrors.InvalidParameterValue($"The collection {list} must not have a size greater than 5.");
            }

            foreach (var arn in arns.Where(a => !Nimbus.Core.Identity.Arn.TryParse(a, out _)))
            {
                throw CloudWatchErrors.InvalidParameterValue($"Invalid arn syntax: {arn}");
            }

            config[list] = new JsonArray(arns.Select(a => (JsonNode)JsonValue.Create(a)).ToArray());
        }

        var tags = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var t in (input["Tags"] as JsonArray ?? []).OfType<JsonObject>())
        {
            tags[Wire.RequiredString(t, "Key")] = Wire.String(t, "Value") ?? "";
        }

        return (name, config, tags);
    }

}
