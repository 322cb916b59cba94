/// A count with its noun in the right number: "1 object", "2 objects", "2 history entries".
public func counted(_ count: Int, _ noun: String, plural: String? = nil) -> String {
  "\(count) " + (count == 1 ? noun : plural ?? noun + "s")
}
