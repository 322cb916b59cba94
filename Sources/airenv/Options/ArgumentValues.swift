import AirenvFormats
import AirenvModel
import ArgumentParser

/// The model's and the formats' value types, as command-line values.
extension Role: ExpressibleByArgument {
  public init?(argument: String) {
    switch argument.lowercased() {
    case "owner": self = .owner
    case "operator": self = .`operator`
    case "author": self = .author
    case "member": self = .member
    default: return nil
    }
  }

  public static var allValueStrings: [String] { ["owner", "operator", "author", "member"] }
}

extension ExportFormat: ExpressibleByArgument {}

extension ImportFormat: ExpressibleByArgument {}

extension ImportConflictPolicy: ExpressibleByArgument {}
