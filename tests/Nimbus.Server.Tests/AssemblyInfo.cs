// Nimbus runs functions under Linux (bubblewrap, unix permissions): so do its tests.
[assembly: System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
