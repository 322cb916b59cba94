import AirenvDelivery
import AirenvFormats
import AirenvModel
import AirenvStore
import Crypto
import Foundation

/// A directory target: the Deployment's export in one of the formats Airflow reads
/// (LocalFilesystemBackend, a mounted Kubernetes Secret). The files are airenv's alone and are
/// rewritten whole, each atomically with mode 0600; what they held is known from the record,
/// and a file changed outside airenv since is drift.
struct DirectoryEndpoint: DeliveryEndpoint {
  let directory: String
  let format: ExportFormat
  let files: [ExportFile]
  let record: DeliveryRecord?

  var version: String { "files (\(format.rawValue))" }

  init(target: DeliveryTarget, set: ExportSet, record: DeliveryRecord?) throws(DeliveryError) {
    guard let path = target.path, let format = target.format.flatMap(ExportFormat.init(rawValue:)) else {
      throw .refused("the directory target has no path or format")
    }
    directory = path
    self.format = format
    do {
      files = try Exporter.files(set, as: format)
    } catch {
      throw .refused("cannot write \(format.rawValue) for this Deployment: \(error.message)")
    }
    self.record = record?.target == target.address ? record : nil
  }

  /// What the files hold, as airenv last wrote them.
  func liveState() throws(DeliveryError) -> LiveState {
    let connections = (record?.connections ?? [:]).map { id, object in
      LiveConnection(
        id: id, fields: object.fields, password: object.secrets["password"] == nil ? .absent : .masked)
    }
    let variables = (record?.variables ?? [:]).map { key, object in
      LiveVariable(
        key: key, value: object.fields["value"]?.stringValue ?? "",
        description: object.fields["description"]?.stringValue)
    }
    return LiveState(version: version, connections: connections, variables: variables)
  }

  /// Files an apply must write: all of them before airenv first wrote here, else those whose
  /// content is not what airenv last wrote (edited, replaced or removed).
  func driftedFiles() -> [String] {
    guard let written = record?.files else { return files.map(\.name) }
    return driftedFiles(against: written)
  }

  func driftedFiles(against written: [String: String]) -> [String] {
    files.map(\.name).filter { name in
      Self.digest(of: try? Data(contentsOf: URL(fileURLWithPath: directory + "/" + name))) != written[name]
    }
  }

  /// What a plan says about the files.
  func warnings(drifted: [String]) -> [String] {
    guard record?.files != nil else {
      return ["airenv has not written here yet; applying writes " + drifted.joined(separator: ", ")]
    }
    return drifted.map { "\($0) was changed outside airenv since it wrote it; applying rewrites it" }
  }

  /// The digests of the files as this apply writes them, for the record.
  var fileDigests: [String: String] {
    Dictionary(
      files.map { ($0.name, Self.digest(of: Data($0.contents.utf8))!) }, uniquingKeysWith: { a, _ in a })
  }

  func send(_ operations: [DeliveryOperation], progress: (Int) -> Void) -> DeliveryOutcome {
    var outcome = DeliveryOutcome()
    do throws(StoreError) {
      try PrivateFiles.makeDirectory(directory)
      for file in files {
        try PrivateFiles.write(file.contents, to: try PrivateFiles.child(of: directory, named: file.name))
      }
      outcome.succeeded = operations
    } catch {
      let reason = "cannot write to \(directory): \(error.message)"
      outcome.failed = operations.map { ($0, reason) }
      outcome.unwritten = reason
    }
    progress(operations.count)
    return outcome
  }

  static func digest(of data: Data?) -> String? {
    data.map { hexadecimal(SHA256.hash(data: $0)) }
  }
}
