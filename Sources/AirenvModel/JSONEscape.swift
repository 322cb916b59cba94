/// JSON's two-character escapes, shared by the three readers of JSON text (the model's parser,
/// its diagnostics, and the store's fast reader).
public enum JSONEscape {
  /// The byte `\x` stands for, for every escape but `\u`; nil for one JSON does not have.
  @inlinable
  public static func byte(for escaped: UInt8) -> UInt8? {
    switch escaped {
    case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): escaped
    case UInt8(ascii: "b"): 0x08
    case UInt8(ascii: "f"): 0x0C
    case UInt8(ascii: "n"): 0x0A
    case UInt8(ascii: "r"): 0x0D
    case UInt8(ascii: "t"): 0x09
    default: nil
    }
  }
}
