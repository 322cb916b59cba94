/// Files written outside the repository (exports): atomically, mode 0600, in 0700 directories.
public enum PrivateFiles {
  public static func write(_ text: String, to path: String) throws(StoreError) {
    try FileSystem.makeDirectory(path.parent)
    try FileSystem.writeAtomically(Array(text.utf8), to: path)
  }

  public static func makeDirectory(_ path: String) throws(StoreError) {
    try FileSystem.makeDirectory(path)
  }

  public static func isDirectory(_ path: String) -> Bool { FileSystem.isDirectory(path) }
}
