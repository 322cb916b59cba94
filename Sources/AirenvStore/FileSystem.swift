import AirenvModel
import CFileSync
import Foundation

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// The few file operations the repository needs, with the durability each one promises.
/// Files are created 0600 and directories 0700 whatever the umask.
enum FileSystem {
  static func errorText() -> String { String(cString: strerror(errno)) }

  static func exists(_ path: String) -> Bool { access(path, F_OK) == 0 }

  /// Whether `path` itself (not what it points to) is a symbolic link.
  static func isLink(_ path: String) -> Bool {
    var info = stat()
    return lstat(path, &info) == 0 && (info.st_mode & S_IFMT) == S_IFLNK
  }

  /// Refuses a symbolic link among the components of `relative` below `root`: airenv never
  /// makes one, and one committed to git would lead reads and writes outside the repository.
  static func refuseLinks(in relative: String, under root: String) throws(StoreError) {
    var path = root
    for component in relative.split(separator: "/") {
      path += "/" + component
      if isLink(path) {
        throw .corrupt(
          path: path, line: nil, column: nil,
          reason: "it is a symbolic link, which airenv never makes; replace it with what it points to")
      }
    }
  }

  static func isDirectory(_ path: String) -> Bool {
    var info = stat()
    return stat(path, &info) == 0 && (info.st_mode & S_IFMT) == S_IFDIR
  }

  static func makeDirectory(_ path: String) throws(StoreError) {
    if isDirectory(path) { return }
    let parent = path.parent
    if parent != path && parent != "." && parent != "/" { try makeDirectory(parent) }
    if mkdir(path, 0o700) != 0 && errno != EEXIST {
      throw .io(path: path, reason: "cannot create the directory: \(errorText())")
    }
    chmod(path, 0o700)
    try syncDirectory(parent)
  }

  static func read(_ path: String, limit: Int, followingLinks: Bool = false) throws(StoreError) -> [UInt8] {
    try readWithSignature(path, limit: limit, followingLinks: followingLinks).bytes
  }

  /// The file's bytes and the signature of the version that was read; with `directory` (an
  /// open directory) and the file's `name` in it, the file is opened relative to it instead of
  /// walking the whole path again, which matters when reading 10,000 files.
  ///
  /// Only a regular file is read, never through a symbolic link, and never more than `limit`
  /// bytes: a file from git or a teammate could be a link to `/dev/zero` or a named pipe.
  static func readWithSignature(
    _ path: String, in directory: Int32 = -1, named name: String = "", limit: Int,
    followingLinks: Bool = false
  )
    throws(StoreError) -> (bytes: [UInt8], signature: FileSignature?)
  {
    // Non-blocking, so that opening a named pipe returns at once; it is then refused below.
    let flags = O_RDONLY | O_CLOEXEC | O_NONBLOCK | (followingLinks ? 0 : O_NOFOLLOW)
    let descriptor = directory >= 0 ? openat(directory, name, flags) : open(path, flags)
    guard descriptor >= 0 else {
      if errno == ELOOP {
        throw .corrupt(path: path, line: nil, column: nil, reason: "it is a symbolic link")
      }
      throw .io(path: path, reason: "cannot read: \(errorText())")
    }
    defer { close(descriptor) }
    // Sized from the file's length, so the common case is one read into one allocation;
    // a file that grows meanwhile is still read to its end (up to the limit).
    var status = stat()
    guard fstat(descriptor, &status) == 0 else {
      throw .io(path: path, reason: "cannot read: \(errorText())")
    }
    guard (status.st_mode & S_IFMT) == S_IFREG else {
      throw .corrupt(path: path, line: nil, column: nil, reason: "it is not a regular file")
    }
    let signature = FileSignature(status)
    let expected = Int(signature.size)
    func tooLarge(_ size: Int) -> StoreError {
      .corrupt(
        path: path, line: nil, column: nil,
        reason: "it is \(size) bytes or more; the limit is \(Limits.describe(bytes: limit))")
    }
    if expected > limit { throw tooLarge(expected) }
    var bytes = [UInt8](repeating: 0, count: max(expected, 4096) + 1)
    var filled = 0
    while true {
      if filled > limit { throw tooLarge(filled) }
      if filled == bytes.count { bytes.append(contentsOf: repeatElement(0, count: bytes.count)) }
      let count = bytes.withUnsafeMutableBytes { buffer in
        Glibc.read(descriptor, buffer.baseAddress! + filled, buffer.count - filled)
      }
      if count < 0 {
        if errno == EINTR { continue }
        throw .io(path: path, reason: "cannot read: \(errorText())")
      }
      if count == 0 {
        bytes.removeSubrange(filled...)
        return (bytes, signature)
      }
      filled += count
    }
  }

  /// Writes a new file next to `path` under a hidden temporary name, flushed to disk unless
  /// the caller flushes many at once (`syncFileSystem`).
  static func writeTemporary(_ bytes: [UInt8], besides path: String, flushing: Bool = true) throws(StoreError)
    -> String
  {
    try writeTemporary(besides: path, flushing: flushing) { (sink: inout ByteSink) throws(StoreError) in
      try sink.write(bytes)
    }
  }

  /// The same, with the contents given piece by piece to a sink that writes them in large
  /// blocks: an export of 10,000 objects is streamed, never held as one string.
  static func writeTemporary(
    besides path: String, flushing: Bool = true, _ contents: (inout ByteSink) throws(StoreError) -> Void
  ) throws(StoreError) -> String {
    let directory = path.parent
    let name = path.lastComponent
    var generator = SystemRandomNumberGenerator()
    let temporary = "\(directory)/.\(name).tmp-\(getpid())-\(String(generator.next() as UInt32, radix: 16))"
    let descriptor = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
    guard descriptor >= 0 else {
      throw .io(path: temporary, reason: "cannot create: \(errorText())")
    }
    defer { close(descriptor) }
    do throws(StoreError) {
      var sink = ByteSink(descriptor: descriptor, path: path)
      try contents(&sink)
      try sink.flush()
    } catch {
      unlink(temporary)
      throw error
    }
    guard !flushing || fsync(descriptor) == 0 else {
      let reason = errorText()
      unlink(temporary)
      throw .io(path: path, reason: "cannot flush to disk: \(reason)")
    }
    return temporary
  }

  /// Flushes every file written so far on the file system that holds `path` to disk at once.
  static func syncFileSystem(containing path: String) throws(StoreError) {
    let descriptor = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
    guard descriptor >= 0 else { throw .io(path: path, reason: "cannot open: \(errorText())") }
    defer { close(descriptor) }
    guard airenv_sync_file_system(descriptor) == 0 else {
      throw .io(path: path, reason: "cannot flush to disk: \(errorText())")
    }
  }

  /// Replaces `path` with `bytes` so that a crash leaves either the old or the new file.
  static func writeAtomically(_ bytes: [UInt8], to path: String) throws(StoreError) {
    try moveIntoPlace(try writeTemporary(bytes, besides: path), at: path)
  }

  /// Replaces `path` with the texts `chunks`, one after the other, written as a stream.
  static func writeAtomically(chunks: [String], to path: String) throws(StoreError) {
    let temporary = try writeTemporary(besides: path) { (sink: inout ByteSink) throws(StoreError) in
      for chunk in chunks { try sink.write(chunk) }
    }
    try moveIntoPlace(temporary, at: path)
  }

  /// Replaces `path` with the byte arrays `pieces`, one after the other, written as a stream
  /// (never joined in memory).
  static func writeAtomically(pieces: [[UInt8]], to path: String) throws(StoreError) {
    let temporary = try writeTemporary(besides: path) { (sink: inout ByteSink) throws(StoreError) in
      for piece in pieces { try sink.write(piece) }
    }
    try moveIntoPlace(temporary, at: path)
  }

  /// A file opened once and read in pieces where a caller says they lie (`pread`): a journal's
  /// data, which may be larger than any one file airenv reads whole. Only a regular file, never
  /// through a symbolic link.
  final class Pieces {
    private let descriptor: Int32
    let path: String
    let size: Int

    init(_ path: String) throws(StoreError) {
      self.path = path
      descriptor = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOFOLLOW)
      guard descriptor >= 0 else {
        if errno == ELOOP {
          throw .corrupt(path: path, line: nil, column: nil, reason: "it is a symbolic link")
        }
        throw .io(path: path, reason: "cannot read: \(errorText())")
      }
      var status = stat()
      guard fstat(descriptor, &status) == 0, (status.st_mode & S_IFMT) == S_IFREG else {
        close(descriptor)
        throw .corrupt(path: path, line: nil, column: nil, reason: "it is not a regular file")
      }
      size = Int(status.st_size)
    }

    deinit { close(descriptor) }

    /// The `length` bytes at `offset`; nil when the file does not hold them.
    func piece(at offset: Int, length: Int) throws(StoreError) -> [UInt8]? {
      guard offset >= 0, length >= 0, offset <= size, length <= size - offset else { return nil }
      var bytes = [UInt8](repeating: 0, count: length)
      var filled = 0
      while filled < length {
        let count = bytes.withUnsafeMutableBytes { buffer in
          pread(descriptor, buffer.baseAddress! + filled, length - filled, off_t(offset + filled))
        }
        if count < 0 && errno == EINTR { continue }
        guard count > 0 else { return nil }
        filled += count
      }
      return bytes
    }
  }

  /// Renames a flushed temporary file over `path` and flushes the directory.
  private static func moveIntoPlace(_ temporary: String, at path: String) throws(StoreError) {
    do {
      try rename(temporary, to: path)
    } catch {
      unlink(temporary)
      throw error
    }
    try syncDirectory(path.parent)
  }

  /// Writes `bytes` into the file at `path` where it is (created 0600 when missing), cut to
  /// their length, not flushed: for a change whose journal holds the bytes already, so that a
  /// crash halfway is rolled forward (see `Journal`). Writing in place makes no new file and no
  /// rename, which is most of the cost of rewriting thousands of files. A file with other hard
  /// links is replaced instead (writing through it would change them too); anything but a file
  /// (a directory, a pipe, a link) is refused.
  static func overwrite(_ bytes: ArraySlice<UInt8>, at path: String) throws(StoreError) {
    let descriptor = open(path, O_WRONLY | O_CREAT | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC, 0o600)
    guard descriptor >= 0 else { throw .io(path: path, reason: "cannot write: \(errorText())") }
    defer { close(descriptor) }
    var info = stat()
    guard fstat(descriptor, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG else {
      throw .io(path: path, reason: "cannot write: it is not a regular file")
    }
    guard info.st_nlink <= 1 else {
      try rename(try writeTemporary(Array(bytes), besides: path, flushing: false), to: path)
      return
    }
    var written = 0
    while written < bytes.count {
      let count = bytes.withUnsafeBytes { buffer in
        pwrite(descriptor, buffer.baseAddress! + written, buffer.count - written, off_t(written))
      }
      if count < 0 && errno == EINTR { continue }
      guard count > 0 else { throw .io(path: path, reason: "cannot write: \(errorText())") }
      written += count
    }
    guard ftruncate(descriptor, off_t(bytes.count)) == 0 else {
      throw .io(path: path, reason: "cannot write: \(errorText())")
    }
  }

  /// Creates `path` with `bytes` unless it exists; returns false when it already did.
  static func createExclusively(_ bytes: [UInt8], at path: String) throws(StoreError) -> Bool {
    let temporary = try writeTemporary(bytes, besides: path)
    defer { unlink(temporary) }
    if link(temporary, path) != 0 {
      if errno == EEXIST { return false }
      throw .io(path: path, reason: "cannot create: \(errorText())")
    }
    try syncDirectory(path.parent)
    return true
  }

  static func rename(_ source: String, to destination: String) throws(StoreError) {
    guard Glibc.rename(source, destination) == 0 else {
      throw .io(path: destination, reason: "cannot replace: \(errorText())")
    }
  }

  static func remove(_ path: String) throws(StoreError) {
    if unlink(path) != 0 && errno != ENOENT {
      throw .io(path: path, reason: "cannot remove: \(errorText())")
    }
  }

  static func syncDirectory(_ path: String) throws(StoreError) {
    let descriptor = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
    guard descriptor >= 0 else { throw .io(path: path, reason: "cannot open: \(errorText())") }
    defer { close(descriptor) }
    // Some file systems refuse fsync on a directory; the rename is still atomic there.
    if fsync(descriptor) != 0 && errno != EINVAL && errno != EROFS {
      throw .io(path: path, reason: "cannot flush to disk: \(errorText())")
    }
  }

  /// The visible `.json` files of a directory, sorted; none when it does not exist.
  static func jsonFiles(in directory: String) throws(StoreError) -> [String] {
    guard let handle = opendir(directory) else {
      if errno == ENOENT { return [] }
      throw .io(path: directory, reason: "cannot list: \(errorText())")
    }
    defer { closedir(handle) }
    var names: [String] = []
    let nameOffset = MemoryLayout<dirent>.offset(of: \dirent.d_name)!
    while let entry = readdir(handle) {
      // Read up to the name's end only: a record is as long as its name, and copying the whole
      // 256-byte field of the last one in readdir's buffer can read past the buffer (and fault).
      let name = String(cString: (UnsafeRawPointer(entry) + nameOffset).assumingMemoryBound(to: CChar.self))
      if name.hasSuffix(".json") && !name.hasPrefix(".") { names.append(name) }
    }
    return names.sorted()
  }

  /// The visible subdirectories of a directory, sorted.
  static func directories(in directory: String) throws(StoreError) -> [String] {
    guard let names = try? FileManager.default.contentsOfDirectory(atPath: directory) else {
      throw .io(path: directory, reason: "cannot list: \(errorText())")
    }
    return names.filter { !$0.hasPrefix(".") && isDirectory(directory + "/" + $0) }.sorted()
  }

  /// Removes a directory tree: it is first renamed to a hidden name, which is atomic, so a
  /// crash never leaves half a Workspace visible.
  static func removeTree(_ path: String) throws(StoreError) {
    let parent = path.parent
    let hidden = "\(parent)/.deleted-\(path.lastComponent)-\(getpid())"
    try rename(path, to: hidden)
    try syncDirectory(parent)
    try? FileManager.default.removeItem(atPath: hidden)
  }
}

/// An exclusive or shared advisory lock on the repository, held while the value lives.
final class RepositoryLock {
  private let descriptor: Int32

  init(path: String, exclusive: Bool) throws(StoreError) {
    descriptor = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0o600)
    guard descriptor >= 0 else {
      throw .io(path: path, reason: "cannot open the lock file: \(FileSystem.errorText())")
    }
    try lock(exclusive: exclusive)
  }

  func lock(exclusive: Bool) throws(StoreError) {
    while flock(descriptor, exclusive ? LOCK_EX : LOCK_SH) != 0 {
      if errno == EINTR { continue }
      close(descriptor)
      throw .io(path: "lock", reason: "cannot lock the repository: \(FileSystem.errorText())")
    }
  }

  deinit {
    flock(descriptor, LOCK_UN)
    close(descriptor)
  }
}
