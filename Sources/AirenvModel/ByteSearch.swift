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

extension Array where Element == UInt8 {
  /// Whether a stored object's bytes may hold one of `keys` (ASCII, lower-cased) as its key,
  /// compared ignoring case as the model compares keys. Sure only of a "no": text with a
  /// backslash (a JSON escape could spell any key) or any non-ASCII byte (a non-ASCII letter
  /// may lower-case to an ASCII one, as the Kelvin sign does to "k") is always a "maybe".
  public func mayHoldKey(of keys: [[UInt8]]) -> Bool {
    withUnsafeBufferPointer { text in
      if text.contains(where: { $0 >= 0x80 || $0 == UInt8(ascii: "\\") }) { return true }
      return keys.contains { key in
        guard let first = key.first, key.count <= text.count else { return key.isEmpty }
        return (0...(text.count - key.count)).contains { start in
          Self.lowered(text[start]) == first
            && (1..<key.count).allSatisfy { Self.lowered(text[start + $0]) == key[$0] }
        }
      }
    }
  }

  private static func lowered(_ byte: UInt8) -> UInt8 {
    (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte) ? byte | 0x20 : byte
  }
}
