using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging.Abstractions;
using Nimbus.Core.Identity;
using Nimbus.Core.Provisioning;
using Nimbus.Storage.Blobs;
using Nimbus.Storage.Sqlite;
using Nimbus.Templates.Stacks;
using Nimbus.Templates.Stacks.Recorded;

namespace Nimbus.Templates.Tests;

/// <summary>A stack engine over a temporary SQLite store, with <see cref="FakeProvisioner"/> for <c>Test::Thing</c>.</summary>
internal sealed class StackTestbed : IDisposable
{
    public StackTestbed(string? directory = null, Func<ProvisionerRegistry, Nimbus.Templates.CodeDeploy.GradualDeployments>? gradual = null, params IResourceProvisioner[] extra)
    {
        Directory = directory ?? Path.Combine(Path.GetTempPath(), "nimbus-stacks-" + Guid.NewGuid().ToString("N"));
        State = new StateStore(Directory);
        State.Migrate([new StacksMigrations()]);
        Store = new StackStore(State);
        var registry = new ProvisionerRegistry(RecordedProvisioner.All().Append(Things).Concat(extra));
        Engine = new StackEngine(Store, registry, new TemplatePreparer(new ArtifactResolver(new BlobStore(Directory))), TimeProvider.System, NullLogger<StackEngine>.Instance,
            null, gradual?.Invoke(registry));
    }

    public string Directory { get; }

    public StateStore State { get; }

    public StackStore Store { get; }

    public FakeProvisioner Things { get; } = new();

    public StackEngine Engine { get; }

    public AwsRequestContext Caller { get; } = new("000000000000", "us-east-1", "req");

    public async Task<StackState> CreateAsync(string name, string body, params ParameterInput[] parameters)
    {
        var id = await Engine.CreateStackAsync(new StackRequest { StackName = name, TemplateBody = body, Parameters = parameters, Capabilities = ["CAPABILITY_IAM"] }, Caller);
        await Engine.WhenIdleAsync(id);
        return Store.GetStack(id)!;
    }

    public async Task<StackState> UpdateAsync(string name, string body, params ParameterInput[] parameters)
    {
        var id = await Engine.UpdateStackAsync(new StackRequest { StackName = name, TemplateBody = body, Parameters = parameters, Capabilities = ["CAPABILITY_IAM"] }, Caller);
        await Engine.WhenIdleAsync(id);
        return Store.GetStack(id)!;
    }

    public async Task<StackState> DeleteAsync(StackState stack)
    {
        Engine.DeleteStack(Caller, stack.StackName, new HashSet<string>());
        await Engine.WhenIdleAsync(stack.StackId);
        return Store.GetStack(stack.StackId)!;
    }

    public List<string> Events(StackState stack) =>
        Store.Events(stack.StackId).AsEnumerable().Reverse().Select(e => $"{e.LogicalId}:{e.Status}").ToList();

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
            // Best effort.
        }
    }
}

/// <summary>Provisions <c>Test::Thing</c> in memory: records every call; <c>Fail: true</c> fails it; <c>Name</c> changes replace it.</summary>
internal sealed class FakeProvisioner : IResourceProvisioner
{
    private int _next;

    public ConcurrentDictionary<string, JsonObject> Live { get; } = new();

    public ConcurrentQueue<string> Calls { get; } = new();

    /// <summary>When set, each create waits here (to observe parallelism).</summary>
    public Func<ProvisioningRequest, Task>? OnCreate { get; set; }

    public string ResourceType => "Test::Thing";

    public bool RequiresReplacement(string property) => property == "Name";

    public async Task<ProvisionedResource> CreateAsync(ProvisioningRequest request, CancellationToken cancellationToken)
    {
        Calls.Enqueue($"create {request.LogicalId}");
        if (OnCreate is not null)
        {
            await OnCreate(request);
        }

        Fail(request);
        var id = $"thing-{Interlocked.Increment(ref _next)}";
        Live[id] = request.Properties;
        return new ProvisionedResource(id, new Dictionary<string, JsonNode?> { ["Arn"] = $"arn:test:{id}" });
    }

    public Task<ProvisionedResource> UpdateAsync(ProvisioningRequest request, CancellationToken cancellationToken)
    {
        Calls.Enqueue($"update {request.LogicalId} {request.Properties["Value"]}");
        Fail(request);
        Live[request.PhysicalId!] = request.Properties;
        return Task.FromResult(new ProvisionedResource(request.PhysicalId!, new Dictionary<string, JsonNode?> { ["Arn"] = $"arn:test:{request.PhysicalId}" }));
    }

    public Task DeleteAsync(ProvisioningRequest request, CancellationToken cancellationToken)
    {
        Calls.Enqueue($"delete {request.LogicalId}");
        Live.TryRemove(request.PhysicalId!, out _);
        return Task.CompletedTask;
    }

    private static void Fail(ProvisioningRequest request)
    {
        if (request.Properties["Fail"]?.GetValue<bool>() == true)
        {
            throw new ProvisioningException($"{request.LogicalId} was told to fail");
        }
    }
}
