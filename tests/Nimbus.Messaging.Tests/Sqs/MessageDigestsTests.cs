using Nimbus.Core.Messaging;
using Nimbus.Messaging.Sqs;

namespace Nimbus.Messaging.Tests.Sqs;

public sealed class MessageDigestsTests
{
    [Fact]
    public void Body_IsHexMd5OfUtf8()
    {
        Assert.Equal("5d41402abc4b2a76b9719d911017c592", MessageDigests.Body("hello"));
    }

    [Fact]
    public void Attributes_StringAttribute_MatchesAValueAwsReturned()
    {
        // From a real SQS event (eu-west-1): messageAttributes {someattr: String "someval"}.
        var md5 = MessageDigests.Attributes([new QueueMessageAttribute("someattr", "String", "someval", null)]);
        Assert.Equal("1e4b169c724503f3886d943e5bbe88e5", md5);
    }

    [Fact]
    public void Attributes_BinaryAndNumber_SortedByNameWithTransportBytes()
    {
        // Computed independently (Python) with the documented encoding: transport byte 2 for Binary, 1 for Number.
        var md5 = MessageDigests.Attributes(
        [
            new QueueMessageAttribute("n", "Number", "42", null),
            new QueueMessageAttribute("b", "Binary", null, [0, 1, 2]),
        ]);
        Assert.Equal("c73ae9c44eb7ec813f0f17d34dc05181", md5);
    }

    [Fact]
    public void Attributes_None_IsNull() => Assert.Null(MessageDigests.Attributes([]));
}
