namespace Nimbus.Core.Provisioning;

/// <summary>Creates, updates and deletes the resources of one CloudFormation resource type from resolved properties.</summary>
/// <remarks>
/// Each service registers one provisioner per type it owns (<c>AWS::Lambda::Function</c> by Functions, <c>AWS::SQS::Queue</c>
/// by Messaging…); the stack engine never reaches into a service. Properties arrive with every intrinsic resolved.
/// A failure is an exception whose message becomes the resource's <c>CREATE_FAILED</c>/<c>UPDATE_FAILED</c> reason.
/// Provisioners are singletons and called concurrently for different resources.
/// </remarks>
public interface IResourceProvisioner
{
    /// <summary>The CloudFormation type, e.g. <c>AWS::SQS::Queue</c>.</summary>
    string ResourceType { get; }

    /// <summary>Whether changing <paramref name="property"/> (a top-level property name) replaces the resource, as CloudFormation documents for the type.</summary>
    bool RequiresReplacement(string property);

    /// <summary>Creates the resource; returns its physical id (the value of <c>Ref</c>) and its <c>Fn::GetAtt</c> attributes.</summary>
    Task<ProvisionedResource> CreateAsync(ProvisioningRequest request, CancellationToken cancellationToken);

    /// <summary>Updates the resource named by <see cref="ProvisioningRequest.PhysicalId"/> in place (no replacing property changed).</summary>
    Task<ProvisionedResource> UpdateAsync(ProvisioningRequest request, CancellationToken cancellationToken);

    /// <summary>Deletes the resource; a resource that is already gone is not an error.</summary>
    Task DeleteAsync(ProvisioningRequest request, CancellationToken cancellationToken);
}
