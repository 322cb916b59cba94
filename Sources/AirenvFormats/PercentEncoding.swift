/// Python's `quote(s, safe="")` and `quote_plus(s, safe="")`, which Airflow uses to build
/// URIs: every byte of the UTF-8 text except `A–Z a–z 0–9 _ . - ~` becomes `%XX`.
enum PercentEncoding {
  static func quote(_ text: String, plusForSpace: Bool = false) -> String {
    var result = ""
    for byte in text.utf8 {
      switch byte {
      case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
        UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "_"), UInt8(ascii: "."), UInt8(ascii: "-"),
        UInt8(ascii: "~"):
        result.unicodeScalars.append(Unicode.Scalar(byte))
      case UInt8(ascii: " ") where plusForSpace:
        result.append("+")
      default:
        result +=
          "%" + String(byte >> 4, radix: 16, uppercase: true) + String(byte & 0xF, radix: 16, uppercase: true)
      }
    }
    return result
  }
}
