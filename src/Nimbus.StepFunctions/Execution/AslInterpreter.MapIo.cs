using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Nimbus.StepFunctions.Asl.Model;
using Nimbus.StepFunctions.Asl.Payload;
using Nimbus.StepFunctions.Json;

namespace Nimbus.StepFunctions.Execution;

/// <summary>
/// A distributed Map's <c>ItemReader</c> (items from an S3 object — JSON, JSON Lines, CSV, a manifest — or from an S3
/// listing) and <c>ResultWriter</c> (child results written to S3 as <c>manifest.json</c> + <c>SUCCEEDED_0.json</c>…).
/// Both call their <c>Resource</c> (<c>arn:aws:states:::s3:getObject</c>, <c>s3:listObjectsV2</c>, <c>s3:putObject</c>)
/// through the task invoker, as a Task state would.
/// </summary>
public sealed partial class AslInterpreter
{
    private async ValueTask<JsonArray> ReadItemsAsync(MapState state, JsonObject reader, JsonNode? input, JsonNode? effective, Frame frame, CancellationToken ct)
    {
        var resource = JsonText.AsString(reader["Resource"]) ?? throw new StatesException(StatesErrors.ItemReaderFailed, "The ItemReader has no Resource.");
        var config = reader["ReaderConfig"] as JsonObject;
        var maxItems = ReaderMaxItems(config, effective, frame);
        var parameters = ReaderParameters(state, reader, input, effective, frame);
        var items = new JsonArray();
        if (resource.EndsWith(":s3:listObjectsV2", StringComparison.Ordinal))
        {
            string? continuation = null;
            do
            {
                var page = parameters.DeepClone().AsObject();
                if (continuation is not null)
                {
                    page["ContinuationToken"] = continuation;
                }

                var listing = await CallReaderAsync(resource, page, state, frame, StatesErrors.ItemReaderFailed, ct).ConfigureAwait(false);
                foreach (var item in listing?["Contents"] as JsonArray ?? [])
                {
                    if (maxItems is { } max && items.Count >= max)
                    {
                        return items;
                    }

                    var summary = item!.DeepClone().AsObject();
                    if (JsonText.AsString(summary["LastModified"]) is { } text
                        && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var when))
                    {
                        summary["LastModified"] = when.ToUnixTimeSeconds();
                    }

                    items.Add(summary);
                }

                continuation = listing?["IsTruncated"] is JsonValue t && t.TryGetValue<bool>(out var truncated) && truncated ? JsonText.AsString(listing["NextContinuationToken"]) : null;
            }
            while (continuation is not null);
            return items;
        }

        if (!resource.EndsWith(":s3:getObject", StringComparison.Ordinal))
        {
            throw new StatesException(StatesErrors.ItemReaderFailed, $"The ItemReader resource '{resource}' is not supported.");
        }

        var result = await CallReaderAsync(resource, parameters, state, frame, StatesErrors.ItemReaderFailed, ct).ConfigureAwait(false);
        var body = JsonText.AsString(result?["Body"]) ?? "";
        var inputType = JsonText.AsString(config?["InputType"]) ?? "JSON";
        switch (inputType)
        {
            case "JSON":
                JsonNode? parsed;
                try
                {
                    parsed = JsonNode.Parse(body);
                }
                catch (JsonException e)
                {
                    throw new StatesException(StatesErrors.ItemReaderFailed, $"The object is not valid JSON: {e.Message}");
                }

                if (parsed is not JsonArray array)
                {
                    throw new StatesException(StatesErrors.ItemReaderFailed, "Attempting to map over non-iterable node.");
                }

                foreach (var item in array)
                {
                    if (maxItems is { } max && items.Count >= max)
                    {
                        break;
                    }

                    items.Add(item?.DeepClone());
                }

                return items;
            case "JSONL":
                foreach (var line in body.Split('\n'))
                {
                    if (line.Trim().Length == 0)
                    {
                        continue;
                    }

                    if (maxItems is { } max && items.Count >= max)
                    {
                        break;
                    }

                    try
                    {
                        items.Add(JsonNode.Parse(line));
                    }
                    catch (JsonException e)
                    {
                        throw new StatesException(StatesErrors.ItemReaderFailed, $"Line {items.Count + 1} of the object is not valid JSON: {e.Message}");
                    }
                }

                return items;
            case "CSV":
                return CsvItems(body, config, maxItems);
            case "MANIFEST":
                // An S3 inventory manifest: each line "bucket,key" of the listed data files.
                foreach (var line in body.Split('\n'))
                {
                    var fields = ParseCsvLine(line.TrimEnd('\r'), ',');
                    if (fields.Count >= 2 && (maxItems is not { } max || items.Count < max))
                    {
                        items.Add(new JsonObject { ["Bucket"] = fields[0], ["Key"] = fields[1] });
                    }
                }

                return items;
            default:
                throw new StatesException(StatesErrors.ItemReaderFailed, $"The ReaderConfig InputType '{inputType}' is not supported.");
        }
    }

    private JsonObject ReaderParameters(MapState state, JsonObject reader, JsonNode? input, JsonNode? effective, Frame frame)
    {
        JsonNode? parameters;
        if (state.QueryLanguage == QueryLanguageKind.Jsonata)
        {
            parameters = reader["Arguments"] is { } arguments ? EvaluateJsonataTemplate(arguments, StatesBinding(input, frame), frame, "ItemReader/Arguments") : new JsonObject();
        }
        else
        {
            var problems = new List<(string Location, string Message)>();
            var template = PayloadTemplate.Compile(reader["Parameters"] ?? new JsonObject(), "ItemReader.Parameters", problems);
            if (problems.Count > 0)
            {
                throw new StatesException(StatesErrors.ItemReaderFailed, problems[0].Message);
            }

            parameters = template.Evaluate(frame.Scope(effective));
        }

        return parameters as JsonObject ?? throw new StatesException(StatesErrors.ItemReaderFailed, "The ItemReader parameters must be an object.");
    }

    private static int? ReaderMaxItems(JsonObject? config, JsonNode? effective, Frame frame)
    {
        if (config?["MaxItems"] is JsonValue v && v.TryGetValue<int>(out var max))
        {
            return max;
        }

        if (JsonText.AsString(config?["MaxItemsPath"]) is { } text && Asl.Paths.JsonPath.TryParse(text, out var path, out _)
            && frame.Scope(effective).TryResolve(path!, out var value) && value is JsonValue pv && pv.TryGetValue<int>(out var fromPath))
        {
            return fromPath;
        }

        return null;
    }

    private static JsonArray CsvItems(string body, JsonObject? config, int? maxItems)
    {
        var delimiter = JsonText.AsString(config?["CSVDelimiter"]) switch
        {
            "SEMICOLON" => ';',
            "PIPE" => '|',
            "TAB" => '\t',
            "SPACE" => ' ',
            _ => ',',
        };
        var lines = body.Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n').Where(l => l.Length > 0).ToList();
        List<string> headers;
        var first = 0;
        if (JsonText.AsString(config?["CSVHeaderLocation"]) == "GIVEN")
        {
            headers = (config?["CSVHeaders"] as JsonArray ?? []).Select(h => JsonText.AsString(h) ?? "").ToList();
        }
        else
        {
            if (lines.Count == 0)
            {
                return [];
            }

            headers = ParseCsvLine(lines[0], delimiter);
            first = 1;
        }

        var items = new JsonArray();
        for (var i = first; i < lines.Count; i++)
        {
            if (maxItems is { } max && items.Count >= max)
            {
                break;
            }

            var fields = ParseCsvLine(lines[i], delimiter);
            if (fields.Count != headers.Count)
            {
                throw new StatesException(StatesErrors.ItemReaderFailed, $"Row {i + 1} has {fields.Count} fields but the header has {headers.Count}.");
            }

            var row = new JsonObject();
            for (var c = 0; c < headers.Count; c++)
            {
                row[headers[c]] = fields[c];
            }

            items.Add(row);
        }

        return items;
    }

    /// <summary>One CSV record (RFC 4180 quoting: "a,b" and doubled quotes).</summary>
    private static List<string> ParseCsvLine(string line, char delimiter)
    {
        var fields = new List<string>();
        var current = new StringBuilder();
        var quoted = false;
        for (var i = 0; i < line.Length; i++)
        {
            var c = line[i];
            if (quoted)
            {
                if (c == '"' && i + 1 < line.Length && line[i + 1] == '"')
                {
                    current.Append('"');
                    i++;
                }
                else if (c == '"')
                {
                    quoted = false;
                }
                else
                {
                    current.Append(c);
                }
            }
            else if (c == '"')
            {
                quoted = true;
            }
            else if (c == delimiter)
            {
                fields.Add(current.ToString());
                current.Clear();
            }
            else
            {
                current.Append(c);
            }
        }

        fields.Add(current.ToString());
        return fields;
    }

    /// <summary>Writes the Map Run's results to S3; the Map's output becomes the location of the manifest.</summary>
    private async ValueTask<JsonNode?> WriteResultsAsync(
        MapState state, JsonObject writer, string mapRunArn, List<JsonNode?> inputs, JsonNode?[] outputs, IReadOnlyList<(int Index, StatesException Error)> failures,
        JsonNode? input, JsonNode? effective, Frame frame, CancellationToken ct)
    {
        JsonObject parameters;
        if (state.QueryLanguage == QueryLanguageKind.Jsonata)
        {
            parameters = (writer["Arguments"] is { } arguments ? EvaluateJsonataTemplate(arguments, StatesBinding(input, frame), frame, "ResultWriter/Arguments") : null) as JsonObject ?? [];
        }
        else
        {
            var problems = new List<(string Location, string Message)>();
            var template = PayloadTemplate.Compile(writer["Parameters"] ?? new JsonObject(), "ResultWriter.Parameters", problems);
            parameters = (problems.Count == 0 ? template.Evaluate(frame.Scope(effective)) : null) as JsonObject
                ?? throw new StatesException(StatesErrors.ResultWriterFailed, "The ResultWriter parameters must be an object.");
        }

        var bucket = JsonText.AsString(parameters["Bucket"]) ?? throw new StatesException(StatesErrors.ResultWriterFailed, "The ResultWriter has no Bucket.");
        var prefix = JsonText.AsString(parameters["Prefix"]) ?? "";
        var mapRunId = mapRunArn[(mapRunArn.LastIndexOf(':') + 1)..];
        var folder = (prefix.Length == 0 ? "" : prefix.TrimEnd('/') + "/") + mapRunId;
        var resource = JsonText.AsString(writer["Resource"]) ?? "arn:aws:states:::s3:putObject";
        var failed = failures.ToDictionary(f => f.Index, f => f.Error);

        var succeededRecords = new JsonArray();
        var failedRecords = new JsonArray();
        for (var i = 0; i < inputs.Count; i++)
        {
            var record = new JsonObject
            {
                ["ExecutionArn"] = $"{mapRunArn.Replace(":mapRun:", ":execution:", StringComparison.Ordinal)}:{i.ToString(CultureInfo.InvariantCulture)}",
                ["Input"] = JsonText.Serialize(inputs[i]),
                ["InputDetails"] = new JsonObject { ["Included"] = true },
                ["Name"] = i.ToString(CultureInfo.InvariantCulture),
                ["StateMachineArn"] = frame.Run.Request.StateMachineArn,
            };
            if (failed.TryGetValue(i, out var error))
            {
                record["Status"] = "FAILED";
                record["Error"] = error.Error;
                record["Cause"] = error.Cause;
                failedRecords.Add(record);
            }
            else
            {
                record["Output"] = JsonText.Serialize(outputs[i]);
                record["OutputDetails"] = new JsonObject { ["Included"] = true };
                record["Status"] = "SUCCEEDED";
                succeededRecords.Add(record);
            }
        }

        var files = new JsonObject { ["FAILED"] = new JsonArray(), ["PENDING"] = new JsonArray(), ["SUCCEEDED"] = new JsonArray() };
        foreach (var (status, records) in new[] { ("SUCCEEDED", succeededRecords), ("FAILED", failedRecords) })
        {
            if (records.Count == 0)
            {
                continue;
            }

            var key = $"{folder}/{status}_0.json";
            var text = records.ToJsonString();
            await CallReaderAsync(resource, new JsonObject { ["Bucket"] = bucket, ["Key"] = key, ["Body"] = text, ["ContentType"] = "application/json" }, state, frame, StatesErrors.ResultWriterFailed, ct).ConfigureAwait(false);
            ((JsonArray)files[status]!).Add(new JsonObject { ["Key"] = key, ["Size"] = Encoding.UTF8.GetByteCount(text) });
        }

        var manifestKey = $"{folder}/manifest.json";
        var manifest = new JsonObject { ["DestinationBucket"] = bucket, ["MapRunArn"] = mapRunArn, ["ResultFiles"] = files };
        await CallReaderAsync(resource, new JsonObject { ["Bucket"] = bucket, ["Key"] = manifestKey, ["Body"] = manifest.ToJsonString(), ["ContentType"] = "application/json" }, state, frame, StatesErrors.ResultWriterFailed, ct).ConfigureAwait(false);
        return new JsonObject
        {
            ["MapRunArn"] = mapRunArn,
            ["ResultWriterDetails"] = new JsonObject { ["Bucket"] = bucket, ["Key"] = manifestKey },
        };
    }

    private async ValueTask<JsonNode?> CallReaderAsync(string resource, JsonObject parameters, MapState state, Frame frame, string errorName, CancellationToken ct)
    {
        var invoker = options.TaskInvoker ?? throw new StatesException(errorName, $"No task invoker is configured for resource '{resource}'.");
        var result = await invoker.InvokeAsync(
            new TaskInvocation(resource, parameters, frame.ContextDocument?.DeepClone(), null, null, null, state.Name, frame.Run.Request.ExecutionArn), ct).ConfigureAwait(false);
        if (!result.Succeeded)
        {
            throw new StatesException(errorName, $"{result.Error}: {result.Cause}");
        }

        return result.Output;
    }
}
