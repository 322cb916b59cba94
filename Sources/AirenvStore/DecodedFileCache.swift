import Foundation

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// What identifies one version of a file without reading it: every write through the
/// repository replaces the file (a new inode); an edit in place changes its size or times.
struct FileSignature: Equatable, Sendable {
  var device: UInt64
  var inode: UInt64
  var size: Int64
  var modified: timespec
  var changed: timespec

  init(_ status: stat) {
    device = UInt64(status.st_dev)
    inode = UInt64(status.st_ino)
    size = Int64(status.st_size)
    #if canImport(Darwin)
      modified = status.st_mtimespec
      changed = status.st_ctimespec
    #else
      modified = status.st_mtim
      changed = status.st_ctim
    #endif
  }

  init(device: UInt64, inode: UInt64, size: Int64, modified: timespec, changed: timespec) {
    self.device = device
    self.inode = inode
    self.size = size
    self.modified = modified
    self.changed = changed
  }

  /// The signature of the regular file `name` in the open directory `directory` (a link is
  /// not followed: its own signature never matches a file's).
  init?(directory: Int32, name: String) {
    var status = stat()
    guard fstatat(directory, name, &status, AT_SYMLINK_NOFOLLOW) == 0, (status.st_mode & S_IFMT) == S_IFREG
    else { return nil }
    self.init(status)
  }

  /// The signature of the regular file at `path`, a link not followed.
  init?(path: String) {
    var status = stat()
    guard lstat(path, &status) == 0, (status.st_mode & S_IFMT) == S_IFREG else { return nil }
    self.init(status)
  }

  /// The signature as text, to tell versions of a file apart by.
  var text: String {
    "\(device):\(inode):\(size):\(modified.tv_sec).\(modified.tv_nsec):\(changed.tv_sec).\(changed.tv_nsec)"
  }

  static func == (left: Self, right: Self) -> Bool {
    left.device == right.device && left.inode == right.inode && left.size == right.size
      && left.modified.tv_sec == right.modified.tv_sec && left.modified.tv_nsec == right.modified.tv_nsec
      && left.changed.tv_sec == right.changed.tv_sec && left.changed.tv_nsec == right.changed.tv_nsec
  }

  /// Whether the file changed long enough ago that a later change would show in its times.
  /// File times advance in coarse steps (and whole seconds on some file systems), so a file
  /// edited in place twice within one step could keep its signature; such a young file is
  /// read again every time until it settles (git's "racy clean" rule).
  func isSettled(now: time_t, after seconds: Int) -> Bool {
    // Subtracting from now, not adding to the file's time: a file may claim any time at all.
    max(modified.tv_sec, changed.tv_sec) <= now - seconds
  }
}

/// The decoded (and unsealed) objects of a repository's files, kept between reads so that a
/// long-running session re-reads only the files that changed: a save in a Workspace of
/// 10,000 objects then costs a directory listing and a `stat` per file, not 10,000 decodes.
/// A value is reused only for the same file signature and the same `variant` (the key the
/// secrets were opened with).
final class DecodedFileCache<Value: Sendable>: @unchecked Sendable {
  private struct Entry {
    var signature: FileSignature
    var variant: String
    var value: Value
  }

  /// Directory → file name → what was decoded from it.
  private var directories: [String: [String: Entry]] = [:]
  /// How many times each directory was read, for `keepOnly`.
  private var reads: [String: Int] = [:]
  private let lock = NSLock()
  /// Larger files are decoded each time rather than held in memory (a negative size: none
  /// is kept, as by a one-off command that reads each file once).
  let largestFile: Int64

  init(largestFile: Int64 = .max) { self.largestFile = largestFile }

  func value(in directory: String, named name: String, signature: FileSignature, variant: String) -> Value? {
    lock.lock()
    defer { lock.unlock() }
    guard let entry = directories[directory]?[name], entry.signature == signature, entry.variant == variant
    else { return nil }
    return entry.value
  }

  func store(
    _ value: Value, in directory: String, named name: String, signature: FileSignature, variant: String
  ) {
    guard signature.size <= largestFile else { return }
    lock.lock()
    directories[directory, default: [:]][name] = Entry(signature: signature, variant: variant, value: value)
    lock.unlock()
  }

  /// Whether nothing of `directory` is kept (a first read need not look at signatures).
  func isEmpty(_ directory: String) -> Bool {
    lock.lock()
    defer { lock.unlock() }
    return directories[directory]?.isEmpty ?? true
  }

  /// Forgets the files of `directory` that are no longer listed there. Checked at once when
  /// more are kept than listed, and otherwise every 64th read of the directory (a file deleted
  /// and another created between two reads keep the count): a full check costs about a
  /// millisecond for 10,000 files, too much for every save.
  func keepOnly(_ names: [String], in directory: String) {
    lock.lock()
    defer { lock.unlock() }
    reads[directory, default: 0] += 1
    guard let entries = directories[directory],
      entries.count > names.count || reads[directory]! % 64 == 0
    else { return }
    let listed = Set(names)
    directories[directory] = entries.filter { listed.contains($0.key) }
  }
}
