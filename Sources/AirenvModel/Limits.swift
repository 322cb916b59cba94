/// The sizes airenv accepts, from a flag, a file or the repository alike; anything larger is
/// refused with a message that names the limit, before it is read whole.
public enum Limits {
  /// One field's value (a password, a host, a variable's value, a connection's extra as
  /// JSON text): 1 MiB, well beyond what Airflow's backends hold in practice.
  public static let valueBytes = 1 << 20
  /// A file given to `airenv import`: 64 MiB (10,000 connections with extras take about 5 MiB).
  public static let importFileBytes = 64 << 20
  /// A repository file of one object, Deployment or Workspace: 16 MiB (an object with values
  /// at the limit in a dozen Deployments' overrides still fits).
  public static let objectFileBytes = 16 << 20
  /// A history entry: a bulk change holds every object it changed, so it may be larger.
  public static let historyFileBytes = 512 << 20
  /// How deep a connection's extra may nest objects and lists: 64 levels, far beyond any
  /// provider's settings and well within what every JSON reader and writer handles.
  public static let jsonDepth = 64

  /// "1 MiB", "256 KiB": a limit as a user reads it.
  public static func describe(bytes: Int) -> String {
    if bytes >= 1 << 20 && bytes % (1 << 20) == 0 { return "\(bytes >> 20) MiB" }
    if bytes >= 1 << 10 && bytes % (1 << 10) == 0 { return "\(bytes >> 10) KiB" }
    return "\(bytes) bytes"
  }
}
