extension Array where Element == UInt8 {
  /// Whether these bytes contain `needle` as a run. Written out because the standard
  /// library's `contains(_:)` for collections took about 2 µs per call, and the callers run
  /// it for every object of a large Workspace (filtering a list, Airflow's sensitive names).
  public func containsBytes(_ needle: [UInt8]) -> Bool {
    if needle.isEmpty { return true }
    guard needle.count <= count else { return false }
    return withUnsafeBufferPointer { haystack in
      needle.withUnsafeBufferPointer { needle in
        (0...(haystack.count - needle.count)).contains { start in
          haystack[start] == needle[0] && (1..<needle.count).allSatisfy { haystack[start + $0] == needle[$0] }
        }
      }
    }
  }
}
