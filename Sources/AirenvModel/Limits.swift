/// The sizes airenv accepts, from a flag, a file or the repository alike; anything larger is
/// refused with a message that names the limit, before it is read whole.
public enum Limits {
  /// One field's value (a password, a host, a variable's value, a connection's extra as
  /// JSON text): 1 MiB, well beyond what Airflow's backends hold in practice.
  public static let valueBytes = 1 << 20
  /// A file given to `airenv import`: 64 MiB (10,000 connections with extras take about 5 MiB).
  public static let importFileBytes = 64 << 20
  /// A repository file of one object, Deployment or Workspace: 64 MiB.
  public static let objectFileBytes = 64 << 20
  /// A history entry: a bulk change holds every object it changed, so it may be larger.
  public static let historyFileBytes = 512 << 20
  /// A YAML document's nodes once its aliases are expanded: 1,000,000.
  public static let yamlNodes = 1_000_000

  /// "1 MiB", "64 MiB": a limit as a user reads it.
  public static func describe(bytes: Int) -> String {
    bytes >= 1 << 20 && bytes % (1 << 20) == 0 ? "\(bytes >> 20) MiB" : "\(bytes) bytes"
  }
}
