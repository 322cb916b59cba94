import Foundation
import Testing

/// Human tables fit the terminal ($COLUMNS): the matrix splits its Deployment columns into
/// several tables and wraps its legend; the last, free-text column of a table is shortened.
/// A pipe without $COLUMNS gets whole rows, except the matrix, which is cut at 160 columns.
@Suite("Tables fit $COLUMNS")
struct TableWidthTests {
  static func displayWidth(_ line: Substring) -> Int {
    // Every glyph the matrix and these tables use is one column wide; the ellipsis too.
    line.count
  }

  @Test(arguments: [nil, 100, 60])
  func theMatrixSplitsItsColumnsToFit(columns: Int?) throws {
    let cli = CLI()
    try cli.ok("demo")
    let names = (1...40).map { "feature-login-\($0)" }
    for name in names { try cli.ok("deployment", "create", name) }
    let environment = columns.map { ["COLUMNS": String($0)] } ?? [:]
    let text = try #require(try cli.run("matrix", environment: environment).stdout as String?)
    let limit = columns ?? 160
    for line in text.split(separator: "\n") {
      #expect(Self.displayWidth(line) <= limit, "\(line.count): \(line)")
    }
    // Every Deployment heads exactly one column, and every table lists every connection.
    let headers = text.split(separator: "\n").filter { $0.hasPrefix("CONN_ID") }
    let headed = headers.flatMap { $0.split(separator: " ").dropFirst(2).map(String.init) }
    #expect(
      headed.sorted()
        == (names + ["dev", "feature-billing-v2", "feature-login-flow", "prod", "staging"]).sorted())
    #expect(text.components(separatedBy: "warehouse_db").count - 1 == headers.count)
    // JSON is not a table: one object per row, whatever the width.
    let json = try cli.run("matrix", "--output", "json", environment: environment)
    #expect(json.stdout.contains("\"feature-login-40\""))
  }

  @Test func theLastColumnIsShortenedToTheTerminalAndWholeInAPipe() throws {
    let cli = CLI()
    try cli.ok("demo")
    let long = String(repeating: "a very long description ", count: 10)
    try cli.ok("deployment", "create", "described", "--description", long)
    let fitted = try cli.run("deployment", "list", environment: ["COLUMNS": "100"]).stdout
    for line in fitted.split(separator: "\n") { #expect(Self.displayWidth(line) <= 100, "\(line)") }
    #expect(fitted.contains("…"))
    let piped = try cli.ok("deployment", "list")
    #expect(piped.contains(long.trimmingCharacters(in: .whitespaces)))
  }
}
