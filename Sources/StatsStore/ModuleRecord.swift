/// One leaf module of a run's model, as in the model summary: a row of `modules`.
public struct ModuleRecord: Sendable, Equatable {
    /// Dotted module path.
    public var path: String
    /// Layer type (`Conv2d`, `BatchNorm2d`, …).
    public var type: String
    /// Output shape without the batch dimension; stored as JSON text (`[16,14,14]`).
    public var outputShape: [Int]
    public var params: Int64
    public var trainable: Bool

    /// Creates a record.
    public init(path: String, type: String, outputShape: [Int], params: Int64, trainable: Bool) {
        self.path = path
        self.type = type
        self.outputShape = outputShape
        self.params = params
        self.trainable = trainable
    }
}
