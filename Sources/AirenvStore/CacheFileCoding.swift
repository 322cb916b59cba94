import Crypto
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

extension CacheFileWriter {
  /// Replaces the cache file at `path` at once with what was written (which begins with the
  /// file's magic), followed by its SHA-256; false when it could not be written, which is not an
  /// error: the next command reads the repository's files instead.
  @discardableResult
  func replace(_ path: String) -> Bool {
    var whole = bytes
    whole.append(contentsOf: SHA256.hash(data: whole))
    guard (try? FileSystem.makeDirectory(path.parent)) != nil,
      let temporary = try? FileSystem.writeTemporary(whole, besides: path, flushing: false)
    else { return false }
    guard (try? FileSystem.rename(temporary, to: path)) != nil else {
      unlink(temporary)
      return false
    }
    return true
  }
}

extension CacheFileReader {
  /// What `read` makes of the cache file at `path`, read from just after `magic`; nil when there
  /// is none, it is not this user's own and closed to others, it is damaged (its SHA-256 trailer
  /// does not match) or `read` finds it so (or leaves some of it unread).
  static func reading<Value>(
    _ path: String, magic: [UInt8], limit: Int,
    _ read: (inout CacheFileReader) throws(CacheFileDamage) -> Value
  ) -> Value? {
    guard KeyIndex.isPrivate(path), let (bytes, _) = try? FileSystem.readWithSignature(path, limit: limit),
      bytes.count >= magic.count + SHA256.byteCount, bytes.starts(with: magic)
    else { return nil }
    let body = bytes.count - SHA256.byteCount
    guard SHA256.hash(data: bytes[0..<body]).elementsEqual(bytes[body...]) else { return nil }
    return bytes.withUnsafeBytes { raw -> Value? in
      var reader = CacheFileReader(UnsafeRawBufferPointer(rebasing: raw[0..<body]), from: magic.count)
      guard let value = try? read(&reader), reader.isAtEnd else { return nil }
      return value
    }
  }
}
