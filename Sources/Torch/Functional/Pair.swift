/// A (height, width) pair for kernel sizes, strides and paddings; an integer literal means both.
public struct Pair: Sendable, Equatable, ExpressibleByIntegerLiteral, CustomStringConvertible {
    public var height: Int
    public var width: Int

    public init(_ height: Int, _ width: Int) {
        self.height = height
        self.width = width
    }

    public init(integerLiteral value: Int) { self.init(value, value) }

    /// The same value for both dimensions.
    public static func square(_ value: Int) -> Pair { Pair(value, value) }

    var values: [Int64] { [Int64(height), Int64(width)] }

    public var description: String { height == width ? "\(height)" : "(\(height), \(width))" }
}
