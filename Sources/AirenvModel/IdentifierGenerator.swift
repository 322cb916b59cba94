/// New stable ids: a kind prefix and 64 random bits, e.g. `con_1f9c3a7e52b0d864`.
enum IdentifierGenerator {
  static func make(prefix: String) -> String {
    var generator = SystemRandomNumberGenerator()
    let bits = generator.next() as UInt64
    let hex = String(bits, radix: 16)
    return prefix + "_" + String(repeating: "0", count: 16 - hex.count) + hex
  }
}
