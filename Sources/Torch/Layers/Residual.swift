/// `body(x) + shortcut(x)`, the shortcut being the identity when there is none.
///
/// Children are `body` and (when given) `shortcut`, both `Sequential`, so a PyTorch module with
/// those two attributes has the same parameter paths (`body.0.weight`, `shortcut.0.weight`).
public final class Residual: Module {
    public let body: Sequential
    public let shortcut: Sequential?

    public init(body: Sequential, shortcut: Sequential? = nil) {
        self.body = body
        self.shortcut = shortcut
        super.init()
        register("body", body)
        if let shortcut { register("shortcut", shortcut) }
    }

    override public func forward(_ input: Tensor) throws -> Tensor {
        let main = try body(input)
        let side = try shortcut.map { try $0(input) } ?? input
        guard main.shape == side.shape else {
            throw TorchError("Residual", "body gives \(main.shape) but \(shortcut == nil ? "the identity shortcut" : "shortcut") gives \(side.shape); they must match to be added")
        }
        return try main + side
    }
}
