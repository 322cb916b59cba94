import AirenvModel
import Foundation

/// Files written outside the repository (exports): atomically, mode 0600, in 0700 directories.
public enum PrivateFiles {
  public static func write(_ text: String, to path: String) throws(StoreError) {
    guard !path.isEmpty else {
      throw .io(path: "--out", reason: "the path is empty; name a file or a directory")
    }
    try FileSystem.makeDirectory(path.parent)
    try FileSystem.writeAtomically(Array(text.utf8), to: path)
  }

  /// Writes the texts `chunks` one after the other, streamed (an export is not joined first).
  public static func write(chunks: [String], to path: String) throws(StoreError) {
    guard !path.isEmpty else {
      throw .io(path: "--out", reason: "the path is empty; name a file or a directory")
    }
    try FileSystem.makeDirectory(path.parent)
    try FileSystem.writeAtomically(chunks: chunks, to: path)
  }

  public static func makeDirectory(_ path: String) throws(StoreError) {
    try FileSystem.makeDirectory(path)
  }

  public static func isDirectory(_ path: String) -> Bool { FileSystem.isDirectory(path) }

  /// The directory `path` would be written into, when it is not there (a file or a new
  /// directory is made only inside one that exists, unless the user asks for parents).
  public static func missingParent(of path: String) -> (directory: String, reason: String)? {
    let parent = path.parent
    if FileSystem.isDirectory(parent) { return nil }
    var info = stat()
    if stat(parent, &info) == 0 { return (parent, "is not a directory") }
    let reason = errno
    return (
      parent, reason == ENOENT ? "does not exist" : "cannot be reached: \(String(cString: strerror(reason)))"
    )
  }

  /// `directory/name` for a name that must stay one entry inside `directory`: a name read from
  /// a file (a Deployment's, say) is checked again here, so `../x` can never lead outside.
  public static func child(of directory: String, named name: String) throws(StoreError) -> String {
    guard !name.isEmpty, name != ".", name != "..", !name.contains("/"),
      !name.unicodeScalars.contains(where: IdentifierRules.isControl)
    else {
      throw .io(
        path: directory, reason: "refusing to write to \"\(name.prefix(80))\": it is not one name inside it")
    }
    return directory + "/" + name
  }
}
