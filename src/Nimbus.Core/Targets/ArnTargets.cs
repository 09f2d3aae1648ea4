using Nimbus.Core.Identity;

namespace Nimbus.Core.Targets;

/// <summary>Routes deliveries to the <see cref="IArnTarget"/> registered for the ARN's service.</summary>
public sealed class ArnTargets(IEnumerable<IArnTarget> targets) : IArnTargets
{
    private readonly Dictionary<string, IArnTarget> _byService = targets.ToDictionary(t => t.Service, StringComparer.Ordinal);

    public bool Supports(string arn) => Arn.TryParse(arn, out var parsed) && _byService.ContainsKey(parsed.Service);

    public Task<ArnDeliveryResult> DeliverAsync(string arn, ArnMessage message, CancellationToken cancellationToken = default)
    {
        if (!Arn.TryParse(arn, out var parsed))
        {
            throw new ArnDeliveryException("InvalidParameterValue", $"Invalid ARN: {arn}");
        }

        if (!_byService.TryGetValue(parsed.Service, out var target))
        {
            throw new ArnDeliveryException("UnsupportedTarget", $"Nimbus does not deliver to {parsed.Service} targets yet ({arn}).");
        }

        return target.DeliverAsync(parsed, message, cancellationToken);
    }
}
