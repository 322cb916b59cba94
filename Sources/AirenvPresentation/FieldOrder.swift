import AirenvModel

extension ConnectionField {
  /// The fields every surface lists as "name value" lines, in this order, after the type and
  /// the description: the CLI's `get` and `resolve`, the TUI's detail pane, resolved page and
  /// forms. Extra keys follow, sorted.
  public static let listedAsValues: [ConnectionField] = [.host, .schema, .login, .password, .port]
}
