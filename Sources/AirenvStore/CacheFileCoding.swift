import Foundation

/// Why a cache file could not be read: it is then ignored and the JSON files are read instead.
struct CacheFileDamage: Error {}

/// The binary form of airenv's cache files (the key index), kept outside the repository.
/// Integers are LEB128 varints, texts their length and UTF-8 bytes.
struct CacheFileWriter {
  private(set) var bytes: [UInt8] = []

  mutating func unsigned(_ value: UInt64) {
    var rest = value
    while rest >= 0x80 {
      bytes.append(UInt8(truncatingIfNeeded: rest) | 0x80)
      rest >>= 7
    }
    bytes.append(UInt8(rest))
  }

  /// Zig-zag, so that small negative numbers stay small.
  mutating func integer(_ value: Int64) { unsigned(UInt64(bitPattern: (value << 1) ^ (value >> 63))) }

  mutating func string(_ value: String) {
    unsigned(UInt64(value.utf8.count))
    bytes.append(contentsOf: value.utf8)
  }

  mutating func append(_ raw: ArraySlice<UInt8>) { bytes.append(contentsOf: raw) }
}

/// Reads what `CacheFileWriter` wrote; every read is bounds-checked, so damaged bytes end in
/// `CacheFileDamage`, never in a trap.
struct CacheFileReader {
  let bytes: UnsafeRawBufferPointer
  private(set) var offset: Int

  init(_ bytes: UnsafeRawBufferPointer, from offset: Int = 0) {
    self.bytes = bytes
    self.offset = offset
  }

  var isAtEnd: Bool { offset >= bytes.count }

  mutating func unsigned() throws(CacheFileDamage) -> UInt64 {
    var value: UInt64 = 0
    var shift: UInt64 = 0
    while true {
      guard offset < bytes.count, shift < 64 else { throw CacheFileDamage() }
      let byte = bytes[offset]
      offset += 1
      value |= UInt64(byte & 0x7F) << shift
      if byte < 0x80 { return value }
      shift += 7
    }
  }

  mutating func integer() throws(CacheFileDamage) -> Int64 {
    let raw = try unsigned()
    return Int64(bitPattern: (raw >> 1) ^ (0 &- (raw & 1)))
  }

  /// A count of things each at least one byte long: never more than the bytes left.
  mutating func count() throws(CacheFileDamage) -> Int {
    let value = try unsigned()
    guard value <= UInt64(bytes.count - offset) else { throw CacheFileDamage() }
    return Int(value)
  }

  /// Passes over a text without making it.
  mutating func skipString() throws(CacheFileDamage) { offset += try count() }

  mutating func string() throws(CacheFileDamage) -> String {
    let length = try count()
    let text = String(
      decoding: UnsafeRawBufferPointer(rebasing: bytes[offset..<(offset + length)]), as: UTF8.self)
    offset += length
    return text
  }
}
