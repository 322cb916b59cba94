import AirenvModel
import AirenvPresentation

/// What one Deployment really gets, field by field with where each value comes from, and
/// the differences between two Deployments.
enum ResolvedPage {
  static func lines(_ state: AppState, deployment id: DeploymentID, glyphs: Glyphs) -> [[Span]] {
    let workspace = state.workspace
    guard let deployment = workspace.deployment(id: id) else { return [[Span("Deployment gone", .error)]] }
    var lines: [[Span]] = [
      [
        Span("Resolved set of \(deployment.name)", .title, bold: true),
        Span("  [b]ase [o]verride [s]coped  Esc back", .muted),
      ]
    ]
    guard state.mayViewValues else {
      lines.append([Span("Field values need the Author role or higher.", .muted)])
      return lines
    }
    lines.append([Span("Connections", .accent, bold: true)])
    // Each connection's lines on every core: a Deployment that gets 5,000 connections with
    // their extras is some 45,000 lines.
    let blocks = workspace.resolvedConnections(for: id).concurrentMap { connection, resolved in
      var lines: [[Span]] = [
        [
          Span(connection.key, .text, bold: true),
          Span("  " + (resolved.fields[.connType]?.value ?? ""), .muted),
        ]
      ]
      let fields = ([.description] + ConnectionField.listedAsValues).filter { resolved.fields[$0] != nil }
      let extraKeys = resolved.extra.keys.sorted()
      let width = Glyphs.labelWidth(
        fields.map(\.rawValue) + extraKeys.map { "extra." + $0 }, room: state.width - 4)
      for field in fields {
        let value = resolved.fields[field]!
        let shown = field == .password ? DetailView.secret(value.value, state, glyphs) : Span(value.value)
        lines.append([mark(value.provenance), Span(glyphs.fit(field.rawValue, width), .muted), shown])
      }
      for key in extraKeys {
        let value = resolved.extra[key]!
        let shown = DetailView.extraValue(value.value, key: key, of: connection.base, state, glyphs)
        lines.append([mark(value.provenance), Span(glyphs.fit("extra." + key, width), .muted), shown])
      }
      return lines
    }
    lines.append(contentsOf: blocks.joined())
    lines.append([])
    lines.append([Span("Variables", .accent, bold: true)])
    for (variable, resolved) in workspace.resolvedVariables(for: id) {
      let shown =
        variable.isSecret
        ? DetailView.secret(resolved.value.value, state, glyphs) : Span(resolved.value.value)
      lines.append([mark(resolved.value.provenance), Span(glyphs.fit(variable.key, 24) + " ", .text), shown])
    }
    return lines
  }

  static func mark(_ provenance: Provenance) -> Span {
    switch provenance {
    case .base: Span("  b ", .muted)
    case .override: Span("  o ", .overridden, bold: true)
    case .scoped: Span("  s ", .scoped)
    }
  }

  static func diff(_ state: AppState, _ first: DeploymentID, _ second: DeploymentID, glyphs: Glyphs)
    -> [[Span]]
  {
    let workspace = state.workspace
    let names = (
      workspace.deployment(id: first)?.name ?? first, workspace.deployment(id: second)?.name ?? second
    )
    var lines: [[Span]] = [
      [
        Span("Differences: \(names.0) \(glyphs.arrow) \(names.1)", .title, bold: true),
        Span("  Esc back", .muted),
      ]
    ]
    guard state.mayViewValues else {
      lines.append([Span("Field values need the Author role or higher.", .muted)])
      return lines
    }
    for difference in workspace.differences(between: first, and: second) {
      switch difference.status {
      case .onlyInFirst, .onlyInSecond:
        let only = difference.status == .onlyInFirst ? names.0 : names.1
        lines.append([
          Span(
            difference.status == .onlyInSecond ? "+ " : "- ",
            difference.status == .onlyInSecond ? .success : .error),
          Span(difference.key), Span(" only in " + only, .muted),
        ])
      case .differs:
        for field in difference.fields {
          let change =
            field.secret
            ? "differs (secret)" : "\(field.first ?? "(none)") \(glyphs.arrow) \(field.second ?? "(none)")"
          let name = difference.kind == .variable ? difference.key : difference.key + "." + field.name
          lines.append([
            Span("~ ", .warning), Span(name + "  "), Span(change, field.secret ? .secret : .overridden),
          ])
        }
      }
    }
    if lines.count == 1 { lines.append([Span("They get the same objects and values.", .muted)]) }
    return lines
  }
}
