import AirenvText
import ArgumentParser
import Foundation

/// How a listing is printed; json is stable for scripts.
enum OutputFormat: String, ExpressibleByArgument, CaseIterable {
  case table
  case json
  case yaml
}
