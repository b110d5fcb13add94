import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif

/// An SVG document as an XML parser (Foundation's `XMLParser`) reads it: what the plot tests check.
public struct ParsedSVG {
    /// One element: its name, attributes and the text directly inside it.
    public struct Element {
        public var name: String
        public var attributes: [String: String]
        public var text: String
        /// Where it is in `elements`.
        public var index: Int
        /// Index in `elements` of the enclosing element (nil for the root).
        public var parent: Int?
    }

    public struct Invalid: Error, CustomStringConvertible {
        public let description: String
    }

    /// Every element in document order.
    public let elements: [Element]

    /// Parses `data`; throws when it is not well-formed XML or its root is not `<svg>`.
    public init(_ data: Data) throws {
        let delegate = Collector()
        let parser = XMLParser(data: data)
        parser.delegate = delegate
        guard parser.parse() else {
            throw Invalid(description: "not well-formed XML at line \(parser.lineNumber), column \(parser.columnNumber): "
                + "\(parser.parserError.map { "\($0)" } ?? "unknown error")")
        }
        guard delegate.elements.first?.name == "svg" else { throw Invalid(description: "the root element is not <svg>") }
        elements = delegate.elements
    }

    public init(_ text: String) throws { try self.init(Data(text.utf8)) }

    /// Elements named `name` whose `class` is `cssClass` (any class when nil).
    public func all(_ name: String, class cssClass: String? = nil) -> [Element] {
        elements.filter { $0.name == name && (cssClass == nil || $0.attributes["class"] == cssClass) }
    }

    /// The elements directly inside `element` (one of `elements`), in order.
    public func children(of element: Element) -> [Element] {
        elements.filter { $0.parent == element.index }
    }

    /// The `<title>` text.
    public var title: String? { all("title").first?.text }

    /// Points of the line chart: the `M`/`L` commands of its `<path class="series">`.
    public var seriesPoints: Int {
        (all("path", class: "series").first?.attributes["d"] ?? "").filter { $0 == "M" || $0 == "L" }.count
    }

    /// The `data-batch` of each colorful-dimension column, in order.
    public var columnBatches: [Int] { all("g", class: "column").compactMap { $0.attributes["data-batch"].flatMap(Int.init) } }

    /// Whether anything refers outside the document (`href`, `url(` other than a `#` fragment, `<script>`).
    public var hasExternalReferences: Bool {
        elements.contains { element in
            element.name == "script" || element.name == "image" || element.name == "foreignObject"
                || element.attributes.contains { key, value in
                    key.hasSuffix("href") || (value.contains("url(") && !value.contains("url(#"))
                }
        }
    }

    private final class Collector: NSObject, XMLParserDelegate {
        var elements: [Element] = []
        private var open: [Int] = []

        func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?,
                    attributes: [String: String] = [:]) {
            elements.append(Element(name: name, attributes: attributes, text: "", index: elements.count, parent: open.last))
            open.append(elements.count - 1)
        }

        func parser(_ parser: XMLParser, foundCharacters string: String) {
            if let current = open.last { elements[current].text += string }
        }

        func parser(_ parser: XMLParser, didEndElement name: String, namespaceURI: String?, qualifiedName: String?) {
            open.removeLast()
        }
    }
}
