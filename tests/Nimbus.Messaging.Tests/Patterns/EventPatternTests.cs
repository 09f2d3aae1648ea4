using Nimbus.Messaging.Patterns;

namespace Nimbus.Messaging.Tests.Patterns;

public sealed class EventPatternTests
{
    private const string Ec2Event = """
        {
          "version": "0", "id": "6a7e8feb-b491-4cf7-a9f1-bf3703467718", "detail-type": "EC2 Instance State-change Notification",
          "source": "aws.ec2", "account": "111122223333", "time": "2017-12-22T18:43:48Z", "region": "us-west-1",
          "resources": ["arn:aws:ec2:us-west-1:123456789012:instance/i-1234567890abcdef0"],
          "detail": {
            "instance-id": "i-1234567890abcdef0", "state": "terminated", "c-count": 5, "d-count": 3,
            "x-limit": 301.8, "source-ip": "10.0.0.123", "ipv6": "2001:db8::1",
            "location": "us-east-1a", "tags": ["prod", "web"], "flag": true, "empty": null,
            "items": [{"name": "a", "size": 1}, {"name": "b", "size": 7}]
          }
        }
        """;

    public static TheoryData<string, bool> Cases => new()
    {
        // Exact values, arrays as OR, nested keys.
        { """{"source": ["aws.ec2"]}""", true },
        { """{"source": ["aws.s3", "aws.ec2"]}""", true },
        { """{"source": ["aws.s3"]}""", false },
        { """{"source": ["aws.ec2"], "detail-type": ["EC2 Instance State-change Notification"]}""", true },
        { """{"detail": {"state": ["terminated"]}}""", true },
        { """{"detail": {"state": ["running"]}}""", false },
        { """{"detail": {"c-count": [5]}}""", true },
        { """{"detail": {"c-count": ["5"]}}""", false },
        { """{"detail": {"flag": [true]}}""", true },
        { """{"detail": {"flag": [false]}}""", false },
        { """{"detail": {"empty": [null]}}""", true },
        { """{"detail": {"missing": [null]}}""", false },
        // Arrays in the event: any element.
        { """{"detail": {"tags": ["web"]}}""", true },
        { """{"detail": {"tags": ["dev"]}}""", false },
        { """{"resources": ["arn:aws:ec2:us-west-1:123456789012:instance/i-1234567890abcdef0"]}""", true },
        { """{"detail": {"items": {"name": ["b"]}}}""", true },
        { """{"detail": {"items": {"name": ["c"]}}}""", false },
        // Prefix, suffix, equals-ignore-case.
        { """{"detail": {"location": [{"prefix": "us-"}]}}""", true },
        { """{"detail": {"location": [{"prefix": "eu-"}]}}""", false },
        { """{"detail": {"location": [{"prefix": {"equals-ignore-case": "US-EAST"}}]}}""", true },
        { """{"detail": {"location": [{"suffix": "-1a"}]}}""", true },
        { """{"detail": {"location": [{"suffix": {"equals-ignore-case": "-1A"}}]}}""", true },
        { """{"detail": {"location": [{"suffix": "-1A"}]}}""", false },
        { """{"detail": {"state": [{"equals-ignore-case": "TERMINATED"}]}}""", true },
        // Anything-but.
        { """{"detail": {"state": [{"anything-but": "initializing"}]}}""", true },
        { """{"detail": {"state": [{"anything-but": ["stopped", "terminated"]}]}}""", false },
        { """{"detail": {"c-count": [{"anything-but": [1, 2, 3]}]}}""", true },
        { """{"detail": {"c-count": [{"anything-but": 5}]}}""", false },
        { """{"detail": {"state": [{"anything-but": {"prefix": "term"}}]}}""", false },
        { """{"detail": {"state": [{"anything-but": {"prefix": "init"}}]}}""", true },
        { """{"detail": {"state": [{"anything-but": {"suffix": "ated"}}]}}""", false },
        { """{"detail": {"state": [{"anything-but": {"equals-ignore-case": ["TERMINATED"]}}]}}""", false },
        { """{"detail": {"state": [{"anything-but": {"wildcard": "*min*"}}]}}""", false },
        { """{"detail": {"state": [{"anything-but": {"wildcard": "*run*"}}]}}""", true },
        { """{"detail": {"missing": [{"anything-but": "x"}]}}""", false },
        // Numeric (AWS doc example: c-count > 0 and <= 5, d-count < 10, x-limit between 0 and 8 is false).
        { """{"detail": {"c-count": [{"numeric": [">", 0, "<=", 5]}], "d-count": [{"numeric": ["<", 10]}]}}""", true },
        { """{"detail": {"x-limit": [{"numeric": [">", 0, "<", 8]}]}}""", false },
        { """{"detail": {"x-limit": [{"numeric": ["=", 301.8]}]}}""", true },
        { """{"detail": {"x-limit": [{"numeric": [">=", 301.8]}]}}""", true },
        { """{"detail": {"location": [{"numeric": [">", 0]}]}}""", false },
        // Exists.
        { """{"detail": {"state": [{"exists": true}]}}""", true },
        { """{"detail": {"nope": [{"exists": true}]}}""", false },
        { """{"detail": {"nope": [{"exists": false}]}}""", true },
        { """{"detail": {"state": [{"exists": false}]}}""", false },
        { """{"nested": {"deep": [{"exists": false}]}}""", true },
        // Wildcard.
        { """{"detail": {"instance-id": [{"wildcard": "i-*"}]}}""", true },
        { """{"detail": {"instance-id": [{"wildcard": "i-*cdef0"}]}}""", true },
        { """{"detail": {"instance-id": [{"wildcard": "i-*x"}]}}""", false },
        { """{"source": [{"wildcard": "aws.*"}]}""", true },
        // CIDR.
        { """{"detail": {"source-ip": [{"cidr": "10.0.0.0/24"}]}}""", true },
        { """{"detail": {"source-ip": [{"cidr": "10.0.1.0/24"}]}}""", false },
        { """{"detail": {"ipv6": [{"cidr": "2001:db8::/32"}]}}""", true },
        { """{"detail": {"ipv6": [{"cidr": "10.0.0.0/8"}]}}""", false },
        // $or (AWS doc: c-count or d-count).
        { """{"detail": {"$or": [{"c-count": [{"numeric": [">", 10]}]}, {"d-count": [{"numeric": ["<", 5]}]}]}}""", true },
        { """{"detail": {"$or": [{"c-count": [{"numeric": [">", 10]}]}, {"d-count": [{"numeric": ["<", 2]}]}]}}""", false },
        { """{"source": ["aws.ec2"], "$or": [{"region": ["eu-west-1"]}, {"detail": {"state": ["terminated"]}}]}""", true },
        // Multiple conditions in one leaf OR together across kinds.
        { """{"detail": {"state": ["running", {"prefix": "term"}]}}""", true },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Matches_AgainstEc2Event_AsAwsDocuments(string pattern, bool expected)
    {
        var compiled = EventPattern.Parse(pattern);
        Assert.Equal(expected, compiled.Matches(EventPattern.ParseEvent(Ec2Event)));
    }

    [Theory]
    [InlineData("""[1]""", "Filter is not an object")]
    [InlineData("""{}""", "Empty objects are not allowed")]
    [InlineData("""{"detail": {}}""", "Empty objects are not allowed")]
    [InlineData("""{"source": "aws.ec2"}""", "\"source\" must be an object or an array")]
    [InlineData("""{"a": [{"prefix": 1}]}""", "prefix match pattern must be a string")]
    [InlineData("""{"a": [{"suffix": ["x"]}]}""", "suffix match pattern must be a string")]
    [InlineData("""{"a": [{"exists": "yes"}]}""", "exists match pattern must be either true or false.")]
    [InlineData("""{"a": [{"bogus": 1}]}""", "Unrecognized match type bogus")]
    [InlineData("""{"a": [{"numeric": [">", "x"]}]}""", "Value of > must be numeric")]
    [InlineData("""{"a": [{"numeric": ["!", 1]}]}""", "Unrecognized numeric range operator: \"!\"")]
    [InlineData("""{"a": [{"numeric": [">", 5, "<", 1]}]}""", "Bottom must be less than top")]
    [InlineData("""{"a": [{"numeric": [">", 5, ">", 1]}]}""", "Too many terms in numeric range expression")]
    [InlineData("""{"a": [{"wildcard": "a**b"}]}""", "Consecutive wildcard characters at pos 2")]
    [InlineData("""{"a": [{"cidr": "10.0.0.0"}]}""", "Malformed CIDR, one '/' required")]
    [InlineData("""{"a": [{"cidr": "nope/8"}]}""", "Invalid CIDR: nope/8")]
    [InlineData("""{"a": [{"anything-but": [true]}]}""", "Inside anything but list, start|null|boolean is not supported.")]
    [InlineData("""{"$or": [{"a": [1]}]}""", "Or relationship should have at least 2 objects")]
    [InlineData("""{"a": [[1]]}""", "Match value must be String, number, true, false, or null")]
    public void Parse_InvalidPattern_ThrowsAwsReason(string pattern, string reason)
    {
        var e = Assert.Throws<PatternException>(() => EventPattern.Parse(pattern));
        Assert.Equal(reason, e.Reason);
    }

    [Fact]
    public void Parse_NotJson_Throws()
    {
        Assert.Throws<PatternException>(() => EventPattern.Parse("{\"a\": [1"));
    }

    [Fact]
    public void Wildcard_EscapedStar_MatchesLiteralStar()
    {
        var p = EventPattern.Parse("""{"a": [{"wildcard": "x\\*y*"}]}""");
        Assert.True(p.Matches(EventPattern.ParseEvent("""{"a": "x*yz"}""")));
        Assert.False(p.Matches(EventPattern.ParseEvent("""{"a": "xqyz"}""")));
    }

    [Fact]
    public void Numeric_IntegerPatternMatchesDecimalEvent()
    {
        var p = EventPattern.Parse("""{"a": [5]}""");
        Assert.True(p.Matches(EventPattern.ParseEvent("""{"a": 5.0}""")));
        Assert.False(p.Matches(EventPattern.ParseEvent("""{"a": 5.1}""")));
    }
}
